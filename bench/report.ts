/**
 * `npm run bench:report`: the quality checks and the analysts' report on a loaded warehouse (by
 * default 1M generated events, 100k songs, 30 days, cached in os.tmpdir()): the warehouse is
 * loaded once by the pipeline's activities, then checkQuality and the report (queries, then
 * charts and files) are timed `--repeats` times; medians are reported with the machine's load.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as activities from '../src/activities';
import type { SourceRef } from '../src/contract';
import { writeReport } from '../src/report/report';
import { benchDataset } from './lib/datasets';
import { runActivity, stageKind, TRANSFORMS, transform } from './lib/pipeline-run';
import { median, timed } from './lib/stats';

const USAGE = `usage: npm run bench:report -- [--events 1000000] [--repeats 3] [--quick] [--out FILE]
  --quick    10k events, one repeat
  --events   event rows of the generated dataset (songs are a tenth; 30 days)
  --repeats  timed runs of the checks and the report; the median is reported (default 3)
  --out      JSON results file (default bench/results/latest/report.json, git-ignored)`;

function options(argv: string[]): { events: number; repeats: number; out: string } {
  const result = { events: 1_000_000, repeats: 3, out: path.resolve(__dirname, 'results', 'latest', 'report.json') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--quick') {
      Object.assign(result, { events: 10_000, repeats: 1 });
      continue;
    }
    const value = argv[++i];
    if (flag === '--out' && value) result.out = path.resolve(value);
    // `npm run bench` hands every suite the same arguments: the largest of the pipeline's scales.
    else if (flag === '--scales' && value && value.split(',').every((v) => Number(v) > 0)) result.events = Math.max(...value.split(',').map(Number));
    else if ((flag === '--events' || flag === '--repeats') && Number.isInteger(Number(value)) && Number(value) > 0) {
      result[flag === '--events' ? 'events' : 'repeats'] = Number(value);
    } else {
      console.error(`${flag} ${value ?? ''}: not understood\n${USAGE}`);
      process.exit(2);
    }
  }
  return result;
}

async function main(): Promise<void> {
  const args = options(process.argv.slice(2));
  const dataset = await benchDataset(args.events);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-bench-home-'));
  fs.chmodSync(home, 0o755);
  process.env.SPARKIFY_HOME = home;
  const target = { provider: 'local' as const, warehouseId: `bench_report_${process.pid}` };
  const loadBefore = os.loadavg()[0];
  console.log(`report bench: ${dataset.events} events, ${dataset.songs} songs, ${args.repeats} repeat(s), ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)}`);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-bench-report-'));
  const samples = { checks: [] as number[], queries: [] as number[], render: [] as number[], total: [] as number[] };
  let songplays = 0;
  try {
    const warehouse = await runActivity(activities.provisionWarehouse, target);
    await runActivity(activities.createTables, { warehouse });
    const source: SourceRef = { type: 'local', path: dataset.root };
    await stageKind(activities.copyStagingEvents, warehouse, source, 2);
    await stageKind(activities.copyStagingSongs, warehouse, source, 2);
    for (const [, fn] of TRANSFORMS) await transform(fn, warehouse);
    for (let r = 0; r < args.repeats; r++) {
      const checks = await timed(() => runActivity(activities.checkQuality, { warehouse }));
      const failed = checks.value.filter((c) => c.offendingRows > 0).map((c) => c.check);
      if (failed.length > 0) throw new Error(`quality checks failed on the generated data: ${failed.join(', ')}`);
      const report = await timed(() => writeReport(warehouse, out));
      songplays = Number(report.value.answers.find((a) => a.name === 'catalog_share')?.rows[0]?.plays ?? 0);
      samples.checks.push(checks.seconds);
      samples.queries.push(report.value.queryMs / 1000);
      samples.render.push(report.value.renderMs / 1000);
      samples.total.push(report.seconds);
      process.stdout.write('.');
    }
  } finally {
    await runActivity(activities.teardownWarehouse, target);
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
  const loadAfter = os.loadavg()[0];
  console.log();
  const rows: Array<[string, number[]]> = [
    ['quality checks (14 queries)', samples.checks],
    ['report: questions', samples.queries],
    ['report: charts and files', samples.render],
    ['report: total', samples.total],
  ];
  console.log(`${'step'.padEnd(28)}  ${'median s'.padStart(9)}  runs (s)`);
  for (const [step, list] of rows) console.log(`${step.padEnd(28)}  ${median(list).toFixed(2).padStart(9)}  ${list.map((s) => s.toFixed(2)).join(', ')}`);
  console.log(`songplays ${songplays}; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
  const result = {
    when: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: { before: loadBefore, after: loadAfter },
    events: dataset.events,
    songs: dataset.songs,
    songplays,
    repeats: args.repeats,
    medianSeconds: Object.fromEntries(rows.map(([step, list]) => [step, median(list)])),
    samples,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
  console.log(`results: ${args.out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
