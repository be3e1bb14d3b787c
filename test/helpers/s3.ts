/**
 * A real S3 HTTP server (s3rver) on 127.0.0.1 for a test file, with this process's S3 settings
 * pointed at it (AWS_ENDPOINT_URL_S3, s3rver's fixed credentials), and ways to fill buckets.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { configureS3 } from '../../src/sources/s3-client';

/** s3rver accepts only this access key id (it does not check the secret). */
export const S3RVER_KEY = 'S3RVER';

export interface S3ForTests {
  endpoint: string;
  port: number;
  client: S3Client;
  createBucket(bucket: string): Promise<void>;
  /** Uploads every file under `dir` to `bucket` at `prefix` + its relative path; returns the keys. */
  uploadDirectory(dir: string, bucket: string, prefix: string, only?: (relative: string) => boolean): Promise<string[]>;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
  stop(): Promise<void>;
}

function filesUnder(dir: string, relative = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(dir, child));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

export async function startS3ForTests(): Promise<S3ForTests> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', path.join(__dirname, 's3rver-main.js'), directory, process.env.S3RVER_VERBOSE ?? ''], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('s3rver did not start within 20 s')), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const saved = ['AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'].map((name) => [name, process.env[name]] as const);
  process.env.AWS_ENDPOINT_URL_S3 = endpoint;
  process.env.AWS_ACCESS_KEY_ID = S3RVER_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_KEY;
  process.env.AWS_REGION = 'us-east-1';
  configureS3({});
  const client = new S3Client({
    endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
  });
  const put = async (bucket: string, key: string, body: string | Buffer) => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  };
  return {
    endpoint,
    port,
    client,
    createBucket: async (bucket) => {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async uploadDirectory(dir, bucket, prefix, only = () => true) {
      const keys: string[] = [];
      const files = filesUnder(dir).filter(only);
      // A few uploads at a time: s3rver writes each to disk.
      for (let i = 0; i < files.length; i += 16) {
        await Promise.all(files.slice(i, i + 16).map(async (relative) => {
          await put(bucket, prefix + relative, fs.readFileSync(path.join(dir, relative)));
          keys.push(prefix + relative);
        }));
      }
      return keys.sort();
    },
    put,
    remove: async (bucket, key) => {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async stop() {
      client.destroy();
      configureS3({});
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
