// How a month of an organization trail is listed from S3: each trail folder's month in key
// order (`listAfter`, one request per 1,000 objects) against a delimiter listing per day folder
// (the way before 2026-11-25, which the local store still uses). A tree of quiet regions (a few
// files a day, as most of an organization's regions are) goes on the loopback S3 server
// (s3rver in its own process) behind the fault proxy (bench/latency-proxy.mjs, in a process of
// its own), which holds every request for the given latency, as S3 answers in tens of
// milliseconds. Both ways read the same objects through `collect` (the report's read, inline
// parser), alternating, in the same run.
//
//   node --import tsx bench/s3-list.mjs [accounts=20] [regions=4] [filesPerDay=2] [latencyMs=20] [runs=3]
//
// Not a test: the numbers depend on the machine and on what else runs on it.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { collect } from '../src/collect/run.ts';
import { resolvePeriod } from '../src/collect/period.ts';
import { createS3Client, S3Store } from '../src/sources/s3.ts';
import { forEachLimit, s3ClientEnv, startS3Server } from '../test/helpers/s3-server.ts';

const [accounts, regions, filesPerDay, latencyMs, runs] = [20, 4, 2, 20, 3].map((d, i) => Number(process.argv[2 + i] ?? d));
const BUCKET = 'bench-list';
const ORG = 'o-bench12345';
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'us-west-2', 'ap-northeast-1', 'sa-east-1', 'ca-central-1'];
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** The same bucket listed day folder by day folder: a store without `listAfter`. */
class DayByDay extends S3Store {
  listAfter = undefined;
}

const server = await startS3Server();
let proxy;
try {
  await server.createBucket(BUCKET);
  const body = gzipSync(JSON.stringify({ Records: [{ eventVersion: '1.09', eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: '2026-10-05T10:00:00Z' }] }));
  const keys = [];
  // October and the late 1st of November, plus September's last day (not read).
  const days = ['2026/09/30', ...Array.from({ length: 31 }, (_, i) => `2026/10/${String(i + 1).padStart(2, '0')}`), '2026/11/01'];
  for (let a = 0; a < accounts; a++) {
    const account = String(100000000000 + a);
    for (const region of REGIONS.slice(0, regions)) {
      for (const day of days) {
        for (let n = 0; n < filesPerDay; n++) {
          keys.push(`AWSLogs/${ORG}/${account}/CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${day.replaceAll('/', '')}T${String(n).padStart(2, '0')}05Z_Bench${n}.json.gz`);
        }
      }
    }
  }
  const t0 = performance.now();
  await forEachLimit(keys, 16, (key) => server.putObject(BUCKET, key, body));
  console.log(`uploaded ${keys.length} objects (${accounts} accounts x ${regions} regions x ${days.length} days x ${filesPerDay}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  proxy = spawn(process.execPath, ['--import', 'tsx', new URL('./latency-proxy.mjs', import.meta.url).pathname, server.endpoint, String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise((resolve) => proxy.stdout.once('data', (line) => resolve(String(line).trim())));
  Object.assign(process.env, s3ClientEnv(endpoint));
  console.log(`machine: ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg()[0].toFixed(2)}; every request held ${latencyMs} ms`);

  const period = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));
  const results = { 'month in key order': [], 'day by day': [] };
  for (let run = 0; run < runs; run++) {
    for (const [label, Store] of run % 2 === 0 ? [['month in key order', S3Store], ['day by day', DayByDay]] : [['day by day', DayByDay], ['month in key order', S3Store]]) {
      const store = new Store(`s3://${BUCKET}`, await createS3Client({ maxSockets: 32 }));
      const start = performance.now();
      const result = await collect({ stores: [store], period, lateDays: 1, concurrency: 32 });
      const wall = (performance.now() - start) / 1000;
      const lists = store.stats.list;
      results[label].push({ wall, lists, gets: store.stats.get, files: result.stats.filesRead });
      store.client.destroy();
    }
  }
  console.log('listing            | files read | list requests | get requests | wall s (each run)');
  for (const [label, rows] of Object.entries(results)) {
    const r = rows[0];
    console.log(`${label.padEnd(18)} | ${String(r.files).padStart(10)} | ${String(r.lists).padStart(13)} | ${String(r.gets).padStart(12)} | ${rows.map((x) => x.wall.toFixed(2)).join(' / ')}`);
  }
} finally {
  proxy?.kill();
  await server.stop();
}
