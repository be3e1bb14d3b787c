/**
 * The HTTP API (`/api/v1/…` on the UI port) against the gRPC API of the same server: the same
 * call made both ways must answer the same message. The gRPC answer is turned into proto3 JSON by
 * protobufjs's own `toObject` (enum names, int64 strings, base64 bytes) — not by the server's
 * converter — with only timestamps and durations normalised, since protobufjs leaves them as
 * {seconds, nanos}. Also: errors as grpc-gateway writes them, writes (signal, terminate) through
 * HTTP seen over gRPC, and the same-origin rules.
 */
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { startDevServer, type DevServer } from '../src';
import { installQuietRuntime } from './helpers/server';
import { bundleConformanceWorkflows, startWorker, type RunningWorker } from './helpers/worker';
import { uniqueId } from './helpers/ids';

const ws = temporal.api.workflowservice.v1;

let server: DevServer;
let connection: Connection;
let nativeConnection: NativeConnection;
let client: Client;
let worker: RunningWorker;

beforeAll(async () => {
  installQuietRuntime();
  server = await startDevServer({ port: 0, uiPort: 0 });
  connection = await Connection.connect({ address: server.address });
  nativeConnection = await NativeConnection.connect({ address: server.address });
  client = new Client({ connection });
  worker = await startWorker(nativeConnection, 'default', await bundleConformanceWorkflows(), {});
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await connection?.close();
  await nativeConnection?.close();
  await server?.stop();
});

async function http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${server.uiUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

interface ToObjectType {
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}

/** A gRPC answer as proto3 JSON by protobufjs, defaults dropped as proto3 JSON drops them. */
function grpcAsJson(type: ToObjectType, message: unknown): unknown {
  return normalise(type.toObject(message, { longs: String, enums: String, bytes: String, defaults: false, json: true }));
}

const isDefault = (value: unknown) =>
  value === 0 || value === '0' || value === '' || value === false || (typeof value === 'string' && /_UNSPECIFIED$/.test(value)) || (Array.isArray(value) && value.length === 0);

/**
 * Timestamps and durations (JSON strings on one side, {seconds, nanos} on the other) as
 * nanoseconds; a zero one is {} (protobufjs drops both fields of a set-but-zero message).
 */
const nanos = (value: bigint): unknown => (value === 0n ? {} : `${value}ns`);

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'string') {
    const time = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(value);
    if (time) return nanos(BigInt(Date.parse(`${time[1]}Z`)) * 1_000_000n + BigInt((time[2] ?? '').padEnd(9, '0')));
    const duration = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(value);
    if (duration) return nanos(BigInt(duration[1]) * 1_000_000_000n + BigInt((duration[2] ?? '').padEnd(9, '0')));
    return value;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const keys = entries.map(([key]) => key);
    if (keys.length > 0 && keys.every((key) => key === 'seconds' || key === 'nanos')) {
      const time = value as { seconds?: string; nanos?: number };
      return nanos(BigInt(time.seconds ?? '0') * 1_000_000_000n + BigInt(time.nanos ?? 0));
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      if (isDefault(item)) continue;
      out[key] = normalise(item);
    }
    return out;
  }
  return value;
}

