/**
 * Binds engine handlers to the methods of a service reflected from the protobuf definitions shipped
 * in @temporalio/proto. Every method of a service is registered: methods without a handler answer
 * UNIMPLEMENTED naming the method.
 */
import { status } from '@grpc/grpc-js';
import { temporal, grpc as grpcProto, Msg, MessageType, decodePlain, encodeMessage } from '../proto';
import { RpcError, invalidArgument, unimplemented } from './errors';
import type { RawUnaryHandler, UnaryCall } from './transport';
import type { MethodStats, RpcStats } from './stats';

/** DEVSERVER_TRACE_RPC=1 prints each answered call with its start time and duration. */
const traceCalls = process.env.DEVSERVER_TRACE_RPC === '1';

export interface CallContext {
  /** Aborted when the caller cancels the call or its deadline passes. */
  signal: AbortSignal;
  /** True once the caller went away or the deadline passed. */
  readonly cancelled: boolean;
  /** Cheaper than `signal` for one listener: runs `listener` on cancellation; returns an unregister function. */
  onCancel(listener: () => void): () => void;
}

/** A handler answers with a plain message, or a promise of one when it has to wait. */
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
  stats: RpcStats;
}

interface BoundMethod {
  name: string;
  /** Which task a call of this method completes, for the worker-time counters. */
  completes: 'workflowTask' | 'activityTask' | undefined;
  requestType: MessageType;
  responseType: MessageType;
  handler: UnaryHandler | undefined;
  stats: MethodStats;
  options: ServiceBindingOptions;
}

/** Where a bound method is registered: the gRPC transport, and the HTTP API that transcodes to the same handler. */
export interface MethodRegistry {
  addMethod(path: string, handler: RawUnaryHandler): void;
}

/** Registers every method of `service` on each registry, dispatching to `handlers` by method name. */
export function bindService(
  registries: MethodRegistry[],
  service: ReflectedService,
  handlers: Record<string, UnaryHandler | undefined>,
  options: ServiceBindingOptions,
): void {
  const serviceName = service.fullName.replace(/^\./, '');
  for (const method of Object.values(service.methods)) {
    // Streaming methods (only Health/Watch) are left out: nothing in the SDK calls them.
    if (method.requestStream || method.responseStream) continue;
    method.resolve();
    const bound: BoundMethod = {
      name: method.name,
      completes: completedTaskKind(method.name),
      requestType: method.resolvedRequestType!,
      responseType: method.resolvedResponseType!,
      handler: handlers[method.name],
      stats: options.stats.of(method.name),
      options,
    };
    const raw: RawUnaryHandler = (bytes, call) => runUnary(bound, bytes, call);
    for (const registry of registries) registry.addMethod(`/${serviceName}/${method.name}`, raw);
  }
}

/**
 * Decode → handler → encode → answer. A handler that returns a plain message is answered in the
 * same turn, without a promise hop; only handlers that wait return a promise.
 */
function runUnary(method: BoundMethod, bytes: Buffer, call: UnaryCall): void {
  const startedAt = performance.now();
  method.stats.calls++;
  let result: Promise<Msg> | Msg;
  try {
    const request = decodeRequest(method, bytes);
    if (method.completes && request.taskToken) method.options.stats.taskReturned(request.taskToken, method.completes, startedAt);
    result = method.handler ? method.handler(request, new Context(call)) : unimplementedCall(method);
  } catch (error) {
    answerError(method, call, error);
    method.stats.handlerMs += performance.now() - startedAt;
    return;
  }
  if (!(result instanceof Promise)) {
    answer(method, call, result, bytes.length, startedAt);
    method.stats.handlerMs += performance.now() - startedAt;
    return;
  }
  // Waiting is not work: count the time up to here, then the answer's own cost once it comes.
  method.stats.handlerMs += performance.now() - startedAt;
  result.then(
    (response) => {
      const resumedAt = performance.now();
      answer(method, call, response, bytes.length, startedAt);
      method.stats.handlerMs += performance.now() - resumedAt;
    },
    (error: unknown) => {
      const resumedAt = performance.now();
      answerError(method, call, error);
      method.stats.handlerMs += performance.now() - resumedAt;
    },
  );
}

