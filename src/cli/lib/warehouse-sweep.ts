/** The sweep a worker (and `up`) runs at start: orphaned warehouses are removed and the user told. */
import type { Connection } from '@temporalio/client';
import { describeTemporal, type TemporalSettings } from '../../client/connection';
import { collectOrphanedWarehouses, renderGcReport } from '../../client/warehouse-gc';

export async function sweepOrphanedWarehouses(settings: TemporalSettings, connection: Connection, say: (line: string) => void): Promise<void> {
  try {
    const report = await collectOrphanedWarehouses({ connection, temporal: describeTemporal(settings), address: settings.address });
    // Only what concerns the user: removals, failures, unknown owners. Kept warehouses of live runs are normal.
    const worth = report.entries.filter((e) => e.action !== 'kept' || !e.owner);
    for (const line of renderGcReport({ ...report, entries: worth, skipped: [] })) {
      if (line !== 'no warehouses found') say(`orphaned warehouses: ${line}`);
    }
  } catch (err) {
    say(`orphaned warehouses: not checked: ${(err as Error).message.split('\n')[0]} (run \`sparkify gc\`)`);
  }
}
