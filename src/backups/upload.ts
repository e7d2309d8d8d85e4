// Receives a multipart upload's `file` into a temp folder, refusing anything over the size limit before and while reading.
import { join } from "node:path";
import { GatewayError } from "../canonical/errors.ts";

export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;
/** Room for the multipart boundaries and part headers around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

export interface ReceivedFile {
  path: string;
  /** The name the client gave the file (for messages only; never used as a path). */
  name: string;
  size: number;
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${bytes} bytes`;
}

export function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError("payload_too_large", `The file is larger than the ${megabytes(maxBytes)} import limit.`, {
    code: "file_too_large",
    param: "file",
  });
}

/** The body, counted as it streams: past `limit` bytes it fails instead of growing. */
function limitedBody(body: ReadableStream<Uint8Array>, limit: number, onExceeded: () => void): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) {
          onExceeded();
          controller.error(new Error("upload too large"));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Read the `file` field of a multipart/form-data request into `dir`. At most `maxBytes` of file (plus the
 * multipart framing) are ever held: a larger Content-Length is refused at once, a body that turns out larger
 * is cut off as soon as it passes the limit.
 */
export async function receiveUpload(request: Request, maxBytes: number, dir: string): Promise<ReceivedFile> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new GatewayError("invalid_request", 'Send the database as multipart/form-data with the file in a field named "file".', {
      code: "expected_multipart",
      param: "file",
    });
  }
  const bodyLimit = maxBytes + MULTIPART_OVERHEAD;
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > bodyLimit) throw tooLarge(maxBytes);
  if (!request.body)
    throw new GatewayError("invalid_request", "The upload is empty: choose a file.", { code: "missing_file", param: "file" });

  let exceeded = false;
  let form: FormData;
  try {
    const counted = new Request("http://upload.invalid/", {
      method: "POST",
      headers: { "content-type": contentType },
      body: limitedBody(request.body, bodyLimit, () => (exceeded = true)),
    });
    form = await counted.formData();
  } catch (err) {
    if (exceeded) throw tooLarge(maxBytes);
    throw new GatewayError(
      "invalid_request",
      `The upload could not be read as multipart/form-data: ${err instanceof Error ? err.message : String(err)}`,
      { code: "bad_multipart", param: "file" },
    );
  }
  const file = form.get("file");
  if (!(file instanceof Blob))
    throw new GatewayError("invalid_request", 'No file was sent: put the database in a field named "file".', {
      code: "missing_file",
      param: "file",
    });
  if (file.size > maxBytes) throw tooLarge(maxBytes);
  if (file.size === 0) throw new GatewayError("invalid_request", "The file is empty.", { code: "empty_file", param: "file" });
  const path = join(dir, "upload");
  await Bun.write(path, file);
  return { path, name: file instanceof File ? file.name : "upload", size: file.size };
}
