/**
 * A whole sparkifyEtl run with `warehouse: redshift` through the real workflow on our devserver,
 * the real worker and activities, the source and the COPY manifests on a real S3 (s3rver); only
 * AWS's control plane and the Redshift Data API are replaced (aws-sdk-client-mock). The Data API
 * double records every statement and answers as Redshift documents (a statement id, then
 * DescribeStatement with one sub-statement per SQL of a batch, GetStatementResult per
 * sub-statement); what it returns for the queries is scripted here, so the test checks that those
 * figures, and only those, reach the run's result. It does not compute anything as Redshift
 * would: the transforms' results are checked on PostgreSQL against test/reference (transforms
 * tests), and the same SQL files run here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Context } from '@temporalio/activity';
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import { BatchExecuteStatementCommand, DescribeStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import * as sparkifyActivities from '../../src/activities';
import type { SparkifyEtlInput } from '../../src/contract';
import { sparkifyEtl } from '../../src/workflows';
import { eventTypeName, fetchEvents } from '../../devserver/test/helpers/history';
import { checkStatement } from '../helpers/redshift-sql';
import { DataApiDouble, type Row } from '../helpers/redshift-data-api';
import { ScriptedCluster } from '../helpers/redshift-control-plane';
import { startS3ForTests, type S3ForTests } from '../helpers/s3';
import { startTemporalForTests, type TemporalForTests } from '../helpers/temporal';
import { countFiles, fixturePath } from './support';

jest.setTimeout(180_000);

const redshift = mockClient(RedshiftClient);
const data = mockClient(RedshiftDataClient);

const CLUSTER_ID = 'sparkify-run-test';
const BUCKET = 'sparkify-rs';
const FIXTURE = fixturePath('sparkify-small');
const PASSWORD = `Rs-master-${Math.random().toString(36).slice(2)}`;
const PARTITIONS = 2;

/** The star tables' sizes this double reports (for the transforms' INSERTs and the counts). */
const STAR = { users: 41, songs: 297, artists: 82, time: 2539, songplays: 2542 };
/** What each partition's COPY "loaded" and "rejected", by staging kind and partition. */
const COPIED = {
  events: [{ loaded: 1490, rejected: 3 }, { loaded: 1501, rejected: 2 }],
  songs: [{ loaded: 149, rejected: 1 }, { loaded: 150, rejected: 0 }],
} as const;
const REJECTED_BY_KIND = { 'invalid-json': 4, 'missing-field': 2 };

/** The full load's script: the figures above, per partition as its COPY batch says it staged. */
class ScriptedDataApi extends DataApiDouble {
  /** Per staged partition, what its batch's progress INSERT said (files, last file, bytes). */
  readonly staged = new Map<string, { files: number; bytes: number; lastFile: string }>();

  constructor(runningPolls?: (sqls: string[]) => number) {
    super(data, runningPolls);
  }

  protected override submitted(sql: string): void {
    this.noteProgress(sql);
  }

