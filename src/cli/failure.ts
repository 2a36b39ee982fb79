/** A command's JSON on stdout, as every path prints it (the fast start, oclif's commands, the not-found hook): plain and indented. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * How every command reports a failure, with or without oclif around it: one line on stderr, or
 * under --json an error object on stdout (`json` prints it), and the documented exit code. The
 * stack only with IOT_AUDIT_DEBUG.
 */
export function writeFailure(error: unknown, described: { message: string; exitCode: number }, json: ((value: unknown) => void) | null): number {
  const { message, exitCode } = described;
  const e = error as Partial<Error> | undefined;
  if (process.env.IOT_AUDIT_DEBUG && typeof e?.stack === 'string') process.stderr.write(`${e.stack}\n`);
  if (json !== null) json({ error: { name: e?.name, message, exitCode } });
  else process.stderr.write(`Error: ${message}\n`);
  return exitCode;
}
