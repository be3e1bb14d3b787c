/**
 * Temporal's HTTP API (`/api/v1/…`) transcoded to the gRPC methods' own raw handlers: a request's
 * path, query and JSON body become the method's protobuf request, which goes through exactly the
 * decode → handler → encode path a gRPC call takes; the protobuf answer (or the gRPC status) is
 * written back as proto3 JSON (or as grpc-gateway's error body and HTTP status).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { status as grpcStatus } from '@grpc/grpc-js';
import { google, type Msg } from '../proto';
import type { RawUnaryHandler, UnaryCall } from '../grpc/transport';
import { JsonInputError, ReflectedType, jsonToObject, messageToJson, setFieldFromString } from './proto-json';
import { HttpRoute, RouteTable } from './routes';

/** grpc-gateway's HTTP status for each gRPC code (runtime.HTTPStatusFromCode). */
const HTTP_STATUS: Record<number, number> = {
  [grpcStatus.OK]: 200,
  [grpcStatus.CANCELLED]: 499,
  [grpcStatus.UNKNOWN]: 500,
  [grpcStatus.INVALID_ARGUMENT]: 400,
  [grpcStatus.DEADLINE_EXCEEDED]: 504,
  [grpcStatus.NOT_FOUND]: 404,
  [grpcStatus.ALREADY_EXISTS]: 409,
  [grpcStatus.PERMISSION_DENIED]: 403,
  [grpcStatus.RESOURCE_EXHAUSTED]: 429,
  [grpcStatus.FAILED_PRECONDITION]: 400,
  [grpcStatus.ABORTED]: 409,
  [grpcStatus.OUT_OF_RANGE]: 400,
  [grpcStatus.UNIMPLEMENTED]: 501,
  [grpcStatus.INTERNAL]: 500,
  [grpcStatus.UNAVAILABLE]: 503,
  [grpcStatus.DATA_LOSS]: 500,
  [grpcStatus.UNAUTHENTICATED]: 401,
};

const statusType = google.rpc.Status as unknown as ReflectedType;

export interface HttpApiOptions {
  /** Bodies larger than this are refused with 413 before any decoding. */
  maxRequestBytes: number;
}

/**
 * Collects the raw handlers the gRPC binding registers (it is a second method registry beside the
 * gRPC transport) and serves the routes that lead to them.
 */
export class HttpApi {
  private readonly handlers = new Map<string, RawUnaryHandler>();
  private readonly table: RouteTable;

  constructor(
    routes: HttpRoute[],
    private readonly options: HttpApiOptions,
  ) {
    this.table = new RouteTable(routes);
  }

  addMethod(grpcPath: string, handler: RawUnaryHandler): void {
    this.handlers.set(grpcPath, handler);
  }

  /** Answers the request if its path is an API route; returns false otherwise. */
  async serve(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const segments = url.pathname.split('/').slice(1);
    const match = this.table.match(request.method ?? 'GET', segments);
    if (!match) {
      if (!this.table.hasPath(segments)) return false;
      writeError(response, grpcStatus.UNIMPLEMENTED, `${request.method} ${url.pathname} is not an HTTP API route`, undefined, 405);
      return true;
    }
    const { route, pathFields } = match;
    const handler = this.handlers.get(route.grpcPath);
    let bytes: Buffer;
    try {
      const body = route.body ? await readBody(request, this.options.maxRequestBytes) : undefined;
      bytes = encodeRequest(route, body, url.searchParams, pathFields);
    } catch (error) {
      if (error instanceof BodyTooLarge) writeError(response, grpcStatus.RESOURCE_EXHAUSTED, error.message, undefined, 413);
      else if (error instanceof JsonInputError) writeError(response, grpcStatus.INVALID_ARGUMENT, `${route.method}: ${error.message}`);
      else writeError(response, grpcStatus.INTERNAL, `${route.method}: ${(error as Error).message}`);
      return true;
    }
    if (!handler) {
      writeError(response, grpcStatus.UNIMPLEMENTED, `${route.method} is not implemented by the Sparkify devserver`);
      return true;
    }
    handler(bytes, new HttpCall(request, response, route.responseType));
    return true;
  }
}

/** Path fields, then the query (for routes without a body) or the JSON body, as the request message's bytes. */
function encodeRequest(route: HttpRoute, body: string | undefined, query: URLSearchParams, pathFields: [string, string][]): Buffer {
  const type = route.requestType;
  let json: Record<string, unknown> = {};
  if (route.body === '*') {
    if (body !== undefined && body.trim() !== '') {
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch (error) {
        throw new JsonInputError(`request body is not JSON: ${(error as Error).message}`);
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new JsonInputError('request body must be a JSON object');
    }
  } else {
    for (const [name, value] of query) {
      try {
        setFieldFromString(type, json, name, value);
      } catch (error) {
        // grpc-gateway lets unknown query parameters pass; so do we (the UI adds its own).
        if (!(error instanceof JsonInputError)) throw error;
      }
    }
  }
  for (const [field, value] of pathFields) setFieldFromString(type, json, field, value);
  const object = jsonToObject(type, json) as Msg;
  return Buffer.from(type.encode(type.fromObject(object)).finish());
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(`request body exceeds the ${limit}-byte limit`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** One HTTP request as the gRPC binding's UnaryCall: the same handler answers it. */
class HttpCall implements UnaryCall {
  private state: 'open' | 'answered' | 'cancelled' = 'open';
  private listeners: (() => void)[] = [];

  constructor(
    request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly responseType: ReflectedType,
  ) {
    // The client went away before the answer (a closed tab, an aborted fetch): long polls stop waiting.
    response.once('close', () => {
      if (this.state !== 'open') return;
      this.state = 'cancelled';
      for (const listener of this.listeners.splice(0)) listener();
    });
    request.resume();
  }

  get cancelled(): boolean {
    return this.state === 'cancelled';
  }

  onCancel(listener: () => void): () => void {
    if (this.state !== 'open') return () => undefined;
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  respond(message: Uint8Array): void {
    if (this.state !== 'open') return;
    this.state = 'answered';
    let json: unknown;
    try {
      json = messageToJson(this.responseType, this.responseType.decode(message));
    } catch (error) {
      writeError(this.response, grpcStatus.INTERNAL, `answer could not be written as JSON: ${(error as Error).message}`);
      return;
    }
    writeJson(this.response, 200, json);
  }

  fail(code: grpcStatus, message: string, statusDetails?: Uint8Array): void {
    if (this.state !== 'open') return;
    this.state = 'answered';
    writeError(this.response, code, message, statusDetails);
  }
}

/** grpc-gateway's error body: google.rpc.Status as JSON (code, message, details with "@type"). */
function writeError(response: ServerResponse, code: grpcStatus, message: string, statusDetails?: Uint8Array, httpStatus?: number): void {
  let details: unknown[] = [];
  if (statusDetails) {
    const decoded = messageToJson(statusType, statusType.decode(statusDetails)) as { details?: unknown[] };
    details = decoded.details ?? [];
  }
  writeJson(response, httpStatus ?? HTTP_STATUS[code] ?? 500, { code, message, details });
}

export function writeJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}
