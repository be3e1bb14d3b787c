/**
 * Child process of bundleInChildProcess (worker.ts): bundles the workflow code and writes it to
 * the file named by its argument. Bundling (webpack) peaks at ~130 MB more memory than the worker
 * then needs; in a process of its own, that peak never counts against the worker.
 */
import * as fs from 'node:fs';
import { bundleSparkifyWorkflows } from './worker';

async function main(out: string): Promise<void> {
  const bundle = await bundleSparkifyWorkflows();
  fs.writeFileSync(out, bundle.code);
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exitCode = 1;
});