  /** The batch's own progress INSERT names its files, last file and bytes: kept to read back. */
  private noteProgress(sql: string): void {
    const m = /^INSERT INTO staging_progress .*\nSELECT '(events|songs)', (\d+), (\d+), (\d+), '((?:[^']|'')*)', loaded\.n \+ rejected\.n, loaded\.n, rejected\.n, (\d+)\n/.exec(sql);
    if (m) this.staged.set(`${m[1]}/${m[3]}`, { files: Number(m[4]), lastFile: m[5], bytes: Number(m[6]) });
  }

  private copied(kind: 'events' | 'songs'): { loaded: number; rejected: number } {
    const partitions = [...this.staged.keys()].filter((k) => k.startsWith(`${kind}/`)).map((k) => Number(k.split('/')[1]));
    return partitions.reduce((sum, p) => ({ loaded: sum.loaded + COPIED[kind][p].loaded, rejected: sum.rejected + COPIED[kind][p].rejected }), { loaded: 0, rejected: 0 });
  }

  answer(sql: string): Row[] | undefined {
    let m: RegExpExecArray | null;
    if (sql === 'SELECT epoch FROM staging_epoch') return [{ epoch: 1 }];
    if ((m = /^SELECT files_done, .*\nFROM staging_progress\nWHERE staging = '(events|songs)' AND partitions = \d+ AND partition_no = (\d+)$/s.exec(sql))) {
      const kind = m[1] as 'events' | 'songs';
      const p = Number(m[2]);
      const staged = this.staged.get(`${kind}/${p}`)!;
      const { loaded, rejected } = COPIED[kind][p];
      return [{ files_done: staged.files, last_file: staged.lastFile, lines_read: loaded + rejected, rows_loaded: loaded, rows_rejected: rejected, bytes_read: staged.bytes }];
    }
    if ((m = /^SELECT COUNT\(\*\) AS row_count FROM (\w+)$/.exec(sql))) {
      const table = m[1];
      if (table === 'staging_events') return [{ row_count: this.copied('events').loaded }];
      if (table === 'staging_songs') return [{ row_count: this.copied('songs').loaded }];
      if (table === 'load_errors') return [{ row_count: this.copied('events').rejected + this.copied('songs').rejected }];
      return [{ row_count: STAR[table as keyof typeof STAR] }];
    }
    if (sql.startsWith('SELECT staging,\n       SUM(files_done)')) {
      return (['events', 'songs'] as const).map((kind) => {
        const files = [...this.staged].filter(([k]) => k.startsWith(`${kind}/`)).reduce((n, [, s]) => n + s.files, 0);
        const { loaded, rejected } = this.copied(kind);
        // SUM over BIGINT is NUMERIC on Redshift: the Data API returns it as text.
        return { staging: kind, files_done: String(files), lines_read: String(loaded + rejected), rows_loaded: String(loaded), rows_rejected: String(rejected) };
      });
    }
    if (sql.startsWith('SELECT staging, COUNT(*) AS row_count\nFROM load_errors')) {
      return (['events', 'songs'] as const).map((kind) => ({ staging: kind, row_count: this.copied(kind).rejected }));
    }
    if (sql.startsWith('SELECT reason_kind, COUNT(*) AS row_count')) return Object.entries(REJECTED_BY_KIND).map(([reason_kind, row_count]) => ({ reason_kind, row_count }));
    // A quality check: no offending rows.
    if (/^(WITH|SELECT)\b/.test(sql)) return [];
    return undefined;
  }

  affected(sql: string): number {
    const m = /^INSERT INTO (users|songs|artists|time|songplays) /.exec(sql);
    return m ? STAR[m[1] as keyof typeof STAR] : 0;
  }
}

let temporal: TemporalForTests;
let s3: S3ForTests;
const saved = { ...process.env };

beforeAll(async () => {
  s3 = await startS3ForTests();
  await s3.createBucket(BUCKET);
  await s3.uploadDirectory(path.join(FIXTURE, 'log_data'), BUCKET, 'udacity/log_data/');
  await s3.uploadDirectory(path.join(FIXTURE, 'song_data'), BUCKET, 'udacity/song_data/');
  await s3.put(BUCKET, 'udacity/log_json_path.json', fs.readFileSync(path.join(FIXTURE, 'log_json_path.json')));
  Object.assign(process.env, {
    SPARKIFY_REDSHIFT_CLUSTER_ID: CLUSTER_ID,
    SPARKIFY_REDSHIFT_DATABASE: 'dwh',
    SPARKIFY_REDSHIFT_USER: 'dwhuser',
    SPARKIFY_REDSHIFT_IAM_ROLE: 'arn:aws:iam::123456789012:role/dwhRole',
    SPARKIFY_REDSHIFT_MANIFEST_PREFIX: `s3://${BUCKET}/manifests/`,
    SPARKIFY_REDSHIFT_POLL_MS: '10',
    SPARKIFY_REDSHIFT_PASSWORD: PASSWORD,
  });
  // Retry backoffs and the silent worker's heartbeat timeout are on the server's clock.
  temporal = await startTemporalForTests({ timeSkipping: true });
}, 180_000);

afterAll(async () => {
  await temporal?.stop();
  await s3?.stop();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  redshift.restore();
  data.restore();
});

const input: SparkifyEtlInput = {
  source: { type: 's3', logData: `s3://${BUCKET}/udacity/log_data`, songData: `s3://${BUCKET}/udacity/song_data`, logJsonPath: `s3://${BUCKET}/udacity/log_json_path.json` },
  warehouse: { provider: 'redshift' },
  partitions: PARTITIONS,
  maxErrors: 10,
};

