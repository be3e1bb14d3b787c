/**
 * The CLI against S3 as a user runs it (a child process through tsx, s3rver as the store):
 * `up --config dwh.cfg` with the separate [S3] prefixes and the file's AWS keys, `up --source
 * s3://…` unsigned, and what --config reports and refuses.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { S3RVER_KEY, startS3ForTests, type S3ForTests } from '../helpers/s3';
import { fixturePath, readExpected } from '../workflows/support';

// Each test spawns `up` (tsx start-up, devserver, PostgreSQL, the run): ~30 s alone, up to minutes
// when other jobs share the two cores.
jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const BUCKET = 'sparkify-cli';
const expected = readExpected('sparkify-small');

let s3: S3ForTests;
let dir: string;

beforeAll(async () => {
  s3 = await startS3ForTests();
  await s3.createBucket(BUCKET);
  await s3.uploadDirectory(path.join(fixturePath('sparkify-small'), 'log_data'), BUCKET, 'udacity/log_data/');
  await s3.uploadDirectory(path.join(fixturePath('sparkify-small'), 'song_data'), BUCKET, 'udacity/song_data/');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-cli-s3-'));
  fs.chmodSync(dir, 0o755);
}, 120_000);
afterAll(async () => {
  await s3?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function sparkify(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, SPARKIFY_HOME: dir, AWS_ENDPOINT_URL_S3: s3.endpoint, ...env };
  for (const name of ['TEMPORAL_ADDRESS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) delete childEnv[name];
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/cli/main.ts', ...args], { cwd: ROOT, env: childEnv, timeout: 150_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function fixtureBytes(root: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory()) bytes += fixtureBytes(path.join(root, entry.name));
    else if (entry.name.endsWith('.json')) bytes += fs.statSync(path.join(root, entry.name)).size;
  }
  return bytes;
}

it('up --config dwh.cfg loads the [S3] prefixes with the file\'s keys, warning about the file', async () => {
  const cfg = path.join(dir, 'dwh.cfg');
  fs.writeFileSync(cfg, [
    '[S3]', `LOG_DATA='s3://${BUCKET}/udacity/log_data'`, `SONG_DATA='s3://${BUCKET}/udacity/song_data'`, 'LOG_PATH=typo', '',
    '[AWS]', `KEY=${S3RVER_KEY}`, 'SECRET="not-checked-by-s3rver"', '',
  ].join('\n'));
  fs.chmodSync(cfg, 0o644);
  const run = await sparkify(['up', '--config', cfg]);
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.stderr).toContain(`warning: ${cfg}:4: unknown key LOG_PATH in [S3] ignored`);
  expect(run.stderr).toContain(`warning: ${cfg}: holds secrets ([AWS] SECRET) but is readable by other users (mode 644)`);
  const bytes = fixtureBytes(path.join(fixturePath('sparkify-small'), 'log_data')) + fixtureBytes(path.join(fixturePath('sparkify-small'), 'song_data'));
  expect(run.stdout).toContain(`source s3 s3://${BUCKET}/udacity/log_data + s3://${BUCKET}/udacity/song_data: ${(bytes / 1024 / 1024).toFixed(1)} MiB read`);
  expect(run.stdout).toMatch(new RegExp(`^songplays\\s+${expected.tables.songplays}$`, 'm'));
  expect(run.stdout + run.stderr).not.toContain('not-checked-by-s3rver');
});

it('up --source s3://… --no-sign-request --json, and usage errors naming the flag or file', async () => {
  const run = await sparkify(['up', '--json', '--source', `s3://${BUCKET}/udacity`, '--no-sign-request']);
  // The root layout over the same objects: udacity/ holds log_data/ and song_data/.
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
  const summary = JSON.parse(run.stdout);
  expect(summary.source).toEqual({ type: 's3', path: `s3://${BUCKET}/udacity`, anonymous: true });
  expect(summary.tables.songplays).toBe(expected.tables.songplays);

  const missing = await sparkify(['status', 'x', '--config', path.join(dir, 'nope.cfg')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain(`error: ${path.join(dir, 'nope.cfg')}: cannot read the configuration file (ENOENT)`);
  const local = await sparkify(['run', '--source', fixturePath('sparkify-small'), '--no-sign-request']);
  expect(local.code).toBe(2);
  expect(local.stderr).toContain('error: --no-sign-request applies to an s3:// source only');
  const none = await sparkify(['run']);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('--source DIR|s3://bucket/prefix is required (or --config with an [S3] section)');
});
