/** Input validation and the warehouse id, as pure functions (the workflow wraps them). */
import { InvalidInputError, resolveInput, warehouseIdFor } from '../../src/workflows/input';

const source = { type: 'local', path: '/data/sparkify' } as const;

function failure(raw: unknown): InvalidInputError {
  try {
    resolveInput(raw);
  } catch (err) {
    if (err instanceof InvalidInputError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('resolveInput', () => {
  it('applies the defaults', () => {
    expect(resolveInput({ source })).toEqual({
      source,
      warehouse: { provider: 'local' },
      concurrency: 2,
      partitions: 4,
      maxErrors: 0,
      keepWarehouse: false,
      quality: 'fail',
    });
  });

  it('resolves an incremental run with its lock wait default', () => {
    expect(resolveInput({ source, incremental: { warehouseName: 'daily', from: '2018-11-01', to: '2018-11-30', reloadChanged: true } }).incremental).toEqual({
      warehouseName: 'daily', from: '2018-11-01', to: '2018-11-30', reloadChanged: true, lockWaitSeconds: 600,
    });
  });

  it('derives partitions from concurrency and keeps explicit values', () => {
    expect(resolveInput({ source, concurrency: 3 }).partitions).toBe(6);
    expect(
      resolveInput({ source, concurrency: 5, partitions: 7, maxErrors: 12, keepWarehouse: true, warehouse: { provider: 'postgres' }, quality: 'warn' }),
    ).toEqual({ source, warehouse: { provider: 'postgres' }, concurrency: 5, partitions: 7, maxErrors: 12, keepWarehouse: true, quality: 'warn' });
  });

  it.each([
    [{ source, concurrency: 'x' }, 'input.concurrency', 'input.concurrency must be an integer from 1 to 64, got "x"'],
    [{ source, concurrency: 0 }, 'input.concurrency', 'input.concurrency must be an integer from 1 to 64, got 0'],
    [{ source, concurrency: 65 }, 'input.concurrency', 'input.concurrency must be an integer from 1 to 64, got 65'],
    [{ source, concurrency: 1.5 }, 'input.concurrency', 'input.concurrency must be an integer from 1 to 64, got 1.5'],
    [{ source, partitions: 0 }, 'input.partitions', 'input.partitions must be an integer from 1 to 1024, got 0'],
    [{ source, maxErrors: -1 }, 'input.maxErrors', 'input.maxErrors must be an integer 0 or more, got -1'],
    [{ source, keepWarehouse: 'yes' }, 'input.keepWarehouse', 'input.keepWarehouse must be true or false, got "yes"'],
    [{ source, warehouse: { provider: 'redshift-serverless' } }, 'input.warehouse.provider', 'input.warehouse.provider must be one of "local", "postgres", "redshift", got "redshift-serverless"'],
    [{ source: { type: 'ftp', path: 'x' } }, 'input.source.type', 'input.source.type must be "local" or "s3", got "ftp"'],
    [{ source: { type: 's3', path: 'x' } }, 'input.source.path', 'input.source.path must be s3://bucket/prefix, got "x"'],
    [{ source: { type: 's3', path: 's3://A_B/x' } }, 'input.source.path', 'input.source.path: "A_B" is not a valid bucket name (3-63 of a-z 0-9 . -)'],
    [{ source: { type: 's3', logData: 's3://ok-bucket/log_data', songData: 'song_data' } }, 'input.source.songData', 'input.source.songData must be s3://bucket/prefix, got "song_data"'],
    [{ source: { type: 's3', path: 's3://ok-bucket', logData: 's3://ok-bucket/l' } }, 'input.source.path', 'input.source.path (one root) and source.logData/songData (separate locations) exclude each other'],
    [{ source: { type: 's3', path: 's3://ok-bucket', anonymous: 'yes' } }, 'input.source.anonymous', 'input.source.anonymous must be true or false, got "yes"'],
    [{ source: { type: 's3', path: 's3://ok-bucket', key: 'AKIA' } }, 'input.source.key', 'input.source.key is not a known field (known: type, path, logData, songData, logJsonPath, anonymous, region)'],
    [{ source: { type: 'local', path: 's3://ok-bucket/x' } }, 'input.source.path', 'input.source.path is an s3:// URL but source.type is "local"'],
    [{ source: { type: 'local' } }, 'input.source.path', 'input.source: source needs path (a root holding log_data/ and song_data/) or logData and/or songData'],
    [{ source: { type: 'local', path: '' } }, 'input.source.path', 'input.source.path must be a non-empty string, got ""'],
    [{}, 'input.source', "input.source must be { type: 'local' | 's3', path } or { type, logData, songData }, got undefined"],
    [{ source, quality: 'ignore' }, 'input.quality', 'input.quality must be one of "fail", "warn", got "ignore"'],
    [{ source, max_errors: 3 }, 'input.max_errors', 'input.max_errors is not a known field (known: source, warehouse, concurrency, partitions, maxErrors, keepWarehouse, quality, incremental)'],
    [{ source, incremental: 'daily' }, 'input.incremental', 'input.incremental must be { warehouseName, from?, to?, reloadChanged? }, got "daily"'],
    [{ source, incremental: { warehouseName: 'Daily' } }, 'input.incremental.warehouseName', 'input.incremental.warehouseName must be a lowercase letter then up to 39 of a-z, 0-9, _, got "Daily"'],
    [{ source, incremental: { warehouseName: 'daily', from: '2018-11-31' } }, 'input.incremental.from', 'input.incremental.from must be a day YYYY-MM-DD, got "2018-11-31"'],
    [{ source, incremental: { warehouseName: 'daily', from: '2018-11-05', to: '2018-11-04' } }, 'input.incremental.to', 'input.incremental.to (2018-11-04) is before input.incremental.from (2018-11-05)'],
    [{ source, incremental: { warehouseName: 'daily', reloadChanged: 1 } }, 'input.incremental.reloadChanged', 'input.incremental.reloadChanged must be true or false, got 1'],
    [{ source, incremental: { warehouseName: 'daily', lockWaitSeconds: -1 } }, 'input.incremental.lockWaitSeconds', 'input.incremental.lockWaitSeconds must be an integer from 0 to 86400, got -1'],
    [{ source, incremental: { warehouseName: 'daily', window: 1 } }, 'input.incremental.window', 'input.incremental.window is not a known field (known: warehouseName, from, to, reloadChanged, lockWaitSeconds)'],
    [null, 'input', 'input must be an object, got null'],
  ])('rejects %j naming %s', (raw, field, message) => {
    const err = failure(raw);
    expect(err.field).toBe(field);
    expect(err.message).toBe(message);
  });
});

describe('warehouseIdFor', () => {
  it('is a stable identifier-safe rendering of the workflow id', () => {
    const id = warehouseIdFor('Nightly Load/2024-01-02');
    expect(id).toMatch(/^wf_nightly_load_2024_01_02_[0-9a-f]{8}$/);
    expect(warehouseIdFor('Nightly Load/2024-01-02')).toBe(id);
  });

  it('keeps ids apart that differ only in characters the slug drops', () => {
    expect(warehouseIdFor('load-1')).not.toBe(warehouseIdFor('load_1'));
    expect(warehouseIdFor('a'.repeat(200))).toHaveLength('wf_'.length + 32 + 1 + 8);
  });
});
