/**
 * A minimal gRPC server for unary calls, on node:http2 directly.
 *
 * Why not grpc-js's Server: it inflates each gzipped request (the SDK's Core client gzips all of
 * them unless told otherwise, see `uncompressedOnly`) through a new zlib stream on the thread pool,
 * ~0.1–0.3 ms of CPU plus a thread hop per call, and its interceptor and Metadata layers cost as
 * much again. Here a request is inflated synchronously (they are small), the handler sees raw bytes,
 * and a response is one DATA frame plus trailers.
 *
 * What it does: routing by `:path` (unknown methods answer UNIMPLEMENTED), `grpc-encoding`
 * identity/gzip/deflate requests, `grpc-timeout` deadlines (DEADLINE_EXCEEDED), client cancellation
 * (RST_STREAM), a receive size limit (RESOURCE_EXHAUSTED), trailers-only error responses with
 * `grpc-status-details-bin`. No streaming calls, TLS or response compression: nothing here needs them.
 */
import * as http2 from 'node:http2';
import * as zlib from 'node:zlib';
import { status } from '@grpc/grpc-js';

const {
  HTTP2_HEADER_PATH,
  HTTP2_HEADER_STATUS,
  HTTP2_HEADER_CONTENT_TYPE,
  HTTP_STATUS_OK,
  HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE,
  NGHTTP2_CANCEL,
} = http2.constants;

/** One unary call as a handler sees it; exactly one of `respond` / `fail` takes effect. */
export interface UnaryCall {
  readonly headers: http2.IncomingHttpHeaders;
  /** True once the caller went away or the deadline passed: answering is pointless. */
  readonly cancelled: boolean;
  /** Runs `listener` when the call is cancelled (at most once); returns a function that unregisters it. */
  onCancel(listener: () => void): () => void;
  respond(message: Uint8Array): void;
  fail(code: status, message: string, statusDetails?: Uint8Array): void;
}

export type RawUnaryHandler = (request: Buffer, call: UnaryCall) => void;

export interface TransportOptions {
  /** Requests larger than this (after inflating) answer RESOURCE_EXHAUSTED. */
  maxReceiveBytes: number;
  /**
   * Paths whose compressed requests are declined, as the gRPC spec has a server answer an encoding
   * it does not take: UNIMPLEMENTED naming `grpc-encoding`, with `grpc-accept-encoding: identity`.
   */
  uncompressedOnly?: ReadonlySet<string>;
}

const responseHeaders = {
  [HTTP2_HEADER_STATUS]: HTTP_STATUS_OK,
  [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc+proto',
  'grpc-accept-encoding': 'identity,deflate,gzip',
  'grpc-encoding': 'identity',
};
const okTrailers = { 'grpc-status': '0' };
const identityOnly = { 'grpc-accept-encoding': 'identity' };
const timeoutUnitsMs: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

export class GrpcTransport {
  private readonly methods = new Map<string, RawUnaryHandler>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly server: http2.Http2Server;

  constructor(private readonly options: TransportOptions) {
    this.server = http2.createServer({
      // As grpc-js does: Node's session memory cap degrades badly under many concurrent long polls.
      maxSessionMemory: Number.MAX_SAFE_INTEGER,
      maxSendHeaderBlockLength: Number.MAX_SAFE_INTEGER,
    });
    // A response is two writes (headers + data, then trailers): with Nagle's algorithm on, the
    // trailers could wait for the client's delayed ACK of the first.
    this.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
    this.server.on('session', (session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
      // Errors end the session; its streams see 'close' and cancel their calls.
      session.on('error', () => undefined);
    });
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
  }

  /** Registers `handler` for `/package.Service/Method`. */
  addMethod(path: string, handler: RawUnaryHandler): void {
    this.methods.set(path, handler);
  }

  listen(ip: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, ip, () => {
        this.server.removeListener('error', onError);
        // Later errors concern one connection (e.g. a failed accept); the listener stays up.
        this.server.on('error', () => undefined);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops listening and ends every connection; calls in flight see cancellation. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        for (const session of this.sessions) session.destroy();
        resolve();
        return;
      }
      this.server.close(() => resolve());
      for (const session of this.sessions) session.destroy(undefined, NGHTTP2_CANCEL);
    });
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    // Errors are followed by 'close', which cancels the call; nothing else to do with them.
    stream.on('error', () => undefined);
    const contentType = headers[HTTP2_HEADER_CONTENT_TYPE];
    if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) {
      stream.respond({ [HTTP2_HEADER_STATUS]: HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE }, { endStream: true });
      return;
    }
    const path = String(headers[HTTP2_HEADER_PATH] ?? '');
    const handler = this.methods.get(path);
    const call = new Call(stream, headers);
    if (!handler) {
      call.fail(status.UNIMPLEMENTED, `The server does not implement the method ${path}`);
      return;
    }
    const timeout = headers['grpc-timeout'];
    if (typeof timeout === 'string') call.setDeadline(timeout);

    const chunks: Buffer[] = [];
    let received = 0;
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > this.options.maxReceiveBytes + 5) {
        call.fail(status.RESOURCE_EXHAUSTED, `Received message larger than max (${received - 5} vs. ${this.options.maxReceiveBytes})`);
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (!call.open) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const request = this.unframe(path, body, headers['grpc-encoding'], call);
      if (request) handler(request, call);
    });
  }

  /** The single length-prefixed message of a unary request, inflated; undefined once the call failed. */
  private unframe(path: string, body: Buffer, encoding: string | string[] | undefined, call: Call): Buffer | undefined {
    if (body.length < 5 || body.readUInt32BE(1) !== body.length - 5) {
      call.fail(status.INTERNAL, 'a unary request must carry exactly one message');
      return undefined;
    }
    const payload = body.subarray(5);
    if (body[0] === 0) return payload;
    if (this.options.uncompressedOnly?.has(path)) {
      call.fail(status.UNIMPLEMENTED, `grpc-encoding "${String(encoding)}" is not accepted for ${path}: send it uncompressed`, undefined, identityOnly);
      return undefined;
    }
    const limit = { maxOutputLength: this.options.maxReceiveBytes };
    try {
      if (encoding === 'gzip') return zlib.gunzipSync(payload, limit);
      if (encoding === 'deflate') return zlib.inflateSync(payload, limit);
    } catch (error) {
      const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      call.fail(tooLarge ? status.RESOURCE_EXHAUSTED : status.INTERNAL, tooLarge ? 'Received message that decompresses past the size limit' : 'Failed to decompress message');
      return undefined;
    }
    call.fail(status.UNIMPLEMENTED, `Received message compressed with unsupported encoding "${String(encoding)}"`);
    return undefined;
  }
}

