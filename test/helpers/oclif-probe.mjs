// `node --import test/helpers/oclif-probe.mjs bin/run.js ...`: on exit, says on stderr whether
// the run loaded @oclif/core (a CommonJS package, so it shows in require's cache).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
process.on('exit', () => {
  if (Object.keys(require.cache).some((file) => file.includes('/@oclif/core/'))) process.stderr.write('OCLIF-LOADED\n');
});