async function runEtl(workflowId: string, activities?: Partial<typeof sparkifyActivities>, args: SparkifyEtlInput = input) {
  const taskQueue = temporal.taskQueue(workflowId);
  const worker = await temporal.worker(taskQueue, activities ? { activities } : {});
  return worker.runUntil(temporal.env.client.workflow.execute(sparkifyEtl, { taskQueue, workflowId, args: [args] }));
}

/** Bytes of the fixture's files under `dir`, counted without project code. */
function bytesUnder(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) bytes += bytesUnder(path.join(dir, entry.name));
    else if (entry.name.endsWith('.json')) bytes += fs.statSync(path.join(dir, entry.name)).size;
  }
  return bytes;
}

/** Each recorded call as the names of what its statements are, consecutive repeats merged. */
function shapeOf(sqls: string[]): string {
  const names = sqls.map((sql) => {
    let m: RegExpExecArray | null;
    if ((m = /^SET search_path TO (\w+)$/.exec(sql))) return 'set';
    if ((m = /^CREATE SCHEMA IF NOT EXISTS (\w+)$/.exec(sql))) return 'create schema';
    if ((m = /^(?:DROP TABLE IF EXISTS|CREATE TABLE) (\w+)/.exec(sql))) return `create ${m[1]}`;
    if ((m = /^INSERT INTO staging_epoch \(epoch\) VALUES \((\d+)\)$/.exec(sql))) return `epoch ${m[1]}`;
    if (sql === 'SELECT epoch FROM staging_epoch') return 'check epoch';
    if ((m = /^DELETE FROM staging_(events|songs) WHERE partitions = 2 AND partition_no = (\d)$/.exec(sql))) return `copy ${m[1]} ${m[2]}`;
    if (/^(DELETE FROM (load_errors|staging_progress)|CREATE TEMPORARY|COPY|INSERT INTO (load_errors|staging_events|staging_songs|staging_progress)|DROP TABLE staging_\w+_load)/.test(sql)) return 'copy …';
    if ((m = /^SELECT files_done, .*staging = '(\w+)' AND partitions = 2 AND partition_no = (\d)$/s.exec(sql))) return `progress ${m[1]} ${m[2]}`;
    if ((m = /^SELECT COUNT\(\*\) AS row_count FROM (\w+)$/.exec(sql))) return `count ${m[1]}`;
    if (sql.startsWith('SELECT staging,\n       SUM(files_done)')) return 'committed progress';
    if (sql.startsWith('SELECT staging, COUNT(*) AS row_count\nFROM load_errors')) return 'rejected by staging';
    if (sql.startsWith('SELECT reason_kind')) return 'rejected by kind';
    if ((m = /^(?:DELETE FROM|INSERT INTO) (users|songs|artists|time|songplays)\b/.exec(sql))) return `transform ${m[1]}`;
    if (/^WITH|^SELECT/.test(sql)) return 'check';
    return `? ${sql.slice(0, 60)}`;
  });
  return names.filter((name, i) => i === 0 || name !== names[i - 1]).join(', ');
}

