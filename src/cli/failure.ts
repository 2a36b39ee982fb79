import { EXIT, Interrupted } from '../errors.js';
import { printable } from '../unicode.js';

/** A command's JSON on stdout, as every path prints it (the fast start, oclif's commands, the not-found hook): plain and indented. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * How every command reports a failure, with or without oclif around it: one line on stderr, or
 * under --json an error object on stdout (`json` prints it), and the documented exit code. The
 * stack only with IOT_AUDIT_DEBUG. A message names files, keys and values as they are: the line
 * shows them escaped (`printable`), the JSON as JSON escapes them.
 */
export function writeFailure(error: unknown, described: { message: string; exitCode: number }, json: ((value: unknown) => void) | null): number {
  const { message, exitCode } = described;
  const e = error as Partial<Error> | undefined;
  // The stack repeats the message: escaped line by line, its own lines kept.
  if (process.env.IOT_AUDIT_DEBUG && typeof e?.stack === 'string') process.stderr.write(`${e.stack.split('\n').map(printable).join('\n')}\n`);
  if (json !== null) json({ error: { name: e?.name, message, exitCode } });
  else process.stderr.write(`Error: ${printable(message)}\n`);
  return exitCode;
}

/** The signals that interrupt a command (exit 130). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Ends a command a signal interrupted: exit 130, with nothing more than the shell's ^C, or under
 * --json the error object a job reading stdout parses (given nothing, its parser fails on its own).
 * `what` says what did not happen ("no report was written").
 */
export function exitInterrupted(signal: NodeJS.Signals, json: boolean, what: string): never {
  if (json) printJson({ error: { name: Interrupted.name, message: `interrupted (${signal}): ${what}`, exitCode: EXIT.INTERRUPTED } });
  process.exit(EXIT.INTERRUPTED);
}
