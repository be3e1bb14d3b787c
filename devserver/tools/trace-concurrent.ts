/** Dev tool: `npx tsx devserver/tools/trace-concurrent.ts N [--db]`: N concurrent one-activity workflows. */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevServer } from '../src';

async function main() {
  const count = Number(process.argv[2] ?? 500);
  const durable = process.argv.includes('--db');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../test/engine/workflows.ts'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devserver-trace-'));
  const server = await startDevServer({ port: 0, dbFilename: durable ? path.join(dir, 'state.jsonl') : undefined });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue: 'trace-concurrent', workflowBundle, activities: { greet: async (name: string) => `Hello, ${name}` } });
  await worker.runUntil(async () => {
    const started = Date.now();
    await Promise.all(
      Array.from({ length: count }, (_, index) =>
        client.workflow.execute('activityAndTimer', { taskQueue: 'trace-concurrent', workflowId: `c-${index}-${started}`, args: [String(index)] }),
      ),
    );
    console.log(`${count} workflows (${durable ? 'journal' : 'in memory'}): ${Date.now() - started} ms`);
  });
  await connection.close();
  await nativeConnection.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
