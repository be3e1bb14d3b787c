/** Protocol edges: undecodable and oversized bodies, unimplemented methods, health check, long-poll timeout. */
import * as grpc from '@grpc/grpc-js';
import { temporal, grpc as grpcProto } from '@temporalio/proto';
import { startDevServer, DevServer } from '../../src';

let server: DevServer;
let client: grpc.Client;

beforeAll(async () => {
  server = await startDevServer({ port: 0, maxRequestBytes: 64 * 1024, longPollTimeoutMs: 300 });
  client = new grpc.Client(server.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client.close();
  await server.stop();
});

function call(path: string, body: Uint8Array): Promise<{ error?: grpc.ServiceError; response?: Buffer }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (value: Uint8Array) => Buffer.from(value),
      (value: Buffer) => value,
      body,
      (error, response) => resolve({ error: error ?? undefined, response }),
    );
  });
}

const service = '/temporal.api.workflowservice.v1.WorkflowService';

test('an undecodable body is INVALID_ARGUMENT naming the method', async () => {
  const { error } = await call(`${service}/StartWorkflowExecution`, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
  expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
  expect(error?.details).toMatch(/^StartWorkflowExecution request is not a valid protobuf message/);
});

test('a body over the size limit is INVALID_ARGUMENT naming the limit', async () => {
  const body = temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest.encode({
    namespace: 'default',
    workflowExecution: { workflowId: 'x' },
    signalName: 's',
    input: { payloads: [{ data: Buffer.alloc(100 * 1024) }] },
  }).finish();
  const { error } = await call(`${service}/SignalWorkflowExecution`, body);
  expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
  expect(error?.details).toBe(`SignalWorkflowExecution request of ${body.length} bytes exceeds the 65536-byte limit`);
});

test('a method the engine does not implement is UNIMPLEMENTED naming it', async () => {
  const { error } = await call(`${service}/ResetWorkflowExecution`, new Uint8Array());
  expect(error?.code).toBe(grpc.status.UNIMPLEMENTED);
  expect(error?.details).toBe('ResetWorkflowExecution is not implemented by the Sparkify devserver');
});

test('a missing field is INVALID_ARGUMENT naming it', async () => {
  const body = temporal.api.workflowservice.v1.StartWorkflowExecutionRequest.encode({ namespace: 'default', workflowType: { name: 'T' }, taskQueue: { name: 'q' } }).finish();
  const { error } = await call(`${service}/StartWorkflowExecution`, body);
  expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
  expect(error?.details).toBe('WorkflowId is not set on the request');
});

test('health check answers SERVING', async () => {
  const { response } = await call('/grpc.health.v1.Health/Check', new Uint8Array());
  expect(grpcProto.health.v1.HealthCheckResponse.decode(response!).status).toBe(1);
});

test('a task poll with nothing to do answers empty after the long-poll timeout', async () => {
  const body = temporal.api.workflowservice.v1.PollActivityTaskQueueRequest.encode({ namespace: 'default', taskQueue: { name: 'nobody-schedules-here' } }).finish();
  const started = Date.now();
  const { error, response } = await call(`${service}/PollActivityTaskQueue`, body);
  expect(error).toBeUndefined();
  expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  expect(temporal.api.workflowservice.v1.PollActivityTaskQueueResponse.decode(response!).taskToken.length).toBe(0);
});

describe('gzip-compressed requests', () => {
  let gzipClient: grpc.Client;
  beforeAll(() => {
    gzipClient = new grpc.Client(server.address, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
  });
  afterAll(() => gzipClient.close());

  const gzipCall = (path: string, body: Uint8Array) =>
    new Promise<{ error?: grpc.ServiceError; response?: Buffer }>((resolve) => {
      gzipClient.makeUnaryRequest(path, (value: Uint8Array) => Buffer.from(value), (value: Buffer) => value, body, (error, response) =>
        resolve({ error: error ?? undefined, response }),
      );
    });

  test('are accepted', async () => {
    const body = temporal.api.workflowservice.v1.DescribeNamespaceRequest.encode({ namespace: 'default' }).finish();
    const { error, response } = await gzipCall(`${service}/DescribeNamespace`, body);
    expect(error).toBeUndefined();
    expect(temporal.api.workflowservice.v1.DescribeNamespaceResponse.decode(response!).namespaceInfo?.name).toBe('default');
  });
});