describe('sparkifyEtl with warehouse redshift', () => {
  it('creates the cluster, runs every step as Data API batches of the SQL files, reports the figures Redshift returned, and deletes the cluster', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 1);
    cluster.install();
    const api = new ScriptedDataApi();
    api.install();
    const workflowId = `redshift-run-${Date.now()}`;
    const result = await runEtl(workflowId);

    // Every call, in order: the statements of each, parsed as Redshift (CREATE TABLE first, so COPY's columns are known).
    for (const call of api.calls) {
      for (const sql of call.sqls) {
        try {
          checkStatement(sql);
        } catch (err) {
          throw new Error(`${(err as Error).message}\n${sql}`);
        }
      }
    }
    const shapes = api.calls.map((c) => shapeOf(c.sqls));
    const staged = [...api.staged.keys()].sort();
    const copies = staged.flatMap((k) => {
      const [kind, p] = k.split('/');
      return [`set, copy ${kind} ${p}, copy …`, `set, progress ${kind} ${p}`];
    });
    const created = ['staging_events', 'staging_songs', 'load_errors', 'staging_progress', 'staging_epoch', 'staging_files', 'songplays', 'users', 'songs', 'artists', 'time'];
    const transform = (table: string) => `set, check epoch, transform ${table}`;
    const expected = [
      'create schema',
      `set, ${created.map((t) => `create ${t}`).join(', ')}, epoch 1`,
      ...copies,
      'set, check epoch, count staging_events, count staging_songs, committed progress, rejected by staging, rejected by kind',
      ...['users', 'songs', 'artists', 'time', 'songplays'].map(transform),
      'set, check epoch, check',
      'set, check epoch, check',
      'set, check epoch, check',
    ];
    // Concurrent activities (the COPYs; the fact beside the dimensions and then their checks) may
    // submit in any order: compare their groups as sets.
    const copyEnd = 2 + copies.length;
    expect(shapes.slice(0, 2)).toEqual(expected.slice(0, 2));
    expect([...shapes.slice(2, copyEnd)].sort()).toEqual([...copies].sort());
    expect(shapes[copyEnd]).toBe(expected[copyEnd]);
    expect([...shapes.slice(copyEnd + 1, copyEnd + 7)].sort()).toEqual([...expected.slice(copyEnd + 1, copyEnd + 7)].sort());
    // The remaining quality checks' two shares run side by side too; no batch counts the tables
    // again (the summary is the counts above: verifyStaging's and the INSERTs').
    expect([...shapes.slice(copyEnd + 7)].sort()).toEqual([...expected.slice(copyEnd + 7)].sort());
    expect(shapes).toHaveLength(expected.length);
    // Every batch after provisioning names the run's schema first; the dimensions' check batch has
    // their 6 checks, the two later ones 4 each of the remaining 8.
    const schema = /^CREATE SCHEMA IF NOT EXISTS (\w+)$/.exec(api.calls[0].sqls[0])![1];
    for (const call of api.calls.slice(1)) expect(call.sqls[0]).toBe(`SET search_path TO ${schema}`);
    const checkBatches = api.calls.filter((_, i) => shapes[i] === 'set, check epoch, check');
    expect(checkBatches.map((call) => call.sqls.length)).toEqual([2 + 6, 2 + 4, 2 + 4]);

    // Both kinds staged in both partitions (the fixture has files in each), each once.
    expect(staged).toEqual(['events/0', 'events/1', 'songs/0', 'songs/1']);
    expect(data.commandCalls(BatchExecuteStatementCommand).filter((c) => c.args[0].input.Sqls!.some((s) => s.startsWith('COPY')))).toHaveLength(4);

    // The figures are those the double returned, summed exactly; files and bytes those of the fixture.
    const loaded = { events: 1490 + 1501, songs: 149 + 150 };
    const rejected = 3 + 2 + 1 + 0;
    expect(result.tables).toEqual({ staging_events: loaded.events, staging_songs: loaded.songs, load_errors: rejected, ...STAR });
    expect(result.rows).toEqual({ read: loaded.events + loaded.songs + rejected, loaded: loaded.events + loaded.songs, rejected, rejectedByKind: REJECTED_BY_KIND });
    expect(result.files).toEqual({ events: countFiles(path.join(FIXTURE, 'log_data')), songs: countFiles(path.join(FIXTURE, 'song_data')) });
    expect(result.bytesRead).toBe(bytesUnder(path.join(FIXTURE, 'log_data')) + bytesUnder(path.join(FIXTURE, 'song_data')));
    expect(result.quality.failed).toEqual([]);
    expect(result.quality.checks).toHaveLength(14);
    expect(result.recovery).toEqual({ stagingRounds: 1, warehouseRestarts: 0 });

    // The transforms' activity results carry the rows the INSERTs affected.
    const events = await fetchEvents(temporal.env.client, workflowId);
    const completed = events.filter((e) => eventTypeName(e.eventType) === 'ActivityTaskCompleted');
    const payloads = completed.map((e) => Buffer.from(e.activityTaskCompletedEventAttributes!.result!.payloads![0].data!).toString());
    for (const [table, rows] of Object.entries(STAR)) expect(payloads).toContain(JSON.stringify({ table, rows }));

    // The cluster this run created was deleted; its master password never entered the history.
    expect(redshift.commandCalls(CreateClusterCommand)).toHaveLength(1);
    expect(redshift.commandCalls(CreateClusterCommand)[0].args[0].input.MasterUserPassword).toBe(PASSWORD);
    expect(redshift.commandCalls(DeleteClusterCommand)).toHaveLength(1);
    expect(cluster.exists).toBe(false);
    const history = JSON.stringify(await temporal.env.client.workflow.getHandle(workflowId).fetchHistory());
    expect(history).not.toContain(PASSWORD);
    expect(history).not.toContain(Buffer.from(PASSWORD).toString('base64').slice(0, 12));
  });

  it('a COPY still running when its worker goes silent: the next attempt waits on its statement id and submits no second COPY', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 1);
    cluster.install();
    // The COPY batches run for 4 polls each before they finish.
    const api = new ScriptedDataApi((sqls) => (sqls.some((s) => s.startsWith('COPY')) ? 4 : 0));
    api.install();
    const attempts: number[] = [];
    /** The statement id each attempt found in the heartbeat details of the one before. */
    const resumedFrom: Array<string | undefined> = [];
    let frozenId: string | undefined;
    // Attempt 1 of partition 0's event COPY freezes once the cluster runs its batch (a killed or hung worker).
    const freezingOnce: typeof sparkifyActivities.copyStagingEvents = async (copy) => {
      const ctx = Context.current();
      if (copy.partition !== 0) return sparkifyActivities.copyStagingEvents(copy);
      attempts.push(ctx.info.attempt);
      resumedFrom.push((ctx.info.heartbeatDetails as { statementId?: string } | undefined)?.statementId);
      if (ctx.info.attempt === 1) {
        const beat = ctx.heartbeat.bind(ctx);
        (ctx as { heartbeat: (d?: unknown) => void }).heartbeat = (d?: unknown) => {
          if (frozenId) return;
          beat(d);
          const id = (d as { statementId?: string } | undefined)?.statementId;
          if (id && /: started/.test(String((d as { progress?: string }).progress))) frozenId = id;
        };
        const sleep = ctx.sleep.bind(ctx);
        // Frozen: the last heartbeat (with the id) reaches the server (throttled to 2 s), then the
        // server's clock runs on to the heartbeat timeout and the attempt waits like a hung worker.
        (ctx as { sleep: (ms: number) => Promise<void> }).sleep = (ms: number) =>
          frozenId
            ? new Promise<void>((resolve) => setTimeout(resolve, 3000))
                .then(() => temporal.sleepOnServerClock(40_000))
                .then(() => new Promise<void>((_, reject) => void ctx.cancelled.catch(reject)))
            : sleep(ms);
      }
      return sparkifyActivities.copyStagingEvents(copy);
    };
    const result = await runEtl(`redshift-resume-${Date.now()}`, { copyStagingEvents: freezingOnce });

    // Attempt 1 froze; every later one started from its statement id (the server's skipped clock
    // may time out a replacement too, before it has done anything).
    expect(frozenId).toMatch(/^stmt-\d+$/);
    expect(attempts[0]).toBe(1);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(resumedFrom).toEqual([undefined, ...attempts.slice(1).map(() => frozenId)]);
    // One COPY batch per staged partition: the replacement waited on the frozen attempt's statement.
    const copyBatches = api.calls.filter((c) => c.sqls.some((s) => s.startsWith('COPY')));
    expect(copyBatches.map((c) => shapeOf(c.sqls)).sort()).toEqual(['set, copy events 0, copy …', 'set, copy events 1, copy …', 'set, copy songs 0, copy …', 'set, copy songs 1, copy …']);
    expect(copyBatches.find((c) => c.sqls.includes('DELETE FROM staging_events WHERE partitions = 2 AND partition_no = 0'))!.id).toBe(frozenId);
    // The replacement polled that statement to its end: 4 running polls in all, then FINISHED.
    const polledFrozen = data.commandCalls(DescribeStatementCommand).filter((c) => c.args[0].input.Id === frozenId);
    expect(polledFrozen.length).toBeGreaterThanOrEqual(5);
    expect(result.rows.read).toBe(1490 + 3 + 1501 + 2 + 149 + 1 + 150);
  });
});

