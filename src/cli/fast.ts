/**
 * `iot-audit report` without oclif: loading @oclif/core, its configuration and plugins is
 * ~90 ms of every report's start-up, about 40% of it (Node 20: 0.19-0.24 s to the first
 * log file with oclif, 0.12-0.13 s without). bin/run.js comes here first for `report`; the
 * command lines this parser takes exactly as oclif would run here, and everything else (help,
 * any mistake, an unknown flag, a flag given twice, `--`, …) goes to oclif, which answers as
 * it always has. A test holds this parser to oclif's over many command lines and the flag
 * table below to the command's flags.
 */
import { createRequire } from 'node:module';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeError } from '../errors.js';
import { catchReportSignals, printJson, writeFailure } from './failure.js';
import { ignoreClosedPipe } from './closed-pipe.js';
import type { ReportFlags } from './report-run.js';

/** One flag of `report` as oclif defines it, in what parsing needs. */
export interface FlagRule {
  type: 'string' | 'boolean';
  multiple?: true;
  required?: true;
  default?: string | number | boolean;
  /** An integer flag and its bounds. */
  integer?: { min: number; max: number };
  options?: readonly string[];
  /** `--no-<name>` sets it to false. */
  allowNo?: true;
  /** Flags it cannot be given with. */
  exclusive?: readonly string[];
}

const text: FlagRule = { type: 'string' };
const list: FlagRule = { type: 'string', multiple: true };

/** `report`'s flags (src/commands/report.ts, src/cli/flags.ts, oclif's --json); a test compares the two. */
export const REPORT_FLAG_RULES: Record<string, FlagRule> = {
  period: { type: 'string', exclusive: ['from', 'to'] },
  from: text,
  to: text,
  tz: { type: 'string', default: 'UTC' },
  account: list,
  region: list,
  source: { type: 'string', multiple: true, required: true },
  'late-days': { type: 'string', integer: { min: 0, max: 14 }, default: 1 },
  'accounts-file': text,
  organization: { type: 'boolean', allowNo: true },
  'account-tags': { type: 'boolean', default: false },
  format: { type: 'string', default: 'html,pdf,json,csv' },
  out: { type: 'string', default: './reports' },
  template: text,
  paper: { type: 'string', options: ['a4', 'letter'], default: 'a4' },
  'pdf-tagged': { type: 'boolean', default: false },
  browser: text,
  profile: text,
  'aws-region': text,
  concurrency: { type: 'string', integer: { min: 1, max: 512 } },
  threads: { type: 'string', integer: { min: 0, max: 64 } },
  verify: { type: 'boolean', default: false },
  'public-keys': text,
  signatures: text,
  'athena-workgroup': text,
  'athena-output': text,
  'athena-catalog': text,
  'athena-partition-account': text,
  'athena-partition-region': text,
  'athena-partition-day': text,
  config: text,
  'fail-on': { type: 'string', options: ['info', 'low', 'medium', 'high', 'critical'] },
  compare: text,
  'generated-at': text,
  json: { type: 'boolean' },
};

const PARSE_OPTIONS: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
  Object.entries(REPORT_FLAG_RULES).flatMap(([name, rule]) => [
    [name, { type: rule.type, ...(rule.multiple ? { multiple: true } : {}) }],
    ...(rule.allowNo ? [[`no-${name}`, { type: 'boolean' as const }]] : []),
  ]),
);

/**
 * `report`'s flags from its arguments (after `report`), as oclif would parse them; null for
 * anything this parser leaves to oclif.
 */
export function parseReportArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ReportFlags | null {
  // oclif reads --json from the environment too; `--` ends its flags.
  if (env.IOT_AUDIT_CONTENT_TYPE !== undefined || argv.includes('--')) return null;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: PARSE_OPTIONS, strict: true, allowPositionals: false, tokens: true });
  } catch {
    return null;
  }
  const seen = new Map<string, number>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    // A value oclif might read as a flag, or no value at all: oclif decides.
    if (token.value !== undefined && (token.value === '' || token.value.startsWith('-'))) return null;
    const name = token.name.startsWith('no-') && token.name.slice(3) in REPORT_FLAG_RULES ? token.name.slice(3) : token.name;
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const flags: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(REPORT_FLAG_RULES)) {
    const count = seen.get(name) ?? 0;
    if (count === 0) {
      if (rule.required) return null;
      if (rule.default !== undefined) flags[name] = rule.default;
      continue;
    }
    if (count > 1 && !rule.multiple) return null;
    if (rule.exclusive?.some((other) => seen.has(other))) return null;
    const value = rule.allowNo && values[`no-${name}`] === true ? false : values[name];
    if (rule.integer !== undefined) {
      if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) return null;
      const n = Number.parseInt(value, 10);
      if (n < rule.integer.min || n > rule.integer.max) return null;
      flags[name] = n;
    } else if (rule.options !== undefined) {
      if (typeof value !== 'string' || !rule.options.includes(value)) return null;
      flags[name] = value;
    } else {
      flags[name] = value;
    }
  }
  return flags as ReportFlags;
}

/** The version in package.json (src/cli and dist/cli are both two folders below it). */
function toolVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/**
 * Runs `report` with `argv` (its arguments) as oclif would: its lines, the --json result or
 * error object, the exit code (returned). Null when the arguments are left to oclif; nothing
 * has been written then.
 */
export async function runFast(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  const flags = parseReportArgs(argv, env);
  if (flags === null) return null;
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  const json = flags.json === true;
  // Before the report's modules load (report-run's own imports included): see `catchStopSignals`.
  const signals = catchReportSignals(json);
  try {
    const { runReportCli } = await import('./report-run.js');
    // Before anything is read (exit 2): the scan kernel and gunzip the workers are told to use.
    await (await import('../collect/pool.js')).checkParseSwitches(env);
    const result = await runReportCli(flags, {
      version: toolVersion(),
      json,
      log: (line) => (json ? undefined : process.stdout.write(`${line}\n`)),
      warn: (line) => (json ? undefined : process.stderr.write(`${line}\n`)),
      signals,
    });
    if (json) printJson(result.json);
    return result.exitCode;
  } catch (error) {
    return writeFailure(error, describeError(error), json ? printJson : null);
  } finally {
    signals.remove();
  }
}
