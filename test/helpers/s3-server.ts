import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * A real S3-protocol server (s3rver, patched by `patches/s3rver+3.7.1.patch`) on
 * 127.0.0.1 with a random port, in its own process: its CPU is then measurable apart
 * from the client's, and a test's event loop cannot slow it down.
 */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the server (to measure its CPU). */
  readonly pid: number;
  /** The folder holding the buckets. */
  readonly dir: string;
  /** A client for setting up fixtures: path style, the server's credentials. */
  readonly client: S3Client;
  createBucket(bucket: string): Promise<void>;
  putObject(bucket: string, key: string, body: Buffer | string, metadata?: Record<string, string>): Promise<void>;
  /**
   * Uploads every file below `localDir` as `<prefix><relative path with />`; creates the
   * bucket if needed. `metadataFor(key, file)` gives each object's user metadata.
   * Returns the keys written, sorted.
   */
  uploadTree(
    bucket: string,
    localDir: string,
    prefix?: string,
    metadataFor?: (key: string, file: string) => Record<string, string> | undefined,
  ): Promise<string[]>;
  stop(): Promise<void>;
}

/** The only credentials s3rver knows (its dummy account); it does not check SigV4 signatures. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Environment for a client built by the SDK's own settings to reach `endpoint`. */
export function s3ClientEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
}

// Runs in the child: prints the bound port, exits when the parent closes stdin (or dies).
const CHILD_SOURCE = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: process.env.S3RVER_DIR,
});
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (error) => { console.error(error); process.exit(1); },
);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function startS3Server(options: { dir?: string } = {}): Promise<S3TestServer> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 's3rver-')));
  const s3rverModule = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(process.execPath, ['-e', CHILD_SOURCE], {
    env: { ...process.env, S3RVER_MODULE: s3rverModule, S3RVER_DIR: dir, NODE_OPTIONS: '' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let port: number;
  try {
    port = await readPort(child);
  } catch (error) {
    child.kill('SIGKILL');
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const buckets = new Set<string>();

  const createBucket = async (bucket: string): Promise<void> => {
    if (buckets.has(bucket)) return;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    buckets.add(bucket);
  };
  const putObject = async (bucket: string, key: string, body: Buffer | string, metadata?: Record<string, string>) => {
    const ContentLength = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength, Metadata: metadata }));
  };

  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    dir,
    client,
    createBucket,
    putObject,
    async uploadTree(bucket, localDir, prefix = '', metadataFor) {
      await createBucket(bucket);
      const files = await listFiles(localDir);
      const keys: string[] = [];
      await forEachLimit(files, 16, async (file) => {
        const key = prefix + path.relative(localDir, file).split(path.sep).join('/');
        await putObject(bucket, key, await readFile(file), metadataFor?.(key, file));
        keys.push(key);
      });
      return keys.sort();
    },
    async stop() {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('s3rver did not start within 20 s')), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        const port = Number((JSON.parse(line) as { port: unknown }).port);
        if (Number.isInteger(port) && port > 0) resolve(port);
        else reject(new Error(`s3rver printed no port: ${line}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited before listening (code ${code}, signal ${signal})`));
    });
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
