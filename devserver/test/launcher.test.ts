/**
 * The launcher as a process: flags, namespaces, clean stop on SIGTERM, and standing in for the
 * `temporal` binary under TestWorkflowEnvironment.createLocal (existing-path). Devserver only.
 */
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActivityRecorder, createActivities } from './helpers/activities';
import { freePort, portIsClosed, startChildServer, TEMPORAL_BIN } from './helpers/child-server';
import { uniqueId } from './helpers/ids';
import { devserverOnlyTest, installQuietRuntime } from './helpers/server';
import { waitFor } from './helpers/wait';
import { bundleConformanceWorkflows, startWorker, WorkflowBundle } from './helpers/worker';
import { runActivity, waitForever } from './workflows';

let bundle: WorkflowBundle;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleConformanceWorkflows();
});

devserverOnlyTest('--help lists the flags and exits 0', () => {
  const result = spawnSync(TEMPORAL_BIN, ['--help'], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  for (const flag of ['--port', '--ip', '--db-filename', '--namespace', '--log-level', '--search-attribute']) {
    expect(result.stdout).toContain(flag);
  }
});

devserverOnlyTest('runs from a bundle that is rebuilt when a source it was built from has changed, and only then', () => {
  const dist = path.resolve(TEMPORAL_BIN, '../../dist/bin');
  const bundleFile = path.join(dist, 'temporal.cjs');
  const stampFile = path.join(dist, 'temporal.inputs.json');
  const help = () => expect(spawnSync(TEMPORAL_BIN, ['--help'], { encoding: 'utf8' }).status).toBe(0);
  help();
  const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { inputs: Record<string, string> };
  expect(Object.keys(stamp.inputs)).toEqual(expect.arrayContaining(['devserver/src/main.ts', 'devserver/src/cli/args.ts']));
  const builtAt = fs.statSync(bundleFile).mtimeMs;
  help();
  expect(fs.statSync(bundleFile).mtimeMs).toBe(builtAt);

  // As if args.ts had been edited since the build.
  fs.writeFileSync(stampFile, JSON.stringify({ inputs: { ...stamp.inputs, 'devserver/src/cli/args.ts': '0:0' } }));
  help();
  expect(fs.statSync(bundleFile).mtimeMs).toBeGreaterThan(builtAt);
  expect(JSON.parse(fs.readFileSync(stampFile, 'utf8'))).toEqual(stamp);
});

devserverOnlyTest('a bad port is a usage error with exit status 2', () => {
  const result = spawnSync(TEMPORAL_BIN, ['--port', 'seventy'], { encoding: 'utf8' });
  expect(result.status).toBe(2);
  expect(result.stderr).toContain("--port must be a port number 0-65535; got 'seventy'");
});

devserverOnlyTest('--ui-port serves the built web UI and the HTTP API, printed on stdout; SIGTERM closes it too', async () => {
  const [port, uiPort] = [await freePort(), await freePort()];
  const server = await startChildServer(['--port', String(port), '--ui-port', String(uiPort), '--log-level', 'warn']);
  try {
    const uiUrl = `http://127.0.0.1:${uiPort}`;
    await waitFor('the UI line on stdout', async () => (server.stdout().includes(`Temporal Web UI: ${uiUrl}/namespaces/default/workflows`) ? true : undefined));
    const page = await fetch(`${uiUrl}/namespaces/default/workflows`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<div id="svelte">');
    const api = await fetch(`${uiUrl}/api/v1/namespaces/default`);
    expect(((await api.json()) as { namespaceInfo: { name: string } }).namespaceInfo.name).toBe('default');
    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(await portIsClosed(uiPort)).toBe(true);
  } finally {
    server.process.kill('SIGKILL');
  }
});

devserverOnlyTest('--headless serves no web UI', async () => {
  const [port, uiPort] = [await freePort(), await freePort()];
  const server = await startChildServer(['--port', String(port), '--ui-port', String(uiPort), '--headless', '--log-level', 'warn']);
  try {
    expect(server.stdout()).not.toContain('Temporal Web UI');
    expect(await portIsClosed(uiPort)).toBe(true);
  } finally {
    server.process.kill('SIGKILL');
  }
});

devserverOnlyTest('serves default and extra namespaces, warns on unknown flags, stops cleanly on SIGTERM', async () => {
  const port = await freePort();
  const server = await startChildServer(['--port', String(port), '--namespace', 'extra-ns', '--frobnicate', 'yes', '--log-level', 'warn']);
  try {
    expect(server.address).toBe(`127.0.0.1:${port}`);
    expect(server.stderr()).toContain('ignoring unknown flag --frobnicate yes');
    const connection = await Connection.connect({ address: server.address });
    try {
      for (const namespace of ['default', 'extra-ns']) {
        const description = await connection.workflowService.describeNamespace({ namespace });
        expect(description.namespaceInfo?.name).toBe(namespace);
      }
    } finally {
      await connection.close();
    }
    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(await portIsClosed(port)).toBe(true);
  } finally {
    server.process.kill('SIGKILL');
  }
});

devserverOnlyTest('stands in for the temporal binary in TestWorkflowEnvironment.createLocal', async () => {
  const orderStatus = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_BIN },
      // Passed on as --search-attribute OrderStatus=Keyword.
      searchAttributes: [orderStatus],
      extraArgs: ['--some-future-flag', 'value'],
    },
  });
  const port = Number(env.address.split(':').pop());
  try {
    const recorder = new ActivityRecorder();
    const worker = await startWorker(env.nativeConnection, 'default', bundle, createActivities(recorder));
    try {
      const workflowId = uniqueId('create-local');
      const outcome = await env.client.workflow.execute(runActivity, {
        taskQueue: worker.taskQueue,
        workflowId,
        args: ['echo', ['through createLocal'], { startToCloseTimeout: '10s' }],
        typedSearchAttributes: [{ key: orderStatus, value: 'shipped' }],
      });
      expect(outcome).toEqual({ ok: true, result: 'through createLocal' });
      expect((await env.client.workflow.count(`OrderStatus = 'shipped' AND WorkflowId = '${workflowId}'`)).count).toBe(1);
    } finally {
      await worker.stop();
    }
  } finally {
    await env.teardown();
  }
  // The SDK stops the server with SIGKILL: bin/temporal must not leave a process holding the port.
  await waitFor('port released after teardown', async () => ((await portIsClosed(port)) ? true : undefined), 10_000);
});

devserverOnlyTest('state in --db-filename survives a clean SIGTERM stop: workflows and registered namespaces', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devserver-clean-restart-'));
  const args = ['--port', '0', '--db-filename', path.join(dir, 'state.db'), '--log-level', 'warn'];
  try {
    let server = await startChildServer(args);
    let connection = await Connection.connect({ address: server.address });
    const namespace = uniqueId('registered');
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(86_400_000) });
    const client = new Client({ connection });
    const workflowId = uniqueId('clean-restart');
    const handle = await client.workflow.start(waitForever, { taskQueue: uniqueId('nobody'), workflowId });
    await connection.close();
    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    server = await startChildServer(args);
    connection = await Connection.connect({ address: server.address });
    try {
      const description = await connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
      expect(description.workflowExecutionInfo?.execution?.runId).toBe(handle.firstExecutionRunId);
      expect(description.workflowExecutionInfo?.status).toBe(1); // RUNNING
      expect((await connection.workflowService.describeNamespace({ namespace })).namespaceInfo?.name).toBe(namespace);
    } finally {
      await connection.close();
      server.process.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