/** Rows each planned file's COPY "loads", by kind, in the incremental double. */
const PER_FILE = { events: 7, songs: 1 } as const;
/** What the incremental double's merge batch records for a run that planned files. */
const MERGED = { rowsAdded: { songplays: 11, users: 2, songs: 1, artists: 1, time: 9 }, usersUpdated: 3 };

interface PlannedFile {
  staging: 'events' | 'songs';
  partitions: number;
  partition: number;
  path: string;
  size: number;
  etag: string | null;
}

/** Fields of a VALUES list as the plan's INSERT writes them: quoted text ('' doubled), integers, NULL. */
function valuesRows(list: string): Array<Array<string | number | null>> {
  const rows: Array<Array<string | number | null>> = [];
  const tuple = /\(((?:'(?:[^']|'')*'|[^()'])*)\)/g;
  let m: RegExpExecArray | null;
  while ((m = tuple.exec(list))) {
    const fields = m[1].match(/'(?:[^']|'')*'|NULL|-?\d+/g)!;
    rows.push(fields.map((f) => (f === 'NULL' ? null : f.startsWith("'") ? f.slice(1, -1).replace(/''/g, "'") : Number(f))));
  }
  return rows;
}

/**
 * An incremental run's script: a warehouse whose manifest lists `manifest`; the plan the run
 * writes into staging_files is kept and read back as Redshift would; each planned file's COPY
 * "loads" PER_FILE rows; the merge batch records MERGED (nothing when no file was planned).
 */
