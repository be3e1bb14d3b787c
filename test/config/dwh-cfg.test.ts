/** dwh.cfg: the Sparkify sections, quoted and unquoted values, unknown keys reported, secrets kept apart. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { awsCredentialsFromConfig, formatIssues, postgresUrlFromConfig, readDwhConfig, sourceFromConfig } from '../../src/config/dwh-cfg';
import { optionalSetting } from '../../src/config/env';
import { useConfigInThisProcess } from '../../src/config/worker-settings';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-cfg-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string, mode = 0o600): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
  return file;
}

const SPARKIFY_CFG = `[CLUSTER]
HOST=dwhcluster.abc123.us-west-2.redshift.amazonaws.com
DB_NAME=dwh
DB_USER=dwhuser
DB_PASSWORD="Passw0rd;#1"
DB_PORT=5439

[IAM_ROLE]
ARN='arn:aws:iam::123456789012:role/dwhRole'

[S3]
LOG_DATA='s3://udacity-dend/log_data'
LOG_JSONPATH='s3://udacity-dend/log_json_path.json'
SONG_DATA='s3://udacity-dend/song_data'

[DWH]
DWH_CLUSTER_TYPE=multi-node
DWH_NUM_NODES=4
dwh_node_type=dc2.large

[AWS]
KEY = AKIAEXAMPLEKEY
SECRET = wJalr/XUtnFEMI+K7MDENG==
REGION = us-west-2
`;

it('reads the Sparkify sections with quoted and unquoted values', () => {
  const config = readDwhConfig(write('dwh.cfg', SPARKIFY_CFG), { secrets: true });
  expect(config.warnings).toEqual([]);
  expect(config.values.S3).toEqual({
    LOG_DATA: 's3://udacity-dend/log_data', LOG_JSONPATH: 's3://udacity-dend/log_json_path.json', SONG_DATA: 's3://udacity-dend/song_data',
  });
  expect(config.values.IAM_ROLE).toEqual({ ARN: 'arn:aws:iam::123456789012:role/dwhRole' });
  expect(config.values.DWH).toEqual({ DWH_CLUSTER_TYPE: 'multi-node', DWH_NUM_NODES: '4', DWH_NODE_TYPE: 'dc2.large' });
  expect(sourceFromConfig(config)).toEqual({
    type: 's3', logData: 's3://udacity-dend/log_data', songData: 's3://udacity-dend/song_data',
    logJsonPath: 's3://udacity-dend/log_json_path.json', region: 'us-west-2',
  });
  expect(awsCredentialsFromConfig(config)).toEqual({ accessKeyId: 'AKIAEXAMPLEKEY', secretAccessKey: 'wJalr/XUtnFEMI+K7MDENG==' });
  expect(postgresUrlFromConfig(config)).toBe(
    'postgres://dwhuser:Passw0rd%3B%231@dwhcluster.abc123.us-west-2.redshift.amazonaws.com:5439/dwh',
  );
});

it('drops the secrets when the process does not need them', () => {
  const config = readDwhConfig(write('client.cfg', SPARKIFY_CFG), { secrets: false });
  expect(config.secrets).toEqual({});
  expect(JSON.stringify(config)).not.toContain('Passw0rd');
  expect(JSON.stringify(config)).not.toContain('wJalr');
  expect(postgresUrlFromConfig(config)).toBe('postgres://dwhuser@dwhcluster.abc123.us-west-2.redshift.amazonaws.com:5439/dwh');
});

it('reports unknown sections and keys with their lines, and a readable file holding secrets', () => {
  const file = write('odd.cfg', '[S3]\nLOG_DATA=s3://b-1/logs\nLOG_DTA=s3://b-1/typo\n\n[REDSHIFT]\nHOST=x\n[AWS]\nSECRET=s\nKEY=k\n', 0o644);
  const config = readDwhConfig(file, { secrets: true });
  expect(formatIssues(config)).toEqual([
    `${file}:3: unknown key LOG_DTA in [S3] ignored (known: LOG_DATA, LOG_JSONPATH, SONG_DATA)`,
    `${file}:5: unknown section [REDSHIFT] ignored (known: [S3] [CLUSTER] [IAM_ROLE] [DWH] [AWS])`,
    `${file}: holds secrets ([AWS] SECRET) but is readable by other users (mode 644); run chmod 600 ${file}`,
  ]);
  fs.chmodSync(file, 0o600);
  expect(readDwhConfig(file, { secrets: true }).warnings.map((w) => w.message)).not.toContainEqual(expect.stringContaining('readable'));
});

it('names the file when it cannot be read or is inconsistent', () => {
  expect(() => readDwhConfig(path.join(dir, 'missing.cfg'), { secrets: false })).toThrow(`${path.join(dir, 'missing.cfg')}: cannot read the configuration file (ENOENT)`);
  const half = readDwhConfig(write('half.cfg', '[AWS]\nKEY=k\n'), { secrets: true });
  expect(() => awsCredentialsFromConfig(half)).toThrow('[AWS] needs both KEY and SECRET');
  const mixed = readDwhConfig(write('mixed.cfg', '[S3]\nLOG_DATA=/data/log_data\nSONG_DATA=s3://b-1/song_data\n'), { secrets: false });
  expect(() => sourceFromConfig(mixed)).toThrow('must both be s3:// URLs or both be directories');
  const local = readDwhConfig(write('local.cfg', '[S3]\nLOG_DATA=/data/log_data\nSONG_DATA=/data/song_data\n'), { secrets: false });
  expect(sourceFromConfig(local)).toEqual({ type: 'local', logData: '/data/log_data', songData: '/data/song_data' });
});

it('lets the environment override the file in the worker process', () => {
  const config = readDwhConfig(write('worker.cfg', SPARKIFY_CFG), { secrets: true });
  const saved = process.env.SPARKIFY_POSTGRES_URL;
  try {
    delete process.env.SPARKIFY_POSTGRES_URL;
    useConfigInThisProcess(config);
    expect(optionalSetting('SPARKIFY_POSTGRES_URL')).toContain('@dwhcluster.abc123');
    process.env.SPARKIFY_POSTGRES_URL = 'postgres://env@host/db';
    expect(optionalSetting('SPARKIFY_POSTGRES_URL')).toBe('postgres://env@host/db');
    // The file's values stay in this process: nothing was exported to the environment.
    delete process.env.SPARKIFY_POSTGRES_URL;
    expect(Object.values(process.env).some((v) => v?.includes('Passw0rd') || v?.includes('wJalr'))).toBe(false);
  } finally {
    if (saved === undefined) delete process.env.SPARKIFY_POSTGRES_URL;
    else process.env.SPARKIFY_POSTGRES_URL = saved;
    useConfigInThisProcess(readDwhConfig(write('empty.cfg', ''), { secrets: true }));
  }
});