class Call implements UnaryCall {
  /** open → answered, or open → cancelled (the caller left, or the deadline passed). */
  private state: 'open' | 'answered' | 'cancelled' = 'open';
  private cancelListeners: (() => void)[] | undefined;
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    readonly headers: http2.IncomingHttpHeaders,
  ) {
    stream.once('close', () => {
      if (this.state === 'open') this.cancel();
    });
  }

  get open(): boolean {
    return this.state === 'open';
  }

  get cancelled(): boolean {
    return this.state === 'cancelled';
  }

  setDeadline(header: string): void {
    const match = /^(\d{1,8})([HMSmun])$/.exec(header);
    if (!match) return;
    const ms = Number(match[1]) * timeoutUnitsMs[match[2]];
    this.deadline = setTimeout(() => {
      if (this.state !== 'open') return;
      this.cancel();
      if (!this.stream.destroyed && !this.stream.closed) this.sendStatus(status.DEADLINE_EXCEEDED, 'Deadline exceeded');
    }, Math.ceil(ms));
  }

  onCancel(listener: () => void): () => void {
    if (this.state !== 'open') return () => undefined;
    (this.cancelListeners ??= []).push(listener);
    return () => {
      const index = this.cancelListeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.cancelListeners!.splice(index, 1);
    };
  }

  respond(message: Uint8Array): void {
    if (!this.answer()) return;
    const frame = Buffer.allocUnsafe(message.length + 5);
    frame[0] = 0;
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    const stream = this.stream;
    stream.respond(responseHeaders, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers(okTrailers));
    stream.end(frame);
  }

  fail(code: status, message: string, statusDetails?: Uint8Array, extraHeaders?: http2.OutgoingHttpHeaders): void {
    if (this.answer()) this.sendStatus(code, message, statusDetails, extraHeaders);
  }

  private sendStatus(code: status, message: string, statusDetails?: Uint8Array, extraHeaders?: http2.OutgoingHttpHeaders): void {
    const headers: http2.OutgoingHttpHeaders = { ...responseHeaders, ...extraHeaders, 'grpc-status': String(code), 'grpc-message': encodeURI(message) };
    if (statusDetails) headers['grpc-status-details-bin'] = Buffer.from(statusDetails).toString('base64');
    // Trailers-only response: the status travels in the one HEADERS frame, which also ends the stream.
    this.stream.respond(headers, { endStream: true });
  }

  /** Moves an open call to answered; false if it was answered or cancelled before, or its stream is gone. */
  private answer(): boolean {
    if (this.state !== 'open') return false;
    if (this.stream.destroyed || this.stream.closed) {
      this.cancel();
      return false;
    }
    this.state = 'answered';
    this.cancelListeners = undefined;
    if (this.deadline) clearTimeout(this.deadline);
    return true;
  }

  private cancel(): void {
    if (this.state === 'cancelled') return;
    this.state = 'cancelled';
    if (this.deadline) clearTimeout(this.deadline);
    const listeners = this.cancelListeners;
    this.cancelListeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }
}
