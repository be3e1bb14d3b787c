/**
 * Bad input rows: every corrupted line of test/fixtures/sparkify-corrupt ends in load_errors with
 * its file, line and kind (corruptions.json, written by the generator); too many fail the run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { warehouseIdFor } from '../../src/workflows/input';
import {
  fixturePath,
  localWarehouseExists,
  readExpected,
  useEtlTestSuite,
  queryWarehouse,
} from './support';

const FIXTURE = 'sparkify-corrupt';
const expected = readExpected(FIXTURE);
const source = { type: 'local', path: fixturePath(FIXTURE) } as const;
const corruptions = JSON.parse(fs.readFileSync(path.join(source.path, 'corruptions.json'), 'utf8')) as Array<{
  file: string;
  line: number;
  kind: string;
}>;

const suite = useEtlTestSuite();

describe('rejected rows', () => {
  it('the fixture has corruptions of several kinds (else these tests prove little)', () => {
    expect(new Set(corruptions.map((c) => c.kind)).size).toBeGreaterThanOrEqual(4);
  });

  it('records every corrupted line in load_errors with its file, line and kind, and loads the rest', async () => {
    const result = await suite.runEtl('rejections-tolerated', {
      source,
      maxErrors: corruptions.length,
      keepWarehouse: true,
    });
    suite.keep(result.warehouse!);
    // Kept, so its directory is where the teardown checks below look.
    expect(localWarehouseExists(result.warehouseId)).toBe(true);

    for (const [table, rows] of Object.entries(expected.tables)) {
      expect({ table, rows: result.tables[table] }).toEqual({ table, rows });
    }
    expect(result.rows.rejected).toBe(corruptions.length);
    expect(result.rows.rejectedByKind).toEqual(expected.rejectedByKind);
    expect(result.accounted).toBe(true);

    const recorded = await queryWarehouse(result.warehouse!, async (client) => {
      const { rows } = await client.query('SELECT file, line, reason_kind AS kind FROM load_errors ORDER BY file, line');
      return rows as Array<{ file: string; line: number; kind: string }>;
    });
    const byPosition = (a: { file: string; line: number }, b: { file: string; line: number }) =>
      a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
    expect(recorded).toEqual([...corruptions].sort(byPosition).map(({ file, line, kind }) => ({ file, line, kind })));
  }, 90_000);

  it('fails with TooManyRejectedRows above maxErrors, naming count, limit and first reasons, and still tears down', async () => {
    const workflowId = 'rejections-too-many';
    const maxErrors = 1;
    const err = await suite.runEtl(workflowId, { source, maxErrors }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('TooManyRejectedRows');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain(`${corruptions.length} rows rejected, more than maxErrors ${maxErrors}`);
    const first = [...corruptions].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))[0];
    expect(cause.message).toContain(`${first.file}:${first.line} ${first.kind}: `);
    expect(localWarehouseExists(warehouseIdFor(workflowId))).toBe(false);
  }, 90_000);
});
