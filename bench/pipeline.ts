/**
 * `npm run bench:pipeline`: staging and transform throughput of the pipeline's own activities on
 * an embedded PostgreSQL warehouse, against a row-by-row INSERT baseline and the server's own
 * COPY FROM file (the ceiling). Datasets come from the generator and are cached in os.tmpdir().
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import * as activities from '../src/activities';
import type { SourceRef, WarehouseHandle } from '../src/contract';
import { openWarehouse } from '../src/warehouse/connection';
import { parseArgs } from './lib/args';
import { rowByRowInsert } from './lib/baseline';
import { serverCopy, writeEventCsv } from './lib/ceiling';
import { benchDataset, type BenchDataset } from './lib/datasets';
import { recreateTables, runActivity, stageKind, transform, TRANSFORMS } from './lib/pipeline-run';
import { stageTable } from './lib/report';
import { summarize, type Sample, type StageResult } from './lib/stats';

const STAGING_TARGET_EVENTS_PER_S = 150_000;
const STAGING_TARGET_SCALE = 1_000_000;
const SPEEDUP_TARGET = 50;
const SPEEDUP_TARGET_SCALE = 200_000;

interface Comparison {
  scale: number;
  stagingEventsPerSecond: number;
  baselineEventsPerSecond: number | null;
  speedupOverBaseline: number | null;
  ceilingEventsPerSecond: number;
  fractionOfCeiling: number;
}

async function benchScale(
  warehouse: WarehouseHandle,
  dataset: BenchDataset,
  repeats: number,
  partitions: number,
  baselineRepeats: number,
): Promise<{ results: StageResult[]; comparison: Comparison }> {
  const source: SourceRef = { type: 'local', path: dataset.root };
  const samples = new Map<string, Sample[]>();
  const add = (stage: string, sample: Sample) => samples.set(stage, [...(samples.get(stage) ?? []), sample]);

  for (let r = 0; r < repeats; r++) {
    await recreateTables(warehouse);
    const events = await stageKind(activities.copyStagingEvents, warehouse, source, partitions);
    if (events.loaded !== dataset.events || events.rejected !== 0) {
      throw new Error(`staging loaded ${events.loaded} events (${events.rejected} rejected), expected ${dataset.events}`);
    }
    add('staging events', events);
    const songs = await stageKind(activities.copyStagingSongs, warehouse, source, partitions);
    if (songs.loaded !== dataset.songs) throw new Error(`staging loaded ${songs.loaded} songs, expected ${dataset.songs}`);
    add('staging songs', songs);
    for (const [name, fn] of TRANSFORMS) add(name, await transform(fn, warehouse));
    process.stdout.write('.');
  }

  const clients: Client[] = [];
  for (let i = 0; i < partitions; i++) clients.push(await openWarehouse(warehouse, 'benchmark'));
  try {
    if (baselineRepeats > 0) {
      for (let r = 0; r < baselineRepeats; r++) {
        await recreateTables(warehouse);
        add('baseline row-by-row', await rowByRowInsert(clients[0], dataset.root, dataset.eventBytes));
        process.stdout.write('.');
      }
    }
    const csv = writeEventCsv(dataset.root, partitions);
    try {
      for (let r = 0; r < repeats; r++) {
        await recreateTables(warehouse);
        add('ceiling server COPY csv', await serverCopy(clients, csv));
        process.stdout.write('.');
      }
    } finally {
      fs.rmSync(csv.directory, { recursive: true, force: true });
    }
  } finally {
    for (const client of clients) await client.end().catch(() => undefined);
  }
  console.log();

  const results = [...samples.entries()].map(([stage, list]) => summarize(stage, dataset.events, list));
  const rate = (stage: string) => results.find((r) => r.stage === stage)?.rowsPerSecond ?? null;
  const staging = rate('staging events') as number;
  const baseline = rate('baseline row-by-row');
  const ceiling = rate('ceiling server COPY csv') as number;
  return {
    results,
    comparison: {
      scale: dataset.events,
      stagingEventsPerSecond: staging,
      baselineEventsPerSecond: baseline,
      speedupOverBaseline: baseline ? staging / baseline : null,
      ceilingEventsPerSecond: ceiling,
      fractionOfCeiling: staging / ceiling,
    },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), path.resolve(__dirname, 'results', 'latest', 'pipeline.json'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-bench-home-'));
  fs.chmodSync(home, 0o755);
  process.env.SPARKIFY_HOME = home;
  const target = { provider: 'local' as const, warehouseId: `bench_${process.pid}` };
  console.log(
    `pipeline bench: scales ${args.scales.join(', ')} events, ${args.repeats} repeat(s) ` +
      `(baseline ${args.baselineRepeats}), ${args.partitions} partitions, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  const warehouse = await runActivity(activities.provisionWarehouse, target);
  const results: StageResult[] = [];
  const comparisons: Comparison[] = [];
  try {
    for (const scale of args.scales) {
      const dataset = await benchDataset(scale);
      process.stdout.write(`scale ${scale}: `);
      const outcome = await benchScale(warehouse, dataset, args.repeats, args.partitions, args.baselineScales.includes(scale) ? args.baselineRepeats : 0);
      results.push(...outcome.results);
      comparisons.push(outcome.comparison);
    }
  } finally {
    await runActivity(activities.teardownWarehouse, target);
    fs.rmSync(home, { recursive: true, force: true });
  }

  console.log();
  console.log(stageTable(results));
  console.log();
  for (const c of comparisons) {
    const speedup = c.speedupOverBaseline === null ? 'baseline not run' : `${c.speedupOverBaseline.toFixed(1)}x the row-by-row baseline`;
    console.log(
      `scale ${c.scale}: staging ${Math.round(c.stagingEventsPerSecond)} events/s, ${speedup}, ` +
        `${(c.fractionOfCeiling * 100).toFixed(0)}% of the server's own COPY (${Math.round(c.ceilingEventsPerSecond)} rows/s)`,
    );
  }
  const targets = [
    {
      target: `staging >= ${STAGING_TARGET_EVENTS_PER_S} events/s at ${STAGING_TARGET_SCALE} events`,
      measured: comparisons.find((c) => c.scale === STAGING_TARGET_SCALE)?.stagingEventsPerSecond ?? null,
      threshold: STAGING_TARGET_EVENTS_PER_S,
    },
    {
      target: `staging >= ${SPEEDUP_TARGET}x the row-by-row baseline at ${SPEEDUP_TARGET_SCALE} events`,
      measured: comparisons.find((c) => c.scale === SPEEDUP_TARGET_SCALE)?.speedupOverBaseline ?? null,
      threshold: SPEEDUP_TARGET,
    },
  ].map((t) => ({ ...t, met: t.measured === null ? null : t.measured >= t.threshold }));
  for (const t of targets) console.log(`target: ${t.target}: ${t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED'} (${t.measured === null ? '-' : t.measured.toFixed(1)})`);

  const report = {
    generatedAt: new Date().toISOString(),
    machine: { loadAverageAtEnd: os.loadavg()[0], cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    args: { scales: args.scales, repeats: args.repeats, baselineRepeats: args.baselineRepeats, partitions: args.partitions },
    results,
    comparisons,
    targets,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nresults written to ${path.relative(process.cwd(), args.out)}`);
}

main().catch((err) => {
  console.error(`bench:pipeline failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
