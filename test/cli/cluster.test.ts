/**
 * `sparkify cluster create | status | delete` in-process. The first test points the real AWS SDK
 * at a local HTTP server with AWS_ENDPOINT_URL_REDSHIFT (the variable an emulator is reached
 * by) and checks the request arrives there; the others mock the control planes
 * (aws-sdk-client-mock) as Redshift and IAM document them.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sparkifyInProcess as sparkify } from '../helpers/cli';

const saved = { ...process.env };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-cluster-cli-'));
const config = path.join(dir, 'dwh.cfg');
fs.writeFileSync(config, `[S3]
LOG_DATA='s3://sparkify-in/log_data'
LOG_JSONPATH='s3://sparkify-in/log_json_path.json'
SONG_DATA='s3://sparkify-songs/song_data'
[AWS]
KEY=AKIDEXAMPLE
SECRET=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY
REGION=us-west-2
[DWH]
DWH_CLUSTER_TYPE=single-node
DWH_NODE_TYPE=ra3.large
DWH_CLUSTER_IDENTIFIER=cli-cluster
DWH_DB=dwh
DWH_DB_USER=dwhuser
DWH_IAM_ROLE_NAME=cliCopyRole
`, { mode: 0o600 });

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('AWS_ENDPOINT_URL_REDSHIFT', () => {
  it('sends the commands to the endpoint it names (the SDK reads it; nothing overrides it)', async () => {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push(body);
        res.setHeader('content-type', 'text/xml');
        res.end(`<DescribeClustersResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/"><DescribeClustersResult><Clusters><Cluster>
<ClusterIdentifier>cli-cluster</ClusterIdentifier><ClusterStatus>available</ClusterStatus><NodeType>ra3.large</NodeType><NumberOfNodes>1</NumberOfNodes>
<Endpoint><Address>cli-cluster.emulated.local</Address><Port>5439</Port></Endpoint></Cluster></Clusters></DescribeClustersResult>
<ResponseMetadata><RequestId>emu-1</RequestId></ResponseMetadata></DescribeClustersResponse>`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      process.env.AWS_ENDPOINT_URL_REDSHIFT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await sparkify('cluster', 'status', '--config', config, '--json');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ clusterId: 'cli-cluster', status: 'available', nodeType: 'ra3.large', nodes: 1, endpoint: 'cli-cluster.emulated.local:5439' });
      expect(requests).toHaveLength(1);
      expect(new URLSearchParams(requests[0]).get('Action')).toBe('DescribeClusters');
      expect(new URLSearchParams(requests[0]).get('ClusterIdentifier')).toBe('cli-cluster');
    } finally {
      server.close();
    }
  });
});

describe('with the control planes mocked', () => {
  // Loaded here so the endpoint test above runs against the unmocked SDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { mockClient } = require('aws-sdk-client-mock') as typeof import('aws-sdk-client-mock');
  const rs = require('@aws-sdk/client-redshift') as typeof import('@aws-sdk/client-redshift');
  const iamSdk = require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam');
  /* eslint-enable @typescript-eslint/no-require-imports */
  let redshift: ReturnType<typeof mockClient>;
  let iam: ReturnType<typeof mockClient>;

  beforeAll(() => {
    redshift = mockClient(rs.RedshiftClient);
    iam = mockClient(iamSdk.IAMClient);
  });
  afterAll(() => {
    redshift.restore();
    iam.restore();
  });

  it('create --create-role makes the role (S3 read on the [S3] buckets), attaches it, waits with progress, and delete removes both', async () => {
    process.env.SPARKIFY_REDSHIFT_POLL_MS = '10';
    let exists = false;
    let deleting = false;
    let polls = 0;
    redshift.reset();
    iam.reset();
    redshift.on(rs.DescribeClustersCommand).callsFake(() => {
      if (!exists) throw new rs.ClusterNotFoundFault({ message: 'Cluster cli-cluster not found.', $metadata: {} });
      polls++;
      if (deleting && polls > 2) {
        exists = false;
        throw new rs.ClusterNotFoundFault({ message: 'gone', $metadata: {} });
      }
      return { Clusters: [{ ClusterIdentifier: 'cli-cluster', ClusterStatus: deleting ? 'deleting' : polls < 3 ? 'creating' : 'available', Endpoint: { Address: 'cli-cluster.x.us-west-2.redshift.amazonaws.com', Port: 5439 }, DBName: 'dwh', MasterUsername: 'dwhuser' }] };
    });
    redshift.on(rs.CreateClusterCommand).callsFake(() => {
      exists = true;
      return {};
    });
    redshift.on(rs.DeleteClusterCommand).callsFake(() => {
      deleting = true;
      polls = 0;
      return {};
    });
    let role: { Arn: string; Tags: Array<{ Key: string; Value: string }> } | undefined;
    iam.on(iamSdk.GetRoleCommand).callsFake(() => {
      if (!role) throw new iamSdk.NoSuchEntityException({ message: 'The role with name cliCopyRole cannot be found.', $metadata: {} });
      return { Role: { ...role, RoleName: 'cliCopyRole', Path: '/', RoleId: 'AROA1', CreateDate: new Date() } };
    });
    iam.on(iamSdk.CreateRoleCommand).callsFake(() => {
      role = { Arn: 'arn:aws:iam::123456789012:role/cliCopyRole', Tags: [{ Key: 'sparkify:managed', Value: 'true' }] };
      return { Role: { ...role, RoleName: 'cliCopyRole', Path: '/', RoleId: 'AROA1', CreateDate: new Date() } };
    });
    iam.on(iamSdk.PutRolePolicyCommand).resolves({});
    iam.on(iamSdk.DeleteRolePolicyCommand).resolves({});
    iam.on(iamSdk.DeleteRoleCommand).callsFake(() => {
      role = undefined;
      return {};
    });

    const created = await sparkify('cluster', 'create', '--config', config, '--create-role');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('cluster cli-cluster: available at cli-cluster.x.us-west-2.redshift.amazonaws.com:5439, database dwh, user dwhuser');
    expect(created.stderr).toMatch(/IAM role arn:aws:iam::123456789012:role\/cliCopyRole: created \(S3 read-only on sparkify-in, sparkify-songs\)/);
    expect(created.stderr).toMatch(/\d\d:\d\d:\d\d cluster cli-cluster: creating \(\d+ s\)\n\d\d:\d\d:\d\d cluster cli-cluster: available after \d+ s/);
    const request = redshift.commandCalls(rs.CreateClusterCommand)[0].args[0].input;
    expect(request).toMatchObject({ ClusterIdentifier: 'cli-cluster', ClusterType: 'single-node', NodeType: 'ra3.large', ManageMasterPassword: true, IamRoles: ['arn:aws:iam::123456789012:role/cliCopyRole'] });
    expect(request.NumberOfNodes).toBeUndefined();
    const policy = JSON.parse(iam.commandCalls(iamSdk.PutRolePolicyCommand)[0].args[0].input.PolicyDocument!);
    expect(policy.Statement).toEqual([
      { Sid: 'ListTheBuckets', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: ['arn:aws:s3:::sparkify-in', 'arn:aws:s3:::sparkify-songs'] },
      { Sid: 'ReadTheObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::sparkify-in/*', 'arn:aws:s3:::sparkify-songs/*'] },
    ]);
    expect(JSON.parse(iam.commandCalls(iamSdk.CreateRoleCommand)[0].args[0].input.AssumeRolePolicyDocument!).Statement[0].Principal).toEqual({ Service: 'redshift.amazonaws.com' });

    const deleted = await sparkify('cluster', 'delete', '--config', config, '--create-role', '--json');
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ clusterId: 'cli-cluster', removed: true, roleRemoved: true });
    expect(redshift.commandCalls(rs.DeleteClusterCommand)[0].args[0].input).toEqual({ ClusterIdentifier: 'cli-cluster', SkipFinalClusterSnapshot: true });
    expect(role).toBeUndefined();

    const again = await sparkify('cluster', 'delete', '--config', config);
    expect(again).toMatchObject({ code: 0, stdout: 'cluster cli-cluster: was already gone' });
  });

  it('an AccessDenied is one line with AWS\'s message and request id, exit code 1', async () => {
    redshift.reset();
    redshift.on(rs.DescribeClustersCommand).rejects(
      new rs.RedshiftServiceException({ name: 'AccessDenied', $fault: 'client', message: 'User is not authorized to perform: redshift:DescribeClusters', $metadata: { requestId: 'req-42', httpStatusCode: 403 } }),
    );
    const result = await sparkify('cluster', 'status', '--config', config);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('sparkify cluster: AwsAccessDenied: describing Redshift cluster cli-cluster: AccessDenied: User is not authorized to perform: redshift:DescribeClusters (AWS request id req-42)');
  });
});
