import { Flags } from '@oclif/core';

/** The period flags `report` and `verify` share (resolved by `resolvePeriod`). */
export const periodFlags = {
  period: Flags.string({ description: 'A calendar month, YYYY-MM, in --tz. Default: the previous calendar month.', exclusive: ['from', 'to'] }),
  from: Flags.string({ description: 'Start of the period (inclusive): an ISO date or date-time, read in --tz unless it has an offset.' }),
  to: Flags.string({ description: 'End of the period (EXCLUSIVE): an ISO date or date-time, read in --tz unless it has an offset. Default with --from: now.' }),
  tz: Flags.string({ description: 'IANA time zone deciding where the month and its days start and end.', default: 'UTC' }),
};

/** Which accounts and log regions to read. `--aws-region` is the API region, never this. */
export const scopeFlags = {
  account: Flags.string({ description: 'Only this account id (12 digits). Repeatable.', multiple: true }),
  region: Flags.string({ description: 'Only this region of the logs (a region code, e.g. eu-west-1). Repeatable.', multiple: true }),
};

/** What a usage line needs of a flag (oclif's flag definitions have it). */
interface UsageFlag {
  type: 'boolean' | 'option';
  required?: boolean;
  multiple?: boolean;
  options?: readonly string[];
  hidden?: boolean;
}

/** The period flags as they go: a month, or a range whose end (`--to`, default now) needs its start. */
export const PERIOD_USAGE = '[--period <value> | --from <value> [--to <value>]]';

/**
 * A command's usage line (`static usage`) as oclif writes it from `flags` (its docopt line: the
 * required flags first, then the others in their order, each in brackets; `json` first of those,
 * as oclif adds it), except for the period flags (`PERIOD_USAGE`): from `--period`'s `exclusive`,
 * oclif writes `[--period <value> | --from <value> | --to <value>]`, three alternatives, while
 * `--to` goes with `--from` (`resolvePeriod` refuses it alone). A test holds the rest to oclif's.
 */
export function usageWithPeriod(flags: Record<string, UsageFlag>, { json }: { json: boolean }): string {
  const jsonFlag: Record<string, UsageFlag> = json ? { json: { type: 'boolean' } } : {};
  const all = Object.entries({ ...jsonFlag, ...flags }).filter(([, flag]) => !flag.hidden);
  const element = (name: string, flag: UsageFlag): string => {
    if (name === 'period') return PERIOD_USAGE;
    const value = flag.type === 'option' ? ` ${flag.options ? flag.options.join('|') : '<value>'}${flag.multiple ? '...' : ''}` : '';
    return flag.required ? `--${name}${value}` : `[--${name}${value}]`;
  };
  const ordered = [...all.filter(([, flag]) => flag.required), ...all.filter(([, flag]) => !flag.required)];
  return ['<%= command.id %>', ...ordered.filter(([name]) => name !== 'from' && name !== 'to').map(([name, flag]) => element(name, flag))].join(' ');
}
