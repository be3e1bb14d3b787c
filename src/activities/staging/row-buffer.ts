/**
 * COPY rows being built: one growable byte buffer. `take()` hands the rows over in a buffer of its
 * own (not a view into Node's shared pool), so a parser thread can transfer it rather than copy it,
 * and starts a fresh one of the same capacity.
 */
export class RowBuffer {
  private buffer: Buffer;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity = 64 * 1024) {
    this.buffer = Buffer.allocUnsafeSlow(capacity);
  }

  /** The buffer, with room for at least `bytes` more after `length`. */
  reserve(bytes: number): Buffer {
    const needed = this.length + bytes;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    return this.buffer;
  }

  /** Appends bytes. */
  append(bytes: Uint8Array): void {
    this.reserve(bytes.length).set(bytes, this.length);
    this.length += bytes.length;
  }

  /**
   * Writes a binary row's tail at `at`: the provenance prefix (see binary-copy.ts) and the line
   * number as 4 big-endian bytes. Returns the position after it; the caller reserved the room.
   */
  writeTail(at: number, provenance: Uint8Array, lineNo: number): number {
    const out = this.buffer;
    out.set(provenance, at);
    const o = at + provenance.length;
    out.writeInt32BE(lineNo, o);
    return o + 4;
  }

  /** The rows written, and a fresh buffer for the next ones. */
  take(): Buffer {
    const rows = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafeSlow(this.buffer.length);
    this.length = 0;
    return rows;
  }
}
