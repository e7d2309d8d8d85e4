// Writes to a socket that may take less than it is given: the rest waits for `drain`, so the source can pause.

export interface WritableSocket {
  write(data: Uint8Array | string): number;
  end(): void;
}

export class Outbox {
  private queue: Uint8Array[] = [];
  private ending = false;
  private closed = false;

  /** `onEmpty` runs when a backlog has been written out (resume the source then). */
  constructor(
    private readonly socket: WritableSocket,
    private readonly onEmpty: () => void = () => {},
  ) {}

  /** True when `bytes` went out whole; false when some wait for `drain()` (pause the source until onEmpty). */
  write(bytes: Uint8Array | string): boolean {
    if (this.closed || this.ending) return true;
    const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    if (this.queue.length > 0) {
      this.queue.push(data.slice());
      return false;
    }
    const written = this.socket.write(data);
    if (written < 0) {
      this.closed = true;
      return true;
    }
    if (written < data.length) {
      this.queue.push(data.slice(written));
      return false;
    }
    return true;
  }

  /** Call from the socket's `drain` handler. */
  drain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const written = this.socket.write(head);
      if (written < 0) {
        this.queue = [];
        this.closed = true;
        return;
      }
      if (written < head.length) {
        this.queue[0] = head.subarray(written);
        return;
      }
      this.queue.shift();
    }
    if (this.ending) {
      this.finish();
      return;
    }
    this.onEmpty();
  }

  /** Ends the socket once everything queued has been written. */
  end(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    if (this.queue.length === 0) this.finish();
  }

  get backlogged(): boolean {
    return this.queue.length > 0;
  }

  private finish(): void {
    this.closed = true;
    this.socket.end();
  }
}
