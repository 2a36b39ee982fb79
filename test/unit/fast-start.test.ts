import path from 'node:path';
import { Config } from '@oclif/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FLAG_RULES, parseReportArgs, type FlagRule } from '../../src/cli/fast.js';
import Report from '../../src/commands/report.js';

const root = path.resolve(import.meta.dirname, '../..');

/** oclif's own parse of `report`'s arguments, as the command runs it (json flag included). */
class ParseOnly extends Report {
  override async run(): Promise<unknown> {
    return (await this.parse(ParseOnly)).flags;
  }
}

let config: Config;
beforeAll(async () => {
  config = await Config.load(root);
});

async function oclifParse(argv: string[]): Promise<Record<string, unknown> | Error> {
  try {
    return (await new ParseOnly(argv, config).run()) as Record<string, unknown>;
  } catch (error) {
    return error as Error;
  }
}

/** Drops keys whose value is undefined (oclif and the fast parser may or may not list them). */
function defined(flags: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
}

describe('the fast start parses report flags exactly as oclif does', () => {
  it('its flag table is the command’s: every flag, type, default, bound, option and negation', () => {
    const defs = { json: { type: 'boolean' }, ...Report.flags } as Record<string, Record<string, unknown>>;
    expect(Object.keys(REPORT_FLAG_RULES).sort()).toEqual(Object.keys(defs).sort());
    for (const [name, def] of Object.entries(defs)) {
      const rule: FlagRule = REPORT_FLAG_RULES[name]!;
      const isInteger = def.min !== undefined || def.max !== undefined;
      expect({ name, ...rule }).toEqual({
        name,
        type: def.type === 'boolean' ? 'boolean' : 'string',
        ...(def.multiple ? { multiple: true } : {}),
        ...(def.required ? { required: true } : {}),
        ...(def.default !== undefined ? { default: def.default } : {}),
        ...(isInteger ? { integer: { min: def.min, max: def.max } } : {}),
        ...(def.options !== undefined ? { options: def.options } : {}),
        ...(def.allowNo ? { allowNo: true } : {}),
        ...(def.exclusive !== undefined ? { exclusive: def.exclusive } : {}),
      });
      // No flag has a short form or reads the environment: the fast parser knows neither.
      expect(def.char).toBeUndefined();
      expect(def.env).toBeUndefined();
    }
  });

  const src = ['--source', 'logs'];
  const taken: string[][] = [
    src,
    [...src, '--period', '2026-10'],
    ['--source', 'a', '--source', 's3://b/p', '--account', '111122223333', '--account', '444455556666', '--region', 'eu-west-1'],
    [...src, '--no-organization', '--json'],
    [...src, '--organization', '--account-tags'],
    [...src, '--from', '2026-10-01', '--to', '2026-10-08T12:00:00+02:00', '--tz', 'Europe/Paris'],
    [...src, '--late-days', '0', '--threads', '0', '--concurrency', '512'],
    [...src, '--late-days', '14', '--threads', '64', '--concurrency', '1'],
    [...src, '--late-days=007'],
    [...src, '--format=json,html', '--out=./weekly', '--paper', 'letter', '--fail-on', 'critical'],
    [...src, '--verify', '--public-keys', 'keys.json', '--signatures', 'sigs.txt'],
    [...src, '--template', 't', '--browser', '/usr/bin/chromium', '--profile', 'audit', '--aws-region', 'us-east-1', '--config', 'c.yaml'],
    [...src, '--compare', 'prev.json', '--generated-at', '2026-11-01T06:00:00Z', '--accounts-file', 'accounts.json'],
    ['--source', 'athena://db.t', '--athena-workgroup', 'w', '--athena-output', 's3://o/', '--athena-catalog', 'c'],
    ['--source', 'athena://db.t', '--athena-partition-account', 'a', '--athena-partition-region', 'r', '--athena-partition-day', 'd'],
    [...src, '--out', 'with space/and "quotes"', '--source', 'ünïcode'],
  ];

  it.each(taken.map((argv) => [argv.join(' '), argv]))('%s', async (_name, argv) => {
    const fast = parseReportArgs(argv, {});
    const oclif = await oclifParse(argv);
    expect(oclif).not.toBeInstanceOf(Error);
    expect(fast).not.toBeNull();
    expect(defined(fast!)).toEqual(defined(oclif as object));
  });

  const declined: [string, string[], NodeJS.ProcessEnv?][] = [
    ['no --source', ['--period', '2026-10']],
    ['--period with --from', [...src, '--period', '2026-10', '--from', '2026-10-01']],
    ['--late-days over its bound', [...src, '--late-days', '15']],
    ['a negative --late-days', [...src, '--late-days', '-1']],
    ['a fractional --threads', [...src, '--threads', '1.5']],
    ['a word for --concurrency', [...src, '--concurrency', 'many']],
    ['a paper size that does not exist', [...src, '--paper', 'a3']],
    ['an unknown severity', [...src, '--fail-on', 'urgent']],
    ['a flag given twice', [...src, '--out', 'a', '--out', 'b']],
    ['--organization and --no-organization', [...src, '--organization', '--no-organization']],
    ['an unknown flag', [...src, '--colour']],
    ['--help', [...src, '--help']],
    ['-h', ['-h']],
    ['a positional argument', [...src, 'extra']],
    ['--', [...src, '--', '--json']],
    ['an empty value', [...src, '--out', '']],
    ['a value that looks like a flag', [...src, '--out=-x']],
    ['a value for a boolean', [...src, '--verify=true']],
    ['a flag without its value', ['--source']],
    ['JSON asked for by the environment', src, { IOT_AUDIT_CONTENT_TYPE: 'json' }],
  ];

  it.each(declined)('leaves to oclif: %s', (_name, argv, env) => {
    expect(parseReportArgs(argv, env ?? {})).toBeNull();
  });

  it('what it leaves to oclif is what oclif refuses (and words), or takes by rules of its own', async () => {
    const refused = await Promise.all(declined.filter(([, , env]) => env === undefined).map(async ([name, argv]) => [name, (await oclifParse(argv)) instanceof Error] as const));
    // oclif takes these its own way (the last of the pair; `--source logs extra` as two sources,
    // a multiple flag being greedy; the values as given): oclif runs them, not a copy of its rules.
    expect(refused.filter(([, isError]) => !isError).map(([name]) => name)).toEqual([
      '--organization and --no-organization',
      'a positional argument',
      'an empty value',
      'a value that looks like a flag',
      'a value for a boolean',
    ]);
  });
});
