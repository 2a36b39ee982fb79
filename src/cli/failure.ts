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

/** What an early signal stops, by command (the `what` of `exitInterrupted`): the commands whose signals are caught. */
export const INTERRUPTED: Readonly<Record<'report' | 'verify', string>> = {
  report: 'no report was written',
  verify: 'the check did not finish',
};

/** The handling `catchStopSignalsWhileLoading` installed, until the command's own takes over. */
let whileLoading: StopSignals | null = null;

/**
 * Catches Ctrl-C and SIGTERM for a command, `onSignal` handling them until told otherwise
 * (`handle`). Installed first thing in the command, before its modules load (~150-200 ms): a
 * signal not handled ends the process with its default action, exit 143 and no JSON error object.
 * It takes over from `catchStopSignalsWhileLoading`'s handling, when bin/run.js installed it.
 */
export function catchStopSignals(onSignal: (signal: NodeJS.Signals) => void): StopSignals {
  whileLoading?.remove();
  whileLoading = null;
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
  return catchStopSignals((signal) => exitInterrupted(signal, json, INTERRUPTED.report));
}

/**
 * Whether oclif will run a command with --json (`Command.jsonEnabled`, for a command that has the
 * flag): `--json` among its arguments before any `--`, or IOT_AUDIT_CONTENT_TYPE=json.
 */
export function jsonRequested(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.IOT_AUDIT_CONTENT_TYPE?.toLowerCase() === 'json') return true;
  const json = argv.indexOf('--json');
  const end = argv.indexOf('--');
  return json !== -1 && (end === -1 || json < end);
}

/**
 * Ctrl-C and SIGTERM while oclif loads, before the command's run() catches them (`catchStopSignals`,
 * which takes over): loading @oclif/core, its configuration, plugins and the command is ~200 ms in
 * which a signal had its default action (exit 143, no JSON error object). bin/run.js installs this
 * first thing for `verify`, and for `report` when it goes through oclif: exit 130, under --json with
 * the error object, as a signal once the command runs. `argv`: the arguments after the command's name.
 */
export function catchStopSignalsWhileLoading(command: keyof typeof INTERRUPTED, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const json = jsonRequested(argv, env);
  // Installed as a command's (replacing an earlier one), then marked: the command's own call removes it.
  whileLoading = catchStopSignals((signal) => exitInterrupted(signal, json, INTERRUPTED[command]));
}
