// Bun's direct ReadableStream: a response body whose bytes are written straight to the client's socket, with
// no queue between the producer and Bun.serve. Typed here once: with the DOM lib loaded (for views/), the
// ReadableStream constructor's type does not list Bun's `type: "direct"` source.
export function directStream(source: Bun.DirectUnderlyingSource<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream(source as unknown as UnderlyingDefaultSource<Uint8Array>);
}
