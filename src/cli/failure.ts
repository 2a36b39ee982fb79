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

/** A command's handling of Ctrl-C and SIGTERM (`catchStopSignals`). */
export interface StopSignals {
  /** What a signal does from now on (the run's state decides: a query to stop, a report already written). */
  handle(onSignal: (signal: NodeJS.Signals) => void): void;
  /** Removes the handling: a signal then has its default action again. */
  remove(): void;
}

/**
 * Catches Ctrl-C and SIGTERM for a command, `onSignal` handling them until told otherwise
 * (`handle`). Installed first thing in the command, before its modules load (~150-200 ms): a
 * signal not handled ends the process with its default action, exit 143 and no JSON error object.
 */
export function catchStopSignals(onSignal: (signal: NodeJS.Signals) => void): StopSignals {
  let current = onSignal;
  const listener = (signal: NodeJS.Signals) => current(signal);
  for (const signal of STOP_SIGNALS) process.on(signal, listener);
  return {
    handle: (next) => {
      current = next;
    },
    remove: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, listener);
    },
  };
}

/**
 * `report`'s Ctrl-C and SIGTERM, caught first thing, before its modules load: exit 130 (under
 * --json with the error object), no report written. `runReportCli` then says what they do as the run goes on.
 */
export function catchReportSignals(json: boolean): StopSignals {
  return catchStopSignals((signal) => exitInterrupted(signal, json, 'no report was written'));
}
