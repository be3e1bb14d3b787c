/**
 * Builds grpc-js service definitions from the protobuf reflection shipped in @temporalio/proto and
 * binds them to engine handlers. Every method of a service is registered: methods without a
 * handler answer UNIMPLEMENTED naming the method.
 */
import * as grpcJs from '@grpc/grpc-js';
import { temporal, grpc as grpcProto, Msg, MessageType, decodePlain } from '../proto';
import { RpcError, invalidArgument, unimplemented } from './errors';

/** DEVSERVER_TRACE_RPC=1 prints each answered call with its start time and duration. */
const traceCalls = process.env.DEVSERVER_TRACE_RPC === '1';

export interface CallContext {
  /** Aborted when the caller cancels the call or its deadline passes. */
  signal: AbortSignal;
  metadata: grpcJs.Metadata;
}

export type UnaryHandler = (request: Msg, context: CallContext) => Promise<Msg> | Msg;

interface ReflectedMethod {
  name: string;
  resolve(): unknown;
  resolvedRequestType: MessageType | null;
  resolvedResponseType: MessageType | null;
  requestStream?: boolean;
  responseStream?: boolean;
}

interface ReflectedService {
  fullName: string; // ".temporal.api.workflowservice.v1.WorkflowService"
  methods: Record<string, ReflectedMethod>;
}

export interface ServiceBindingOptions {
  maxRequestBytes: number;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

/** Registers every method of `service` on `server`, dispatching to `handlers` by method name. */
export function bindService(
  server: grpcJs.Server,
  service: ReflectedService,
  handlers: Record<string, UnaryHandler | undefined>,
  options: ServiceBindingOptions,
): void {
  const serviceName = service.fullName.replace(/^\./, '');
  const definition: Record<string, grpcJs.MethodDefinition<Buffer, Buffer>> = {};
  const implementation: grpcJs.UntypedServiceImplementation = {};
  for (const method of Object.values(service.methods)) {
    // Streaming methods (only Health/Watch) are left out: nothing in the SDK calls them.
    if (method.requestStream || method.responseStream) continue;
    method.resolve();
    const requestType = method.resolvedRequestType!;
    const responseType = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      // Decoding happens in the handler so a malformed body becomes INVALID_ARGUMENT, not INTERNAL.
      requestSerialize: (value: Buffer) => value,
      requestDeserialize: (bytes: Buffer) => bytes,
      // Encoding also happens in the handler, so a trace's duration includes it.
      responseSerialize: (value: Buffer) => value,
      responseDeserialize: (bytes: Buffer) => bytes,
      originalName: method.name,
    };
    const handler = handlers[method.name];
    implementation[method.name] = (call: grpcJs.ServerUnaryCall<Buffer, Buffer>, callback: grpcJs.sendUnaryData<Buffer>) => {
      void runUnary(call, callback, method.name, requestType, responseType, handler, options);
    };
  }
  server.addService(definition as grpcJs.ServiceDefinition, implementation);
}

async function runUnary(
  call: grpcJs.ServerUnaryCall<Buffer, Buffer>,
  callback: grpcJs.sendUnaryData<Buffer>,
  methodName: string,
  requestType: MessageType,
  responseType: MessageType,
  handler: UnaryHandler | undefined,
  options: ServiceBindingOptions,
): Promise<void> {
  // Only long polls and queries look at the signal; most calls never pay for the controller.
  let controller: AbortController | undefined;
  let cancelled = false;
  const onCancelled = () => {
    cancelled = true;
    controller?.abort();
  };
  call.on('cancelled', onCancelled);
  const context: CallContext = {
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (cancelled) controller.abort();
      }
      return controller.signal;
    },
    metadata: call.metadata,
  };
  try {
    if (!handler) throw unimplemented(`${methodName} is not implemented by the Sparkify devserver`);
    const bytes = call.request;
    if (bytes.length > options.maxRequestBytes) {
      throw invalidArgument(`${methodName} request of ${bytes.length} bytes exceeds the ${options.maxRequestBytes}-byte limit`);
    }
    let request: Msg;
    try {
      request = decodePlain(requestType, bytes);
    } catch (error) {
      throw invalidArgument(`${methodName} request is not a valid protobuf message: ${(error as Error).message}`);
    }
    const startedAt = traceCalls ? performance.now() : 0;
    const response = await handler(request, context);
    const encoded = Buffer.from(responseType.encode(response).finish());
    if (traceCalls) {
      const elapsed = (performance.now() - startedAt).toFixed(1);
      process.stderr.write(`[rpc] ${startedAt.toFixed(1)} ${methodName} +${elapsed}ms ${bytes.length}B in ${encoded.length}B out\n`);
    }
    callback(null, encoded);
  } catch (error) {
    if (error instanceof RpcError) {
      if (error.code !== grpcJs.status.NOT_FOUND && error.code !== grpcJs.status.ALREADY_EXISTS) {
        options.log('debug', `${methodName}: ${error.message}`);
      }
      callback(error.toServiceError());
    } else {
      options.log('error', `${methodName} failed: ${(error as Error)?.stack ?? String(error)}`);
      callback({ code: grpcJs.status.INTERNAL, details: `${methodName} failed: ${(error as Error)?.message ?? String(error)}` });
    }
  } finally {
    call.removeListener('cancelled', onCancelled);
  }
}

export const workflowServiceReflection = temporal.api.workflowservice.v1.WorkflowService as unknown as ReflectedService;
export const healthServiceReflection = grpcProto.health.v1.Health as unknown as ReflectedService;
export const operatorServiceReflection = temporal.api.operatorservice.v1.OperatorService as unknown as ReflectedService;
