// `iot-audit report <args>` (the flags, without `report`) through the fast start only (src/cli/fast.ts), as bin/run.js runs
// it, from source: exit 99 with FAST-START-DECLINED on stderr when it leaves the arguments to oclif.
import { runFast } from '../../src/cli/fast.js';

const code = await runFast(process.argv.slice(2));
if (code === null) process.stderr.write('FAST-START-DECLINED\n');
process.exitCode = code ?? 99;
