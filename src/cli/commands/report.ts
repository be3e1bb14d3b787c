/**
 * `sparkify report --out DIR`: the analysts' report (sql/analytics/) of a kept or long-lived
 * warehouse, named by the run that kept it (--workflow-id, asked of Temporal) or by its handle
 * (--warehouse: the JSON `up --keep-warehouse --json` prints, or a file holding it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Command } from 'commander';
import { connectClient, temporalSettings } from '../../client/connection';
import type { WarehouseHandle } from '../../contract';
import { writeReport } from '../../report/report';
import { stoppingClustersStartedBy } from '../../warehouse/embedded/cluster';
import { registeredProviders } from '../../warehouse/registry';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { etlHandle } from '../lib/etl-client';
import { examples, UsageError } from '../lib/options';
import { renderReportLines } from '../lib/report-lines';

interface ReportOptions {
  out: string;
  warehouse?: string;
  workflowId?: string;
}

export function addReportCommand(program: Command, done: ExitCodeSink): Command {
  return program
    .command('report')
    .summary("write the analysts' report of a kept warehouse")
    .description(
      'Answers every question of sql/analytics/ in a kept or long-lived warehouse and writes DIR/report.html ' +
        '(tables and SVG charts, readable offline), DIR/report.json (every question\'s rows by file name) and ' +
        'DIR/<question>.csv; prints the headline figures. Name the warehouse by the run that kept it ' +
        '(--workflow-id, on $TEMPORAL_ADDRESS) or by its handle (--warehouse: the "warehouse" of a result, ' +
        'as `up --keep-warehouse --json` prints it, inline or in a file).',
    )
    .requiredOption('--out <dir>', 'directory to write the report into (created if missing)')
    .option('--warehouse <json|file>', "the warehouse's handle, or a run result holding it (JSON text or a file)")
    .option('--workflow-id <id>', 'a completed run started with --keep-warehouse')
    .addHelpText(
      'after',
      examples([
        'npm run sparkify -- up --keep-warehouse --json > run.json   # then, while it serves:',
        'npm run sparkify -- report --warehouse run.json --out report/',
        'npm run sparkify -- report --workflow-id sparkify-manual-1 --out report/',
        'npm run sparkify -- up --report report/   # a run and its report in one go',
      ]),
    )
    .action(commandAction(done, report));
}

async function report(options: ReportOptions): Promise<number> {
  if ((options.warehouse === undefined) === (options.workflowId === undefined)) {
    throw new UsageError('give exactly one of --warehouse and --workflow-id');
  }
  const warehouse = options.warehouse !== undefined ? handleFromText(options.warehouse) : await handleOfRun(options.workflowId!);
  // A stopped local warehouse is started to be read: it is stopped again rather than left running.
  const written = await stoppingClustersStartedBy(() => writeReport(warehouse, path.resolve(options.out)));
  console.log(renderReportLines(written));
  return 0;
}

const HANDLE_FIELDS: Array<[keyof WarehouseHandle, 'string' | 'number']> = [
  ['provider', 'string'],
  ['warehouseId', 'string'],
  ['host', 'string'],
  ['port', 'number'],
  ['database', 'string'],
  ['user', 'string'],
  ['schema', 'string'],
];

/** A handle from JSON text or a file: the handle itself, a result with `warehouse`, or `up --json` output. */
export function handleFromText(text: string): WarehouseHandle {
  const trimmed = text.trim();
  let json: string;
  let origin: string;
  if (trimmed.startsWith('{')) {
    json = trimmed;
    origin = '--warehouse';
  } else {
    origin = `--warehouse ${text}`;
    try {
      json = fs.readFileSync(text, 'utf8');
    } catch (err) {
      throw new UsageError(`${origin}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new UsageError(`${origin}: not JSON (${(err as Error).message})`);
  }
  const record = value as Record<string, unknown> | null;
  const candidate = (record && typeof record.warehouse === 'object' ? record.warehouse : record) as Record<string, unknown> | null;
  if (!candidate || typeof candidate !== 'object') throw new UsageError(`${origin}: expected a warehouse handle or a result with "warehouse"`);
  for (const [field, type] of HANDLE_FIELDS) {
    if (typeof candidate[field] !== type) {
      throw new UsageError(`${origin}: warehouse.${field} must be a ${type}, got ${JSON.stringify(candidate[field]) ?? 'nothing'} (was the run kept?)`);
    }
  }
  if (!registeredProviders().includes(candidate.provider as string)) {
    throw new UsageError(`${origin}: unknown provider ${JSON.stringify(candidate.provider)} (this build has: ${registeredProviders().join(', ')})`);
  }
  return Object.fromEntries(HANDLE_FIELDS.map(([field]) => [field, candidate[field]])) as unknown as WarehouseHandle;
}

/** The kept warehouse of a completed run, from its result on Temporal. */
async function handleOfRun(workflowId: string): Promise<WarehouseHandle> {
  const settings = temporalSettings();
  const connection = await connectClient(settings);
  try {
    const handle = etlHandle(new Client({ connection, namespace: settings.namespace }), workflowId);
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new UsageError(`no workflow ${workflowId} in namespace ${settings.namespace}`);
      throw err;
    }
    if (status !== 'COMPLETED') throw new UsageError(`workflow ${workflowId} is ${status}, not COMPLETED: it has no warehouse to report on`);
    const result = await handle.result();
    if (!result.warehouse) throw new UsageError(`workflow ${workflowId} did not keep its warehouse (start it with --keep-warehouse)`);
    return result.warehouse;
  } finally {
    await connection.close();
  }
}
