/**
 * The statement of sql/redshift/staging/events.sql that moves the rows COPY rejected from
 * STL_LOAD_ERRORS into load_errors, run on the embedded PostgreSQL (the peer that runs here)
 * against a stl_load_errors table with the columns and CHAR padding Redshift documents for it
 * and a pg_last_copy_id() naming this session's last COPY. Only that COPY's errors are taken,
 * paths become relative to the source root, and Redshift's error codes become our reason kinds.
 */
import type { Client } from 'pg';
import { stagingBatch } from '../../src/activities/staging/redshift-copy';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';

let pg: TestPostgres;
let client: Client;

beforeAll(async () => {
  pg = await startTestPostgres('redshift-load-errors');
  client = await pg.connect();
  await client.query(`
    CREATE SCHEMA rs; SET search_path TO rs;
    CREATE TABLE load_errors (file VARCHAR(1024) NOT NULL, line INTEGER NOT NULL, staging VARCHAR(16) NOT NULL, raw VARCHAR(65535) NOT NULL,
      reason_kind VARCHAR(32) NOT NULL, reason VARCHAR(1024) NOT NULL, partitions INTEGER, partition_no INTEGER, PRIMARY KEY (file, line));
    CREATE TABLE stl_load_errors (userid INTEGER, slice INTEGER, tbl INTEGER, starttime TIMESTAMP, session INTEGER, query INTEGER,
      filename CHAR(256), line_number BIGINT, colname CHAR(127), type CHAR(10), col_length CHAR(10), position INTEGER,
      raw_line CHAR(1024), raw_field_value CHAR(1024), err_code INTEGER, err_reason CHAR(100));
    CREATE TABLE staging_progress (staging VARCHAR(16) NOT NULL, partitions INTEGER NOT NULL, partition_no INTEGER NOT NULL, files_done INTEGER NOT NULL,
      last_file VARCHAR(1024) NOT NULL, lines_read BIGINT NOT NULL, rows_loaded BIGINT NOT NULL, rows_rejected BIGINT NOT NULL, bytes_read BIGINT NOT NULL);
    CREATE TABLE staging_events_load (artist VARCHAR(1024));
    INSERT INTO staging_events_load VALUES ('a'), ('b'), (NULL), ('d'), ('e'), ('f');
    CREATE FUNCTION pg_last_copy_id() RETURNS INTEGER LANGUAGE SQL AS 'SELECT 42';
  `);
}, 90_000);

afterAll(async () => {
  await client?.end();
  await pg?.stop();
}, 60_000);

it('moves exactly this COPY\'s rejections into load_errors with relative paths and our reason kinds; read = loaded + rejected', async () => {
  const url = (file: string) => `s3://udacity-dend/log_data/${file}`;
  const rows: Array<[number, string, number, string, number, string, string]> = [
    [42, url('2018/11/a.json'), 3, 'ts', 1206, 'Invalid timestamp format or value', '{"ts":"soon"}'],
    [42, url('2018/11/a.json'), 7, 'user_id', 1213, 'Missing data for not-null field', '{"userId":null}'],
    [42, url('2018/11/b.json'), 1, '', 1216, 'Invalid JSONPath format: Member is not an object.', '{"artist":'],
    [42, url('2018/11/c.json'), 2, 'status', 1204, 'Invalid digit, Value \'x\'', '{"status":"x"}'],
    [41, url('2018/11/z.json'), 9, 'ts', 1206, 'another COPY', '{}'],
  ];
  for (const [query, filename, line, colname, code, reason, raw] of rows) {
    await client.query('INSERT INTO stl_load_errors (query, filename, line_number, colname, err_code, err_reason, raw_line) VALUES ($1, $2, $3, $4, $5, $6, $7)', [query, filename, line, colname, code, reason, raw]);
  }
  const statements = stagingBatch('events', {
    warehouse: { provider: 'redshift', warehouseId: 'w', host: 'h', port: 5439, database: 'd', user: 'u', schema: 'rs' },
    source: { type: 's3', logData: 's3://udacity-dend/log_data', songData: 's3://udacity-dend/song_data', logJsonPath: 's3://udacity-dend/log_json_path.json' },
    partition: 1,
    partitions: 4,
  }, [{ path: 'log_data/2018/11/a.json', size: 1 }], { manifestUrl: 's3://m/x.manifest', iamRole: 'arn:aws:iam::123456789012:role/r', region: 'us-west-2' });
  const move = statements.find((s) => s.startsWith('INSERT INTO load_errors'))!;
  await client.query(move);
  const { rows: loaded } = await client.query('SELECT file, line, staging, raw, reason_kind, reason, partitions, partition_no FROM load_errors ORDER BY file, line');
  expect(loaded).toEqual([
    { file: 'log_data/2018/11/a.json', line: 3, staging: 'events', raw: '{"ts":"soon"}', reason_kind: 'wrong-type', reason: 'field "ts": Invalid timestamp format or value', partitions: 4, partition_no: 1 },
    { file: 'log_data/2018/11/a.json', line: 7, staging: 'events', raw: '{"userId":null}', reason_kind: 'missing-field', reason: 'field "user_id": Missing data for not-null field', partitions: 4, partition_no: 1 },
    { file: 'log_data/2018/11/b.json', line: 1, staging: 'events', raw: '{"artist":', reason_kind: 'invalid-json', reason: 'Invalid JSONPath format: Member is not an object.', partitions: 4, partition_no: 1 },
    { file: 'log_data/2018/11/c.json', line: 2, staging: 'events', raw: '{"status":"x"}', reason_kind: 'wrong-type', reason: 'field "status": Invalid digit, Value \'x\'', partitions: 4, partition_no: 1 },
  ]);

  // The progress row: read = loaded (the COPY's rows) + rejected (the partition's load_errors).
  await client.query(statements.find((s) => s.startsWith('INSERT INTO staging_progress'))!);
  expect((await client.query('SELECT * FROM staging_progress')).rows).toEqual([
    { staging: 'events', partitions: 4, partition_no: 1, files_done: 1, last_file: 'log_data/2018/11/a.json', lines_read: '10', rows_loaded: '6', rows_rejected: '4', bytes_read: '1' },
  ]);
});
