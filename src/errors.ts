/**
 * Exit codes (documented in the README) and the errors that carry them.
 * A CliError's message is one line that says what is wrong and what to do.
 */
export const EXIT = {
  /** Report written (or check passed). */
  OK: 0,
  /** A gate failed: findings at or above --fail-on, or `verify` found a problem. */
  GATE: 1,
  /** Bad flags, time zone, period, accounts file, config or template. */
  USAGE: 2,
  /** Nothing could be read from the sources (no bucket, no credentials, expired session). */
  SOURCE: 3,
  /** The report could not be rendered (no browser, PDF failure). */
  RENDER: 4,
  /** The output folder could not be written. */
  OUTPUT: 5,
  /** A bug: please report it. */
  INTERNAL: 70,
  /** Interrupted by Ctrl-C. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

export class SourceError extends CliError {
  constructor(message: string) {
    super(message, EXIT.SOURCE);
  }
}

export class RenderError extends CliError {
  constructor(message: string) {
    super(message, EXIT.RENDER);
  }
}

export class OutputError extends CliError {
  constructor(message: string) {
    super(message, EXIT.OUTPUT);
  }
}

/** Ctrl-C or SIGTERM (exit 130); under --json its name is the error object's, as every path gives it. */
export class Interrupted extends CliError {
  constructor(message: string) {
    super(message, EXIT.INTERRUPTED);
  }
}

/** The message of anything thrown, on one line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** What a failure tells the user: its one line, and the exit code of the README's table (oclif's own errors: `describeFailure`). */
export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  return { message: `internal error: ${oneLine(error)} (please report this with the command you ran)`, exitCode: EXIT.INTERNAL };
}
