/**
 * `npm run bench`: every benchmark of the project, one after the other (each also runs alone:
 * `npm run bench:devserver`, `npm run bench:pipeline`). Arguments are passed to each.
 * `npm run bench -- --e2e [...]` runs only the end-to-end bench (bench/e2e.ts): it takes minutes.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const e2e = process.argv.includes('--e2e');
const suites = e2e ? [{ name: 'e2e', script: 'bench/e2e.ts' }] : [
  { name: 'devserver', script: 'devserver/bench/bench.ts' },
  { name: 'pipeline', script: 'bench/pipeline.ts' },
  { name: 's3', script: 'bench/s3.ts' },
  { name: 'incremental', script: 'bench/incremental.ts' },
  { name: 'report', script: 'bench/report.ts' },
];

let failed = 0;
for (const suite of suites) {
  console.log(`\n=== bench: ${suite.name} ===`);
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const args = process.argv.slice(2).filter((arg) => arg !== '--e2e');
  const result = spawnSync(tsx, [suite.script, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bench ${suite.name} failed (exit ${result.status ?? result.signal})`);
    failed++;
  }
}
process.exitCode = failed ? 1 : 0;