class IncrementalDataApi extends DataApiDouble {
  planned: PlannedFile[] = [];
  holder: { workflowId: string; runId: string } | undefined;

  constructor(private readonly manifest: PlannedFile[], private readonly tablesExist: boolean) {
    super(data);
  }

  protected override submitted(sql: string): void {
    let m: RegExpExecArray | null;
    if ((m = /^DELETE FROM staging_files WHERE staging = '(\w+)' AND partitions = (\d+)$/.exec(sql))) {
      this.planned = this.planned.filter((f) => !(f.staging === m![1] && f.partitions === Number(m![2])));
    } else if (sql.startsWith('INSERT INTO staging_files')) {
      for (const [staging, partitions, partition, path, size, etag] of valuesRows(sql.slice(sql.indexOf('VALUES')))) {
        this.planned.push({ staging: staging as PlannedFile['staging'], partitions: partitions as number, partition: partition as number, path: path as string, size: size as number, etag: etag as string | null });
      }
    } else if ((m = /^INSERT INTO warehouse_lock .*\nSELECT 'load', '([^']*)', '([^']*)'/s.exec(sql)) && !this.holder) {
      this.holder = { workflowId: m[1], runId: m[2] };
    } else if ((m = /^DELETE FROM warehouse_lock WHERE lock_name = 'load' AND run_id = '([^']*)'$/.exec(sql)) && this.holder?.runId === m[1]) {
      this.holder = undefined;
    }
  }

  private files(kind: string, partition?: number): PlannedFile[] {
    return this.planned.filter((f) => f.staging === kind && (partition === undefined || f.partition === partition)).sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  }

  private loaded(kind: 'events' | 'songs', partition?: number): number {
    return this.files(kind, partition).length * PER_FILE[kind];
  }

  answer(sql: string, call: { sqls: string[] }): Row[] | undefined {
    let m: RegExpExecArray | null;
    if (sql === 'SELECT epoch FROM staging_epoch') return [{ epoch: 1 }];
    if (sql.startsWith('SELECT table_name FROM information_schema.tables')) return this.tablesExist ? ['songplays', 'users', 'songs', 'artists', 'time'].map((table_name) => ({ table_name })) : [];
    if (sql.startsWith('SELECT workflow_id, run_id, acquired_at FROM warehouse_lock')) return this.holder ? [{ workflow_id: this.holder.workflowId, run_id: this.holder.runId, acquired_at: '2026-12-02 18:00:00' }] : [];
    if ((m = /^SELECT path, size, etag FROM loaded_files WHERE staging = '(\w+)'$/.exec(sql))) {
      return this.manifest.filter((f) => f.staging === m![1]).map((f) => ({ path: f.path, size: f.size, ...(f.etag === null ? {} : { etag: f.etag }) }));
    }
    if ((m = /^SELECT path, size, etag\nFROM staging_files\nWHERE staging = '(\w+)' AND partitions = \d+ AND partition_no = (\d+)\nORDER BY path$/.exec(sql))) {
      return this.files(m[1], Number(m[2])).map((f) => ({ path: f.path, size: f.size, ...(f.etag === null ? {} : { etag: f.etag }) }));
    }
    if ((m = /^SELECT files_done, .*\nFROM staging_progress\nWHERE staging = '(events|songs)' AND partitions = \d+ AND partition_no = (\d+)$/s.exec(sql))) {
      const kind = m[1] as 'events' | 'songs';
      const files = this.files(kind, Number(m[2]));
      const loaded = this.loaded(kind, Number(m[2]));
      return [{ files_done: files.length, last_file: files[files.length - 1].path, lines_read: loaded, rows_loaded: loaded, rows_rejected: 0, bytes_read: files.reduce((n, f) => n + f.size, 0) }];
    }
    if ((m = /^SELECT COUNT\(\*\) AS row_count FROM (\w+)$/.exec(sql))) {
      if (m[1] === 'staging_events') return [{ row_count: this.loaded('events') }];
      if (m[1] === 'staging_songs') return [{ row_count: this.loaded('songs') }];
      return [{ row_count: m[1] === 'load_errors' ? 0 : STAR[m[1] as keyof typeof STAR] }];
    }
    if (sql.startsWith('SELECT staging,\n       SUM(files_done)')) {
      return (['events', 'songs'] as const).filter((kind) => this.files(kind).length > 0).map((kind) => ({
        staging: kind, files_done: String(this.files(kind).length), lines_read: String(this.loaded(kind)), rows_loaded: String(this.loaded(kind)), rows_rejected: '0',
      }));
    }
    if (sql.startsWith('SELECT files_events, files_songs, rows_added, users_updated FROM incremental_runs')) {
      // Only the merge batch's own read finds the run's row (it ends the batch that inserted it).
      if (!call.sqls.some((s) => s.startsWith('INSERT INTO incremental_runs'))) return [];
      const none = this.planned.length === 0;
      return [{
        files_events: this.files('events').length,
        files_songs: this.files('songs').length,
        rows_added: JSON.stringify(none ? { songplays: 0, users: 0, songs: 0, artists: 0, time: 0 } : MERGED.rowsAdded),
        users_updated: none ? 0 : MERGED.usersUpdated,
      }];
    }
    if (sql.startsWith('SELECT staging, COUNT(*) AS row_count\nFROM load_errors') || sql.startsWith('SELECT reason_kind')) return [];
    if (/^(WITH|SELECT)\b/.test(sql)) return [];
    return undefined;
  }

  affected(sql: string, call: { sqls: string[] }): number {
    if (sql.startsWith('DELETE FROM warehouse_lock')) return 1;
    // The lock's INSERT inserts when the holder it reads back is the inserting run.
    const insert = /^INSERT INTO warehouse_lock .*\nSELECT 'load', '([^']*)', '([^']*)'/s.exec(sql);
    if (insert) return this.holder?.runId === insert[2] && call.sqls.length > 0 ? 1 : 0;
    return 0;
  }
}

