// The fault proxy (test/helpers/fault-proxy.ts) in a process of its own, holding every request
// for the given latency, as S3 answers in tens of milliseconds: the benches' client does not
// share its CPU with the proxy. Prints the proxy's endpoint on its first line.
//
//   node --import tsx bench/latency-proxy.mjs <s3-endpoint> <latencyMs>
import { startFaultProxy } from '../test/helpers/fault-proxy.ts';

const proxy = await startFaultProxy(process.argv[2]);
proxy.addRule({ action: { kind: 'delay', ms: Number(process.argv[3]) } });
console.log(proxy.endpoint);
