/**
 * Unary gRPC calls served by @grpc/grpc-js: one raw-bytes method per `/package.Service/Method`
 * path (decoding and encoding happen in service.ts, so a malformed body becomes INVALID_ARGUMENT
 * there rather than INTERNAL here). grpc-js does the protocol: framing, gzip/deflate requests,
 * `grpc-timeout` deadlines, cancellation, size limits, UNIMPLEMENTED for unknown paths.
 */
import * as grpcJs from '@grpc/grpc-js';

/** One unary call as a handler sees it; exactly one of `respond` / `fail` takes effect. */
export interface UnaryCall {
  /** True once the caller went away or the deadline passed: answering is pointless. */
  readonly cancelled: boolean;
  /** Runs `listener` when the call is cancelled (at most once); returns a function that unregisters it. */
  onCancel(listener: () => void): () => void;
  respond(message: Uint8Array): void;
  fail(code: grpcJs.status, message: string, statusDetails?: Uint8Array): void;
}

export type RawUnaryHandler = (request: Buffer, call: UnaryCall) => void;

export interface TransportOptions {
  /** Requests larger than this answer RESOURCE_EXHAUSTED (grpc-js's receive limit). */
  maxReceiveBytes: number;
}

const asBuffer = (bytes: Buffer): Buffer => bytes;

export class GrpcTransport {
  private readonly server: grpcJs.Server;

  constructor(options: TransportOptions) {
    this.server = new grpcJs.Server({
      'grpc.max_receive_message_length': options.maxReceiveBytes,
      'grpc.max_send_message_length': 256 * 1024 * 1024,
      // Per-call channelz bookkeeping costs every RPC and nothing here reads it.
      'grpc.enable_channelz': 0,
    });
  }

  /** Registers `handler` for `/package.Service/Method`. */
  addMethod(path: string, handler: RawUnaryHandler): void {
    this.server.register<Buffer, Buffer>(
      path,
      (call: grpcJs.ServerUnaryCall<Buffer, Buffer>, callback: grpcJs.sendUnaryData<Buffer>) => handler(call.request, new Call(call, callback)),
      asBuffer,
      asBuffer,
      'unary',
    );
  }

  listen(ip: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${ip}:${port}`, grpcJs.ServerCredentials.createInsecure(), (error, boundPort) => {
        if (error) reject(error);
        else resolve(boundPort);
      });
    });
  }

  /** Stops listening and ends every connection at once; calls in flight see cancellation. */
  close(): Promise<void> {
    // Long polls would hold a graceful shutdown open for up to a minute.
    this.server.forceShutdown();
    return Promise.resolve();
  }
}

class Call implements UnaryCall {
  /** open → answered, or open → cancelled (the caller left, or the deadline passed). */
  private state: 'open' | 'answered' | 'cancelled' = 'open';
  private cancelListeners: (() => void)[] | undefined;

  constructor(
    call: grpcJs.ServerUnaryCall<Buffer, Buffer>,
    private readonly callback: grpcJs.sendUnaryData<Buffer>,
  ) {
    call.once('cancelled', () => this.cancel());
  }

  get cancelled(): boolean {
    return this.state === 'cancelled';
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
    this.callback(null, Buffer.from(message.buffer, message.byteOffset, message.byteLength));
  }

  fail(code: grpcJs.status, message: string, statusDetails?: Uint8Array): void {
    if (!this.answer()) return;
    const metadata = new grpcJs.Metadata();
    if (statusDetails) metadata.set('grpc-status-details-bin', Buffer.from(statusDetails));
    this.callback({ code, details: message, metadata });
  }

  private answer(): boolean {
    if (this.state !== 'open') return false;
    this.state = 'answered';
    this.cancelListeners = undefined;
    return true;
  }

  private cancel(): void {
    if (this.state !== 'open') return;
    this.state = 'cancelled';
    const listeners = this.cancelListeners;
    this.cancelListeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }
}
