/**
 * Staging-events throughput only (no baseline, ceiling or transforms), for quick iteration:
 * `npx tsx bench/lib/stage-only.ts 200000,1000000 [repeats]`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as activities from '../../src/activities';
import { benchDataset } from './datasets';
import { recreateTables, runActivity, stageKind } from './pipeline-run';

async function main(): Promise<void> {
  const scales = (process.argv[2] ?? '200000,1000000').split(',').map(Number);
  const repeats = Number(process.argv[3] ?? 1);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-stage-only-'));
  fs.chmodSync(home, 0o755);
  process.env.SPARKIFY_HOME = home;
  const target = { provider: 'local' as const, warehouseId: `stage_only_${process.pid}` };
  const warehouse = await runActivity(activities.provisionWarehouse, target);
  try {
    for (const scale of scales) {
      const dataset = await benchDataset(scale);
      for (let r = 0; r < repeats; r++) {
        await recreateTables(warehouse);
        const events = await stageKind(activities.copyStagingEvents, warehouse, { type: 'local', path: dataset.root }, 2);
        if (events.loaded !== dataset.events || events.rejected !== 0) throw new Error(`loaded ${events.loaded}, rejected ${events.rejected}, expected ${dataset.events}`);
        console.log(`scale ${scale}: ${Math.round(events.loaded / events.seconds)} events/s (${events.seconds.toFixed(2)} s, load ${os.loadavg()[0].toFixed(1)})`);
      }
    }
  } finally {
    await runActivity(activities.teardownWarehouse, target);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
