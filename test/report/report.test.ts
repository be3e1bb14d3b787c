/**
 * The analysts' report on the committed fixture, loaded into a real PostgreSQL by the activities:
 * every question's rows equal the answers test/reference/analytics.ts computes from the JSON files,
 * and the written report.html opens in headless Chromium without console errors, every chart drawn
 * (screenshot under test-artifacts/).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client } from 'pg';
import * as activities from '../../src/activities';
import type { WarehouseHandle } from '../../src/contract';
import { analyticsQuestions, answerQuestions, type Answer } from '../../src/report/analytics';
import { chartedQuestions } from '../../src/report/charts';
import { answerCsv, writeReport, type WrittenReport } from '../../src/report/report';
import { dataDirectory, stopCluster } from '../../src/warehouse/embedded/cluster';
import { readPostmaster } from '../../src/warehouse/embedded/postmaster';
import { localWarehouseDirectory } from '../../src/warehouse/local-provider';
import { registeredProviders } from '../../src/warehouse/registry';
import { sparkifyInProcess } from '../helpers/cli';
import { loadWithActivities, runIn, startWarehouseForTests, type WarehouseForTests } from '../activities/support';
import { launchChromium, type TestBrowser } from '../helpers/chromium';
import { computeAnswers } from '../reference/analytics';

const ROOT = path.resolve(__dirname, '..', 'fixtures', 'sparkify-small');
const reference = computeAnswers(ROOT);

let wh: WarehouseForTests;
let warehouse: WarehouseHandle;
let client: Client;
let answers: Answer[];
let out: string;

beforeAll(async () => {
  wh = await startWarehouseForTests('report');
  warehouse = await wh.fresh('small');
  await loadWithActivities(warehouse, { type: 'local', path: ROOT });
  client = await wh.pg.connect();
  await client.query(`SET search_path TO ${warehouse.schema}`);
  answers = await answerQuestions(client);
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-report-'));
}, 90_000);
afterAll(async () => {
  await client?.end();
  await wh?.stop();
  if (out) fs.rmSync(out, { recursive: true, force: true });
}, 60_000);

it('asks every question of sql/analytics/, each with a one-line question', () => {
  expect(analyticsQuestions().map((q) => q.name)).toEqual(Object.keys(reference).sort());
  for (const { question } of analyticsQuestions()) expect(question).toMatch(/^[A-Z].*\?/);
});

it.each(Object.keys(reference).sort())('answers %s exactly as the reference computes it from the JSON files', (name) => {
  const answer = answers.find((a) => a.name === name)!;
  expect(answer.rows).toEqual(reference[name]);
  if (reference[name].length > 0) expect(answer.columns).toEqual(Object.keys(reference[name][0]));
});

it('has answers worth charting on the fixture (no empty question, several upgrades and sessions)', () => {
  for (const name of Object.keys(reference)) expect({ name, rows: reference[name].length > 0 }).toEqual({ name, rows: true });
  expect(reference.top_songs).toHaveLength(10);
  expect(reference.upgrades.length).toBeGreaterThan(1);
});

describe('the written report', () => {
  let written: WrittenReport;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    written = await writeReport(warehouse, out);
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close(), 30_000);

  it('writes report.html, report.json keyed by question and one CSV per question', () => {
    const names = answers.map((a) => a.name);
    expect([...written.files].sort()).toEqual(['report.html', 'report.json', ...names.map((n) => `${n}.csv`)].sort());
    const json = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(Object.keys(json).sort()).toEqual([...names].sort());
    for (const answer of answers) {
      expect(json[answer.name].rows).toEqual(reference[answer.name]);
      expect(fs.readFileSync(path.join(out, `${answer.name}.csv`), 'utf8')).toBe(answerCsv(answer));
    }
    expect(fs.readFileSync(path.join(out, 'catalog_share.csv'), 'utf8')).toBe(
      `plays,plays_in_catalog,percent_in_catalog\n${Object.values(reference.catalog_share[0]).join(',')}\n`,
    );
    expect(written.headlines.find((h) => h.label === 'plays')?.value).toBe(
      `${reference.catalog_share[0].plays} (${reference.catalog_share[0].percent_in_catalog}% of a song in the catalog)`,
    );
  });

  it('opens offline in headless Chromium with no console errors and every chart drawn', async () => {
    const file = path.join(out, 'report.html');
    const html = fs.readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|<img/);
    const { page, errors } = await browser!.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => {
        const box = figure.querySelector('svg')?.getBoundingClientRect();
        return {
          question: figure.getAttribute('data-question'),
          sized: (box?.width ?? 0) > 100 && (box?.height ?? 0) > 100,
          marks: figure.querySelectorAll('g.role-mark path').length > 0,
        };
      }),
    );
    const charted = written.answers.map((a) => a.name).filter((name) => chartedQuestions().includes(name));
    expect(charts).toEqual(charted.map((question) => ({ question, sized: true, marks: true })));
    const rowsShown = await page.$$eval('section table tbody', (bodies) => bodies.map((b) => b.querySelectorAll('tr').length));
    expect(rowsShown).toEqual(written.answers.map((a) => a.rows.length));
    await browser!.screenshot(page, 'report-sparkify-small');
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
  }, 60_000);
});

describe('sparkify report', () => {
  it('writes the report of a warehouse named by its handle and prints the headline figures', async () => {
    const dir = path.join(out, 'cli');
    const run = await sparkifyInProcess('report', '--warehouse', JSON.stringify({ ok: true, warehouse }), '--out', dir);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')).top_songs.rows).toEqual(reference.top_songs);
    const song = reference.top_songs[0];
    expect(run.stdout).toContain(`report written to ${path.join(dir, 'report.html')} (+ report.json and ${answers.length} CSV files)`);
    expect(run.stdout).toMatch(new RegExp(`\\n  most played song +${song.title} by ${song.artist} \\(${song.plays} plays\\)\\n`));
  }, 30_000);

  it('reads a stopped local warehouse, and stops it again afterwards', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-report-home-'));
    fs.chmodSync(home, 0o755);
    const before = process.env.SPARKIFY_HOME;
    process.env.SPARKIFY_HOME = home;
    const env = new MockActivityEnvironment();
    try {
      const local = await runIn(env, activities.provisionWarehouse, { provider: 'local', warehouseId: 'report_stopped' });
      await runIn(env, activities.createTables, { warehouse: local });
      const directory = localWarehouseDirectory('report_stopped');
      expect(await stopCluster({ directory })).toBe(true);
      const run = await sparkifyInProcess('report', '--warehouse', JSON.stringify(local), '--out', path.join(out, 'stopped'));
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      // An empty star schema gives empty answers, not an error.
      const json = JSON.parse(fs.readFileSync(path.join(out, 'stopped', 'report.json'), 'utf8'));
      expect(json.catalog_share.rows).toEqual([{ plays: 0, plays_in_catalog: 0, percent_in_catalog: null }]);
      expect(json.top_songs.rows).toEqual([]);
      expect(await readPostmaster(dataDirectory(directory))).toBeUndefined();
    } finally {
      await runIn(env, activities.teardownWarehouse, { provider: 'local', warehouseId: 'report_stopped' });
      if (before === undefined) delete process.env.SPARKIFY_HOME;
      else process.env.SPARKIFY_HOME = before;
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

  it.each([
    [['--out', 'x'], 'error: give exactly one of --warehouse and --workflow-id'],
    [['--out', 'x', '--warehouse', '/no/such/run.json'], 'error: --warehouse /no/such/run.json: no such file'],
    [['--out', 'x', '--warehouse', '{"provider":"local"}'], 'error: --warehouse: warehouse.warehouseId must be a string, got nothing (was the run kept?)'],
    [['--out', 'x', '--warehouse', '{"ok":true,"warehouse":{"provider":"nope","warehouseId":"w","host":"h","port":1,"database":"d","user":"u","schema":"s"}}'],
      `error: --warehouse: unknown provider "nope" (this build has: ${registeredProviders().join(', ')})`],
  ])('exits 2 on %j naming the problem', async (args, message) => {
    const run = await sparkifyInProcess('report', ...args);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(message);
  });
});