describe('HTTP API answers what gRPC answers', () => {
  it('namespaces, system info, cluster info', async () => {
    const describe = await http('GET', '/api/v1/namespaces/default');
    expect(describe.status).toBe(200);
    expect(describe.json.namespaceInfo).toMatchObject({ name: 'default', state: 'NAMESPACE_STATE_REGISTERED' });
    expect(normalise(describe.json)).toEqual(grpcAsJson(ws.DescribeNamespaceResponse, await connection.workflowService.describeNamespace({ namespace: 'default' })));

    const list = await http('GET', '/api/v1/namespaces');
    expect(normalise(list.json)).toEqual(grpcAsJson(ws.ListNamespacesResponse, await connection.workflowService.listNamespaces({})));

    const system = await http('GET', '/api/v1/system-info');
    expect(normalise(system.json)).toEqual(grpcAsJson(ws.GetSystemInfoResponse, await connection.workflowService.getSystemInfo({})));
    expect((system.json.capabilities as Record<string, unknown>).countGroupByExecutionStatus).toBe(true);
  });

  it('a completed run: describe, history (all events, payloads in base64), list and grouped count', async () => {
    const workflowId = uniqueId('http-signals');
    const handle = await client.workflow.start('signalCollector', { taskQueue: worker.taskQueue, workflowId, args: [2] });
    // One signal over gRPC, one over HTTP: both must land in the result.
    await handle.signal('add', 'by-grpc');
    const signalled = await http('POST', `/api/v1/namespaces/default/workflows/${workflowId}/signal/add`, {
      workflowExecution: { runId: handle.firstExecutionRunId },
      input: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"by-http"').toString('base64') }] },
    });
    expect(signalled.status).toBe(200);
    expect(signalled.json).toEqual({});
    expect(await handle.result()).toEqual(['by-grpc', 'by-http']);
    const execution = { workflowId, runId: handle.firstExecutionRunId };

    const describe = await http('GET', `/api/v1/namespaces/default/workflows/${workflowId}?execution.runId=${execution.runId}`);
    expect((describe.json.workflowExecutionInfo as Record<string, unknown>).status).toBe('WORKFLOW_EXECUTION_STATUS_COMPLETED');
    expect(normalise(describe.json)).toEqual(grpcAsJson(ws.DescribeWorkflowExecutionResponse, await connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution })));

    const history = await http('GET', `/api/v1/namespaces/default/workflows/${workflowId}/history?execution.runId=${execution.runId}`);
    const grpcHistory = await connection.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution });
    // The run page's "History Size (Bytes)": the encoded events' sizes.
    const encodedSize = grpcHistory.history!.events!.reduce((sum, event) => sum + temporal.api.history.v1.HistoryEvent.encode(event).finish().length, 0);
    expect((describe.json.workflowExecutionInfo as Record<string, unknown>).historySizeBytes).toBe(String(encodedSize));
    expect(normalise(history.json)).toEqual(grpcAsJson(ws.GetWorkflowExecutionHistoryResponse, grpcHistory));
    const events = (history.json.history as { events: Record<string, unknown>[] }).events;
    expect(events[0]).toMatchObject({ eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' });
    const completed = events.at(-1)!.workflowExecutionCompletedEventAttributes as { result: { payloads: { data: string }[] } };
    expect(Buffer.from(completed.result.payloads[0].data, 'base64').toString()).toBe('["by-grpc","by-http"]');

    const query = `WorkflowId = '${workflowId}'`;
    const list = await http('GET', `/api/v1/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    expect((list.json.executions as unknown[]).length).toBe(1);
    expect(normalise(list.json)).toEqual(grpcAsJson(ws.ListWorkflowExecutionsResponse, await connection.workflowService.listWorkflowExecutions({ namespace: 'default', query })));

    const grouped = `WorkflowId = '${workflowId}' GROUP BY ExecutionStatus`;
    const count = await http('GET', `/api/v1/namespaces/default/workflow-count?query=${encodeURIComponent(grouped)}`);
    expect(count.json).toEqual({ count: '1', groups: [{ groupValues: [{ metadata: { encoding: 'anNvbi9wbGFpbg==', type: 'S2V5d29yZA==' }, data: 'IkNvbXBsZXRlZCI=' }], count: '1' }] });
    expect(normalise(count.json)).toEqual(grpcAsJson(ws.CountWorkflowExecutionsResponse, await connection.workflowService.countWorkflowExecutions({ namespace: 'default', query: grouped })));
  });

  it('a running run: query by POST, terminate by POST, seen over gRPC', async () => {
    const workflowId = uniqueId('http-running');
    const handle = await client.workflow.start('signalCollector', { taskQueue: worker.taskQueue, workflowId, args: [5] });
    await handle.signal('add', 'one');
    const queried = await http('POST', `/api/v1/namespaces/default/workflows/${workflowId}/query/lengthPlus`, {
      query: { queryArgs: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('10').toString('base64') }] } },
    });
    expect(queried.status).toBe(200);
    const payload = (queried.json.queryResult as { payloads: { data: string }[] }).payloads[0];
    expect(Buffer.from(payload.data, 'base64').toString()).toBe('11');

    const terminated = await http('POST', `/api/v1/namespaces/default/workflows/${workflowId}/terminate`, { reason: 'terminated over HTTP' });
    expect(terminated.status).toBe(200);
    const described = await handle.describe();
    expect(described.status.name).toBe('TERMINATED');
  });

  it('counts schedules the way the Web UI asks (the scheduler namespace division), and only when asked', async () => {
    const scheduleId = uniqueId('http-schedule');
    const division = 'TemporalNamespaceDivision="TemporalScheduler" AND ExecutionStatus="Running"';
    const before = Number((await http('GET', `/api/v1/namespaces/default/workflow-count?query=${encodeURIComponent(division)}`)).json.count ?? 0);
    const all = Number((await http('GET', '/api/v1/namespaces/default/workflow-count')).json.count ?? 0);
    const handle = await client.schedule.create({ scheduleId, spec: { intervals: [{ every: '1h' }] }, action: { type: 'startWorkflow', workflowType: 'waitForever', taskQueue: worker.taskQueue } });
    try {
      expect((await http('GET', `/api/v1/namespaces/default/workflow-count?query=${encodeURIComponent(division)}`)).json.count).toBe(String(before + 1));
      // Without the division the schedule is no workflow: plain counts and lists do not change.
      expect(Number((await http('GET', '/api/v1/namespaces/default/workflow-count')).json.count ?? 0)).toBe(all);
    } finally {
      await handle.delete();
    }
    expect(Number((await http('GET', `/api/v1/namespaces/default/workflow-count?query=${encodeURIComponent(division)}`)).json.count ?? 0)).toBe(before);
  });

  it("a child's description names its root run (the UI's Relationships tab starts there)", async () => {
    const parentId = uniqueId('http-parent');
    const childId = uniqueId('http-child');
    const parent = await client.workflow.start('parentOf', { taskQueue: worker.taskQueue, workflowId: parentId, args: ['result', childId] });
    await parent.result();
    const child = await http('GET', `/api/v1/namespaces/default/workflows/${childId}`);
    const info = child.json.workflowExecutionInfo as Record<string, unknown>;
    expect(info.rootExecution).toEqual({ workflowId: parentId, runId: parent.firstExecutionRunId });
    expect(info.parentExecution).toEqual({ workflowId: parentId, runId: parent.firstExecutionRunId });
    const own = await http('GET', `/api/v1/namespaces/default/workflows/${parentId}`);
    expect((own.json.workflowExecutionInfo as Record<string, unknown>).rootExecution).toEqual({ workflowId: parentId, runId: parent.firstExecutionRunId });
  });

  it('errors: grpc-gateway bodies and statuses, UNIMPLEMENTED as 501, malformed input as 400', async () => {
    const missing = await http('GET', '/api/v1/namespaces/default/workflows/no-such-workflow');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 5, details: [{ '@type': 'type.googleapis.com/temporal.api.errordetails.v1.NotFoundFailure' }] });
    await expect(connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'no-such-workflow' } })).rejects.toMatchObject({
      code: 5,
      details: missing.json.message,
    });

    const unimplemented = await http('GET', '/api/v1/namespaces/default/worker-deployments');
    expect(unimplemented).toMatchObject({ status: 501, json: { code: 12, message: 'ListWorkerDeployments is not implemented by the Sparkify devserver' } });

    const unknownNamespace = await http('GET', '/api/v1/namespaces/nowhere/workflows');
    expect(unknownNamespace.status).toBe(404);
    expect(unknownNamespace.json.details).toEqual([{ '@type': 'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure', namespace: 'nowhere' }]);

    const badField = await http('POST', '/api/v1/namespaces/default/workflows/x/terminate', { reasn: 'typo' });
    expect(badField).toMatchObject({ status: 400, json: { code: 3, message: 'TerminateWorkflowExecution: unknown field "reasn" in temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest' } });
    const badJson = await fetch(`${server.uiUrl}/api/v1/namespaces/default/workflows/x/terminate`, { method: 'POST', body: '{' });
    expect(badJson.status).toBe(400);

    const notRoute = await http('GET', '/api/v1/no/such/route');
    expect(notRoute.status).toBe(404);
  });

  it('the UI settings: auth off, the pinned UI version, no CORS header; foreign origins and hosts refused', async () => {
    const settings = await http('GET', '/api/v1/settings');
    expect(settings.json).toMatchObject({ Auth: { Enabled: false }, DefaultNamespace: 'default', Version: '2.38.0' });
    expect(settings.headers.get('access-control-allow-origin')).toBeNull();

    const crossOrigin = await http('POST', '/api/v1/namespaces/default/workflows/x/terminate', {}, { origin: 'https://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.json.message).toBe('cross-origin POST from https://evil.example refused');

    // fetch() will not forge a Host header; a raw request can (as a rebound DNS name would).
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      request(`${server.uiUrl}/api/v1/namespaces`, { headers: { host: 'attacker.example:8233' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
