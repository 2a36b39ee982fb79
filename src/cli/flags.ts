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
