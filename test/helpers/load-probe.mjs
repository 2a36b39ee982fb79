// `node --import test/helpers/load-probe.mjs bin/run.js ...`: on exit, says on stderr which of
// the slow-loading packages the run loaded: `LOADED @oclif/core`, `LOADED @aws-sdk` (any of
// its clients). Both are CommonJS as Node loads them, so they show in require's cache.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const WATCHED = ['@oclif/core', '@aws-sdk'];
process.on('exit', () => {
  const files = Object.keys(require.cache);
  for (const name of WATCHED) if (files.some((file) => file.includes(`/node_modules/${name}/`))) process.stderr.write(`LOADED ${name}\n`);
});