/** Workflow and activity task completions (not heartbeats: the task is still at the worker). */
function completedTaskKind(methodName: string): BoundMethod['completes'] {
  if (/^RespondWorkflowTask(Completed|Failed)$/.test(methodName)) return 'workflowTask';
  if (/^RespondActivityTask(Completed|Failed|Canceled)$/.test(methodName)) return 'activityTask';
  return undefined;
}

/** Remembers when each task in an answer left, so its completion can tell how long the worker had it. */
function noteTasksSent(stats: RpcStats, response: Msg): void {
  const now = performance.now();
  // A legacy query task is answered by RespondQueryTaskCompleted, which is not timed.
  if (response.taskToken?.length && !response.query) stats.taskSent(response.taskToken, now);
  if (response.workflowTask?.taskToken?.length) stats.taskSent(response.workflowTask.taskToken, now);
  const activityTasks: Msg[] | undefined = response.activityTasks;
  if (activityTasks) for (const task of activityTasks) if (task.taskToken?.length) stats.taskSent(task.taskToken, now);
}

function unimplementedCall(method: BoundMethod): never {
  throw unimplemented(`${method.name} is not implemented by the Sparkify devserver`);
}

function decodeRequest(method: BoundMethod, bytes: Buffer): Msg {
  const limit = method.options.maxRequestBytes;
  if (bytes.length > limit) throw invalidArgument(`${method.name} request of ${bytes.length} bytes exceeds the ${limit}-byte limit`);
  try {
    return decodePlain(method.requestType, bytes);
  } catch (error) {
    throw invalidArgument(`${method.name} request is not a valid protobuf message: ${(error as Error).message}`);
  }
}

/** Only long polls and queries look at cancellation; most calls never pay for an AbortController. */
class Context implements CallContext {
  private controller: AbortController | undefined;

  constructor(private readonly call: UnaryCall) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.call.cancelled) controller.abort();
      else this.call.onCancel(() => controller.abort());
    }
    return this.controller.signal;
  }

  get cancelled(): boolean {
    return this.call.cancelled;
  }

  onCancel(listener: () => void): () => void {
    return this.call.onCancel(listener);
  }
}

function answer(method: BoundMethod, call: UnaryCall, response: Msg, bytesIn: number, startedAt: number): void {
  let encoded: Uint8Array;
  try {
    encoded = encodeMessage(method.responseType, response);
  } catch (error) {
    answerError(method, call, error);
    return;
  }
  call.respond(encoded);
  noteTasksSent(method.options.stats, response);
  if (traceCalls) {
    const elapsed = (performance.now() - startedAt).toFixed(1);
    process.stderr.write(`[rpc] ${startedAt.toFixed(1)} ${method.name} +${elapsed}ms ${bytesIn}B in ${encoded.length}B out\n`);
  }
}

function answerError(method: BoundMethod, call: UnaryCall, error: unknown): void {
  method.stats.errors++;
  if (error instanceof RpcError) {
    if (error.code !== status.NOT_FOUND && error.code !== status.ALREADY_EXISTS) method.options.log('debug', `${method.name}: ${error.message}`);
    call.fail(error.code, error.message, error.statusDetails());
    return;
  }
  method.options.log('error', `${method.name} failed: ${(error as Error)?.stack ?? String(error)}`);
  call.fail(status.INTERNAL, `${method.name} failed: ${(error as Error)?.message ?? String(error)}`);
}

export const workflowServiceReflection = temporal.api.workflowservice.v1.WorkflowService as unknown as ReflectedService;
export const healthServiceReflection = grpcProto.health.v1.Health as unknown as ReflectedService;
/** Bound without handlers: every method answers UNIMPLEMENTED naming itself (see docs/devserver.md for why). */
export const operatorServiceReflection = temporal.api.operatorservice.v1.OperatorService as unknown as ReflectedService;
export const testServiceReflection = temporal.api.testservice.v1.TestService as unknown as ReflectedService;
