// Reads N objects of ~50 KB from the loopback S3 server (s3rver in its own process)
// through S3Store at several concurrencies, and prints objects/s with the CPU used by
// the server process and by this (client) process, to tell which side is the limit.
// With a latency, every request goes through the fault proxy in a process of its own
// (bench/latency-proxy.mjs), held that long, as S3 answers in tens of milliseconds.
//
//   node --import tsx bench/s3-read.mjs [objects=2000] [sizeKB=50] [concurrencies=1,8,32,64] [latencyMs=0]
//
// Not a test: the numbers depend on the machine and on what else runs on it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createS3Client, S3Store } from '../src/sources/s3.ts';
import { forEachLimit, s3ClientEnv, startS3Server } from '../test/helpers/s3-server.ts';

const count = Number(process.argv[2] ?? 2000);
const sizeKB = Number(process.argv[3] ?? 50);
const concurrencies = (process.argv[4] ?? '1,8,32,64').split(',').map(Number);
const latencyMs = Number(process.argv[5] ?? 0);
const BUCKET = 'bench-bucket';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** CPU seconds (user + system) used so far by process `pid`, from /proc. */
function processCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks / 100; // USER_HZ is 100 on Linux
}

function selfCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

const server = await startS3Server();
let proxy;
try {
  await server.createBucket(BUCKET);
  const keys = Array.from({ length: count }, (_, i) => {
    const day = String((i % 28) + 1).padStart(2, '0');
    return `AWSLogs/o-bench12345/111111111111/CloudTrail/us-east-1/2026/10/${day}/111111111111_CloudTrail_us-east-1_202610${day}T${String(i).padStart(5, '0')}Z.json.gz`;
  });
  const t0 = performance.now();
  await forEachLimit(keys, 16, (key) => server.putObject(BUCKET, key, randomBytes(sizeKB * 1024)));
  console.log(`uploaded ${count} x ${sizeKB} KB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  let endpoint = server.endpoint;
  if (latencyMs > 0) {
    proxy = spawn(process.execPath, ['--import', 'tsx', new URL('./latency-proxy.mjs', import.meta.url).pathname, server.endpoint, String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    endpoint = await new Promise((resolve) => proxy.stdout.once('data', (line) => resolve(String(line).trim())));
    console.log(`every request held ${latencyMs} ms by the proxy (its own process)`);
  }
  Object.assign(process.env, s3ClientEnv(endpoint));

  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`);
  console.log('concurrency | objects/s |  MB/s | wall s | server CPU % | client CPU %');
  for (const concurrency of concurrencies) {
    const store = new S3Store(`s3://${BUCKET}`, await createS3Client({ maxSockets: Math.max(concurrency, 8) }));
    // warm the connection pool and the server's caches with one listing
    const listed = [];
    for await (const o of store.listAll('AWSLogs/')) listed.push(o.key);
    if (listed.length !== count) throw new Error(`listed ${listed.length} of ${count}`);

    const server0 = processCpuSeconds(server.pid);
    const self0 = selfCpuSeconds();
    const start = performance.now();
    let bytes = 0;
    await forEachLimit(listed, concurrency, async (key) => {
      const body = await store.read(key);
      bytes += body.length;
    });
    const wall = (performance.now() - start) / 1000;
    const serverCpu = (processCpuSeconds(server.pid) - server0) / wall;
    const selfCpu = (selfCpuSeconds() - self0) / wall;
    console.log(
      `${String(concurrency).padStart(11)} | ${(count / wall).toFixed(0).padStart(9)} | ${(bytes / wall / 1e6).toFixed(1).padStart(5)} | ${wall.toFixed(2).padStart(6)} | ${(serverCpu * 100).toFixed(0).padStart(12)} | ${(selfCpu * 100).toFixed(0).padStart(12)}`,
    );
    if (store.stats.retries > 0) console.log(`  (${store.stats.retries} retries)`);
    store.client.destroy();
  }
} finally {
  proxy?.kill();
  await server.stop();
}
