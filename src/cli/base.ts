import { Command, Errors } from '@oclif/core';
import { EXIT, describeError, oneLine } from '../errors.js';
import { ignoreClosedPipe } from './closed-pipe.js';
import { printJson, writeFailure } from './failure.js';

/** oclif colours its messages. */
function stripColours(text: string): string {
  // eslint-disable-next-line no-control-regex -- the escape sequences themselves
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** What a failed command tells the user: one line, and the exit code of the README's table. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  // oclif's own flag-parsing errors: a usage error.
  if (error instanceof Errors.CLIError && 'parse' in error) {
    // oclif words these over several lines ("The following error occurred:", the detail, "See more help..."): keep the detail.
    const lines = stripColours(error.message)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^See more help with --help/.test(l) && !/^The following errors? occurred:$/.test(l));
    return { message: `${lines.join('; ')} (see --help)`, exitCode: EXIT.USAGE };
  }
  // A flag value its parser refused (an integer out of range...): oclif words it "Parsing --flag", the detail, "See more help with --help".
  const refused = error instanceof Error ? /^Parsing (--[\w-]+)\s*\n([\s\S]*?)\n?See more help with --help\s*$/.exec(stripColours(error.message)) : null;
  if (refused) return { message: `${refused[1]}: ${oneLine(refused[2])} (see --help)`, exitCode: EXIT.USAGE };
  if (error instanceof Errors.CLIError) return { message: oneLine(error), exitCode: error.oclif?.exit ?? EXIT.INTERNAL };
  return describeError(error);
}

/**
 * Every command's error handling: a one-line message on stderr (or a JSON error
 * object with --json) and the documented exit code, never a stack trace or the
 * parse context (oclif's default catch ignores custom exit codes under --json).
 */
export abstract class BaseCommand extends Command {
  // A reader that stops early closes stdout or stderr: the run goes on (`ignoreClosedPipe`), as through the fast start.
  public override async init(): Promise<void> {
    ignoreClosedPipe(process.stdout);
    ignoreClosedPipe(process.stderr);
    await super.init();
  }

  // The JSON as the fast start prints it: plain, whatever oclif theme the user has (a theme colours oclif's).
  protected override logJson(json: unknown): void {
    printJson(json);
  }
  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error;
    const exitCode = writeFailure(error, describeFailure(error), this.jsonEnabled() ? (value) => this.logJson(value) : null);
    process.exitCode = exitCode;
    throw new Errors.ExitError(exitCode);
  }

  protected override toErrorJson(error: unknown): unknown {
    const { message, exitCode } = describeFailure(error);
    return { error: { message, exitCode } };
  }
}
