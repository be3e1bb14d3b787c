/**
 * The CLI as a user runs it (a child process through tsx): `up --json --report` on the small
 * fixture with its in-process devserver, and a failing run's exit code and one-line message.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMPLATES_DIRECTORY } from '../../src/warehouse/local-provider';
import { warehouseProvider } from '../../src/warehouse/registry';
import { computeAnswers } from '../reference/analytics';
import { fixturePath, readExpected } from '../workflows/support';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sparkify(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const childEnv = { ...process.env, ...env };
  delete childEnv.TEMPORAL_ADDRESS; // `up` must start its own devserver
  return new Promise((resolve, reject) => {
    // A hung CLI is killed (and the test fails on its exit code) instead of outliving the test.
    const child = spawn(TSX, ['src/cli/main.ts', ...args], { cwd: ROOT, env: childEnv, timeout: 150_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sparkify up', () => {
  it('--json --report on the small fixture prints every table row count, writes the report and tears the warehouse down', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-cli-home-'));
    fs.chmodSync(home, 0o755);
    const report = path.join(home, '..', `${path.basename(home)}-report`);
    try {
      const run = await sparkify(['up', '--json', '--source', fixturePath('sparkify-small'), '--report', report], { SPARKIFY_HOME: home });
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
      const summary = JSON.parse(run.stdout);
      const expected = readExpected('sparkify-small');
      expect(summary.ok).toBe(true);
      for (const [table, rows] of Object.entries(expected.tables)) {
        expect({ table, rows: summary.tables[table] }).toEqual({ table, rows });
      }
      expect(summary.accounted).toBe(true);
      expect(summary.warehouse).toBeUndefined();
      expect(fs.readdirSync(home).filter((name) => name !== TEMPLATES_DIRECTORY)).toEqual([]);
      // The report was made from the run's warehouse before it went: the answers of the reference.
      const answers = computeAnswers(fixturePath('sparkify-small'));
      const json = JSON.parse(fs.readFileSync(path.join(report, 'report.json'), 'utf8'));
      expect(Object.fromEntries(Object.entries(json).map(([name, a]) => [name, (a as { rows: unknown }).rows]))).toEqual(answers);
      expect(fs.existsSync(path.join(report, 'report.html'))).toBe(true);
      expect(run.stderr).toContain(`report written to ${path.join(report, 'report.html')}`);
      expect(run.stderr).toContain(`  most played song `);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(report, { recursive: true, force: true });
    }
  }, 200_000);

  it('--report on an incremental run leaves its long-lived warehouse in place', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-cli-home-'));
    fs.chmodSync(home, 0o755);
    const report = path.join(home, '..', `${path.basename(home)}-report`);
    const args = ['up', '--json', '--source', fixturePath('sparkify-small'), '--incremental', '--warehouse-name', 'kept', '--report', report];
    const before = process.env.SPARKIFY_HOME;
    try {
      const run = await sparkify(args, { SPARKIFY_HOME: home });
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(run.stdout).warehouse).toBeDefined();
      expect(fs.existsSync(path.join(report, 'report.json'))).toBe(true);
      process.env.SPARKIFY_HOME = home;
      const provider = warehouseProvider('local');
      const kept = await provider.listWarehouses();
      expect(kept.map((w) => w.owner?.keepWarehouse)).toEqual([true]);
      for (const w of kept) await provider.removeWarehouse(w.name, { heartbeat: () => undefined });
    } finally {
      if (before === undefined) delete process.env.SPARKIFY_HOME;
      else process.env.SPARKIFY_HOME = before;
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(report, { recursive: true, force: true });
    }
  }, 200_000);

  it('exits 1 with the failure in one line when the run fails (and says so in --json); --report leaves no warehouse', async () => {
    const expected = readExpected('sparkify-corrupt');
    const rejected = Object.values(expected.rejectedByKind).reduce((a, b) => a + b, 0);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-cli-home-'));
    fs.chmodSync(home, 0o755);
    const report = path.join(home, '..', `${path.basename(home)}-report`);
    let run: CliRun;
    try {
      run = await sparkify(['up', '--json', '--source', fixturePath('sparkify-corrupt'), '--report', report], { SPARKIFY_HOME: home });
      // Kept for a report that a failed run does not get, its warehouse is removed as the run would have.
      expect(fs.readdirSync(home).filter((name) => name !== TEMPLATES_DIRECTORY)).toEqual([]);
      expect(fs.existsSync(report)).toBe(false);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
    expect(run.code).toBe(1);
    const message = `workflow failed: TooManyRejectedRows: ${rejected} rows rejected, more than maxErrors 0`;
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: expect.stringContaining(message) });
    const lastLine = run.stderr.trim().split('\n').at(-1)!;
    expect(lastLine.startsWith(`sparkify up: ${message}`)).toBe(true);
    expect(run.stderr).not.toMatch(/^\s+at /m); // no stack trace
  }, 200_000);
});
