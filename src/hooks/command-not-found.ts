import type { Hook } from '@oclif/core';
import { EXIT } from '../errors.js';
import { printJson, writeFailure } from '../cli/failure.js';

/**
 * A word oclif does not know as a command: `iot-audit reprot`, or a value given where a flag
 * was meant (`iot-audit report fixtures/org-trail`: oclif reads `report:fixtures/org-trail`).
 * One line that says what to do and exit 2, as every usage error, under --json an error object
 * on stdout; oclif's own text named "report:fixtures/org-trail" and ignored --json.
 */
const commandNotFound: Hook.CommandNotFound = async function (options) {
  const commands = options.config.commands.filter((c) => !c.hidden).map((c) => c.id).sort();
  // The words as typed, up to the first flag: oclif joins them with `:`, which a value can hold (s3://bucket).
  const typed = process.argv.slice(2);
  const firstFlag = typed.findIndex((word) => word.startsWith('-'));
  const [first, ...rest] = firstFlag === -1 ? typed : typed.slice(0, firstFlag);
  const message =
    first !== undefined && rest.length > 0 && commands.includes(first)
      ? `${first} takes no argument "${rest.join(' ')}": every value goes with its flag (e.g. --source ${rest.join(' ')}); see iot-audit ${first} --help`
      : `unknown command "${first ?? options.id}": the commands are ${commands.join(', ')}; see iot-audit --help`;
  const json = (options.argv ?? []).includes('--json') ? printJson : null;
  process.exitCode = writeFailure({ name: 'UsageError' }, { message, exitCode: EXIT.USAGE }, json);
};

export default commandNotFound;
