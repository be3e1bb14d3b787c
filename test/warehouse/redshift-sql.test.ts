/**
 * Every statement the pipeline sends to Redshift, checked without a Redshift: node-sql-parser's
 * Redshift dialect parses each one; what that parser does not know (table attributes DISTSTYLE /
 * DISTKEY / SORTKEY, IDENTITY columns, DROP … IF EXISTS, COPY) is first checked against
 * Redshift's documented grammar (CREATE TABLE, DROP TABLE, DROP SCHEMA and COPY in the Amazon
 * Redshift Database Developer Guide) and only then removed for the parser. The generated COPY
 * statements are rendered from their templates with sample values, as the activity renders them.
 */
import type { CopyStagingInput } from '../../src/contract';
import { stagingBatch } from '../../src/activities/staging/redshift-copy';
import { sqlStatements } from '../../src/warehouse/sql-files';
import { checkCopy, checkStatement, parseRedshift as parse, sqlFiles, tableColumns } from '../helpers/redshift-sql';

const input = (_kind: 'events' | 'songs'): CopyStagingInput => ({
  warehouse: { provider: 'redshift', warehouseId: 'w', host: 'h', port: 5439, database: 'dwh', user: 'u', schema: 'sparkify_w' },
  source: { type: 's3', logData: 's3://udacity-dend/log_data', songData: 's3://udacity-dend/song_data', logJsonPath: 's3://udacity-dend/log_json_path.json' },
  partition: 3,
  partitions: 8,
});
const sampleFiles = [{ path: 'log_data/2018/11/2018-11-01-events.json', size: 100 }, { path: "log_data/2018/11/o'clock.json", size: 50 }];
const copyOptions = { manifestUrl: 's3://sparkify-manifests/copy/sparkify_w/events-3-of-8.manifest', iamRole: 'arn:aws:iam::123456789012:role/dwhRole', region: 'us-west-2' };

describe('Redshift SQL, checked by a parser that knows Redshift and by its documented grammar', () => {
  it('every DDL statement of sql/redshift/create and sql/redshift/schema', () => {
    const kinds: string[] = [];
    for (const file of [...sqlFiles('redshift/create'), ...sqlFiles('redshift/schema')]) {
      for (const statement of sqlStatements(file, { schema: 'sparkify_w' })) {
        try {
          kinds.push(checkStatement(statement));
        } catch (err) {
          throw new Error(`sql/${file}: ${(err as Error).message}\n${statement}`);
        }
      }
    }
    expect(kinds.filter((k) => k === 'create table')).toHaveLength(sqlFiles('redshift/create').length);
    expect(tableColumns.get('staging_events')).toContain('partition_no');
  });

  it('every transform of sql/transforms (the same files PostgreSQL runs)', () => {
    for (const file of sqlFiles('transforms')) {
      const statements = sqlStatements(file);
      expect(statements.map((s) => s.split(/\s+/)[0])).toEqual(['DELETE', 'INSERT']);
      for (const statement of statements) {
        try {
          parse(statement);
        } catch (err) {
          throw new Error(`sql/${file}: ${(err as Error).message}`);
        }
      }
    }
  });

  it('every quality check, and every query the warehouse activities run on both dialects', () => {
    const queries = ['read_staging_epoch', 'start_staging_epoch', 'reset_staging', 'table_count', 'committed_progress', 'rejected_by_staging', 'rejected_by_kind', 'sample_load_errors'];
    const files = [...sqlFiles('checks'), ...queries.map((q) => `queries/${q}.sql`)];
    expect(files.length).toBe(14 + queries.length);
    for (const file of files) {
      for (const statement of sqlStatements(file, { table: 'songplays' }, { integers: { epoch: 2, limit: 5 } })) {
        try {
          parse(statement);
        } catch (err) {
          throw new Error(`sql/${file}: ${(err as Error).message}`);
        }
      }
    }
  });

  it.each(['events', 'songs'] as const)('every statement of the generated %s staging batch, the COPY against its documented grammar', (kind) => {
    const files = kind === 'events' ? sampleFiles : sampleFiles.map((f) => ({ ...f, path: f.path.replace('log_data', 'song_data') }));
    const statements = stagingBatch(kind, input(kind), files, { ...copyOptions, manifestUrl: copyOptions.manifestUrl.replace('events', kind) });
    const kinds = statements.map((s) => {
      try {
        return checkStatement(s);
      } catch (err) {
        throw new Error(`sql/redshift/staging/${kind}.sql: ${(err as Error).message}\n${s}`);
      }
    });
    expect(kinds).toEqual(['delete', 'delete', 'create', 'copy', 'insert', 'insert', 'delete', 'insert', 'drop table']);
    // The last file's quote is doubled inside its literal, so it stays one value.
    expect(statements.some((s) => s.includes("'log_data/2018/11/o''clock.json'") || s.includes("'song_data/2018/11/o''clock.json'"))).toBe(true);
    for (const statement of sqlStatements('redshift/staging/progress.sql', {}, { literals: { staging: kind }, integers: { partitions: 8, partition: 3 } })) parse(statement);
  });

  it('rejects what Redshift would reject: a bad COPY option, a sort key on a missing column', () => {
    const copy = stagingBatch('events', input('events'), sampleFiles, copyOptions).find((s) => s.startsWith('COPY'))!;
    expect(() => checkCopy(copy.replace('MAXERROR 100000', 'MAXERROR 100001'))).toThrow("MAXERROR 100001 above Redshift's limit");
    expect(() => checkCopy(copy.replace('MANIFEST\n', 'MANIFST\n'))).toThrow('COPY option "MANIFST"');
    expect(() => checkCopy(copy.replace('(artist, auth,', '(artist, authority,'))).toThrow('COPY column authority is not a column of staging_events');
    expect(() => checkStatement('CREATE TABLE t (a BIGINT) DISTKEY (b) SORTKEY (a)')).toThrow('key column b is not a column of the table');
    expect(() => checkStatement('CREATE TABLE t (a BIGINT) DISTSTYLE EVEN DISTKEY (a)')).toThrow('DISTKEY with DISTSTYLE EVEN');
    expect(() => checkStatement('CREATE TABLE t (a BIGINT) SORTKEY a')).toThrow("do not follow Redshift's CREATE TABLE grammar");
  });
});
