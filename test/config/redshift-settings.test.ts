import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDwhConfig } from '../../src/config/dwh-cfg';
import { setFileSetting } from '../../src/config/env';
import { configuredMasterPassword, REDSHIFT_ENV, redshiftSettings, useRedshiftConfig } from '../../src/config/redshift-settings';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redshift-settings-'));
const saved = { ...process.env };

afterEach(() => {
  for (const name of Object.values(REDSHIFT_ENV)) {
    setFileSetting(name, undefined);
    delete process.env[name];
  }
  Object.assign(process.env, saved);
});

function config(text: string): ReturnType<typeof readDwhConfig> {
  const file = path.join(dir, `dwh-${Math.random().toString(36).slice(2)}.cfg`);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return readDwhConfig(file, { secrets: true });
}

describe('Redshift settings', () => {
  it('come from dwh.cfg [DWH] and [IAM_ROLE] as the Sparkify projects name them; the environment wins', () => {
    const used = useRedshiftConfig(config(`[DWH]
DWH_CLUSTER_TYPE=multi-node
DWH_NUM_NODES=4
DWH_NODE_TYPE=dc2.large
DWH_CLUSTER_IDENTIFIER=dwhCluster
DWH_DB=dwh
DWH_DB_USER=dwhuser
DWH_DB_PASSWORD=Passw0rd
DWH_PORT=5439
[IAM_ROLE]
ARN='arn:aws:iam::123456789012:role/dwhRole'
`));
    process.env.SPARKIFY_REDSHIFT_NODES = '3';
    expect(redshiftSettings()).toEqual({
      clusterId: 'dwhcluster', clusterType: 'multi-node', nodes: 3, nodeType: 'dc2.large', database: 'dwh', user: 'dwhuser', port: 5439,
      iamRole: 'arn:aws:iam::123456789012:role/dwhRole', pollMs: 15000,
    });
    expect(configuredMasterPassword()).toBe('Passw0rd');
    expect(used).toContain('[DWH] DWH_DB_PASSWORD');
  });

  it('default to no password at all (Redshift manages it)', () => {
    expect(configuredMasterPassword()).toBeUndefined();
    expect(redshiftSettings()).toMatchObject({ clusterId: 'sparkify-dwh', clusterType: 'multi-node', nodes: 2 });
  });

  it('name the bad setting', () => {
    process.env.SPARKIFY_REDSHIFT_CLUSTER_TYPE = 'huge';
    expect(() => redshiftSettings()).toThrow('configuration error: SPARKIFY_REDSHIFT_CLUSTER_TYPE must be single-node or multi-node, got "huge"');
    process.env.SPARKIFY_REDSHIFT_CLUSTER_TYPE = 'multi-node';
    process.env.SPARKIFY_REDSHIFT_NODES = '1';
    expect(() => redshiftSettings()).toThrow('SPARKIFY_REDSHIFT_NODES must be at least 2 for a multi-node cluster');
    delete process.env.SPARKIFY_REDSHIFT_NODES;
    process.env.SPARKIFY_REDSHIFT_IAM_ROLE = 'dwhRole';
    expect(() => redshiftSettings()).toThrow('SPARKIFY_REDSHIFT_IAM_ROLE is not an IAM role ARN');
    delete process.env.SPARKIFY_REDSHIFT_IAM_ROLE;
    process.env.SPARKIFY_REDSHIFT_CLUSTER_ID = '9lives';
    expect(() => redshiftSettings()).toThrow('"9lives" is not a Redshift cluster identifier');
  });

  it('refuse a password file others can read', () => {
    const file = path.join(dir, 'pw');
    fs.writeFileSync(file, 'Secret1\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    process.env.SPARKIFY_REDSHIFT_PASSWORD_FILE = file;
    expect(() => configuredMasterPassword()).toThrow('names a file readable by others (mode 644)');
    fs.chmodSync(file, 0o600);
    expect(configuredMasterPassword()).toBe('Secret1');
  });
});