describe('incremental sparkifyEtl with warehouse redshift', () => {
  it('takes the lock with LOCK, writes the plan, COPYs each planned file alone with its path on its rows, merges with the manifest rows in one batch; a second run plans and COPYs nothing', async () => {
    const cluster = new ScriptedCluster(redshift, CLUSTER_ID, 1);
    cluster.install();
    const api = new IncrementalDataApi([], false);
    api.install();
    const incremental: SparkifyEtlInput = { ...input, incremental: { warehouseName: 'daily' } };
    const workflowId = `redshift-incremental-${Date.now()}`;
    const result = await runEtl(workflowId, undefined, incremental);

    for (const call of api.calls) {
      for (const sql of call.sqls) {
        try {
          checkStatement(sql);
        } catch (err) {
          throw new Error(`${(err as Error).message}\n${sql}`);
        }
      }
    }
    // The lock: one batch that starts with LOCK, then the conditional INSERT, the take-over UPDATE and the holder.
    const lockBatches = api.calls.filter((c) => c.sqls.some((s) => s.startsWith('INSERT INTO warehouse_lock')));
    expect(lockBatches).toHaveLength(1);
    expect(lockBatches[0].sqls.slice(1).map((s) => s.split(/\s/)[0])).toEqual(['LOCK', 'INSERT', 'UPDATE', 'SELECT']);
    expect(lockBatches[0].sqls[1]).toBe('LOCK warehouse_lock');

    // The plan holds every fixture file once, written in batches of at most 40 statements.
    const logFiles = countFiles(path.join(FIXTURE, 'log_data'));
    const songFiles = countFiles(path.join(FIXTURE, 'song_data'));
    expect(api.planned.filter((f) => f.staging === 'events')).toHaveLength(logFiles);
    expect(api.planned.filter((f) => f.staging === 'songs')).toHaveLength(songFiles);
    expect(new Set(api.planned.map((f) => f.path)).size).toBe(logFiles + songFiles);
    for (const call of api.calls) expect(call.sqls.length).toBeLessThanOrEqual(40);

    // One COPY per planned file; its manifest names exactly that object; the rows it loaded go to staging with that file's path.
    const copies = api.calls.flatMap((c) => c.sqls.map((sql, k) => ({ sql, next: c.sqls.slice(k + 1) }))).filter(({ sql }) => sql.startsWith('COPY '));
    expect(copies).toHaveLength(logFiles + songFiles);
    const copied: string[] = [];
    for (const { sql, next } of copies) {
      const manifestUrl = /^COPY \w+ \([^)]*\)\nFROM '(s3:\/\/[^']+)'/.exec(sql)![1];
      const key = manifestUrl.slice(`s3://${BUCKET}/`.length);
      const body = await (await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
      const entries = (JSON.parse(body) as { entries: Array<{ url: string; mandatory: boolean }> }).entries;
      expect(entries).toHaveLength(1);
      expect(entries[0].mandatory).toBe(true);
      const file = entries[0].url.slice(`s3://${BUCKET}/udacity/`.length);
      const staged = next.find((s) => /^INSERT INTO staging_(events|songs) /.test(s))!;
      expect(staged).toContain(`'${file}',\n       ROW_NUMBER() OVER (`);
      copied.push(file);
    }
    expect(copied.sort()).toEqual(api.planned.map((f) => f.path).sort());

    // The merge: one batch with the manifest INSERT and the run's row, its figures the run's.
    const mergeBatches = api.calls.filter((c) => c.sqls.some((s) => s.startsWith('INSERT INTO loaded_files')));
    expect(mergeBatches).toHaveLength(1);
    expect(mergeBatches[0].sqls.filter((s) => s.startsWith('INSERT INTO incremental_runs'))).toHaveLength(1);
    expect(result.incremental).toMatchObject({ warehouseName: 'daily', filesAdded: { events: logFiles, songs: songFiles }, rowsAdded: MERGED.rowsAdded, usersUpdated: MERGED.usersUpdated });
    expect(result.rows.loaded).toBe(logFiles * PER_FILE.events + songFiles * PER_FILE.songs);
    // The lock was released; the warehouse kept.
    expect(api.holder).toBeUndefined();
    expect(redshift.commandCalls(DeleteClusterCommand)).toHaveLength(0);

    // Second run: the manifest (as the double returns it) lists every file: nothing planned, nothing COPYd.
    const second = new IncrementalDataApi(api.planned, true);
    second.install();
    const again = await runEtl(`${workflowId}-again`, undefined, incremental);
    expect(second.planned).toEqual([]);
    expect(second.calls.flatMap((c) => c.sqls).filter((s) => s.startsWith('COPY '))).toEqual([]);
    expect(again.incremental).toMatchObject({
      filesAdded: { events: 0, songs: 0 },
      filesAlreadyLoaded: { events: logFiles, songs: songFiles },
      rowsAdded: { songplays: 0, users: 0, songs: 0, artists: 0, time: 0 },
      usersUpdated: 0,
    });
    for (const id of [workflowId, `${workflowId}-again`]) {
      const history = JSON.stringify(await temporal.env.client.workflow.getHandle(id).fetchHistory());
      expect(history).not.toContain(PASSWORD);
      expect(history).not.toContain(Buffer.from(PASSWORD).toString('base64').slice(0, 12));
    }
  });
});
