/** Dev tool: `DEVSERVER_TRACE_RPC=1 npx tsx devserver/tools/trace-seq.ts N`: one workflow of N sequential no-op activities, with an RPC timeline. */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as path from 'node:path';
import { startDevServer } from '../src';
async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../bench/workflows.ts'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never });
  const server = await startDevServer({ port: 0 });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue: 'trace', workflowBundle, activities: { noop: async () => undefined } });
  await worker.runUntil(async () => {
    for (const n of [Number(process.argv[2] ?? 20)]) {
      const ms = await client.workflow.execute('sequentialNoops', { taskQueue: 'trace', workflowId: 'seq-' + Date.now(), args: [n] });
      console.log(`${n} activities: ${ms} ms, ${(ms as number) / n} ms each`);
    }
  });
  await connection.close(); await nativeConnection.close(); await server.stop();
}
main().catch((e) => { console.error(e); process.exit(1); });
