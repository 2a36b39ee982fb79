import { Command, Errors } from '@oclif/core';
import { CliError, EXIT, oneLine } from '../errors.js';

/** What a failed command tells the user: one line, and the exit code of the README's table. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  // oclif's own flag-parsing errors: a usage error.
  if (error instanceof Errors.CLIError && 'parse' in error) {
    // oclif words these over several lines ("The following error occurred:", the detail, "See more help..."): keep the detail.
    const lines = error.message
      .split('\n')
      // eslint-disable-next-line no-control-regex -- oclif colours its messages
      .map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').trim())
      .filter((l) => l !== '' && !/^See more help with --help/.test(l) && !/^The following errors? occurred:$/.test(l));
    return { message: `${lines.join('; ')} (see --help)`, exitCode: EXIT.USAGE };
  }
  if (error instanceof Errors.CLIError) return { message: oneLine(error), exitCode: error.oclif?.exit ?? EXIT.INTERNAL };
  return { message: `internal error: ${oneLine(error)} (please report this with the command you ran)`, exitCode: EXIT.INTERNAL };
}

/**
 * Every command's error handling: a one-line message on stderr (or a JSON error
 * object with --json) and the documented exit code, never a stack trace or the
 * parse context (oclif's default catch ignores custom exit codes under --json).
 */
export abstract class BaseCommand extends Command {
  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error;
    const { message, exitCode } = describeFailure(error);
    if (process.env.IOT_AUDIT_DEBUG && error.stack) process.stderr.write(`${error.stack}\n`);
    if (this.jsonEnabled()) {
      this.logJson({ error: { name: error.name, message, exitCode } });
    } else {
      process.stderr.write(`Error: ${message}\n`);
    }
    process.exitCode = exitCode;
    throw new Errors.ExitError(exitCode);
  }

  protected override toErrorJson(error: unknown): unknown {
    const { message, exitCode } = describeFailure(error);
    return { error: { message, exitCode } };
  }
}
