/**
 * `report --help`'s usage line offered `--period`, `--from` and `--to` as three alternatives
 * (`[--period <value> | --from <value> | --to <value>]`, oclif's line from `--period`'s `exclusive`),
 * while `--to` goes with `--from`. The command's own line says so, and is otherwise oclif's.
 */
import path from 'node:path';
import { CommandHelp, Config } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { PERIOD_USAGE } from '../../src/cli/flags.js';
import Report from '../../src/commands/report.js';

const root = path.resolve(import.meta.dirname, '../..');
const OCLIF_PERIOD = '[--period <value> | --from <value> | --to <value>]';

describe("report's usage line", () => {
  it('is the line oclif would write, with the period flags as they go', async () => {
    const config = await Config.load(root);
    const command = config.findCommand('report')!;
    // oclif's docopt line from the flags (what it shows without `usage`).
    const docopts = (new CommandHelp(command, config, { maxWidth: 80, stripAnsi: true }) as unknown as { defaultUsage(): string }).defaultUsage();
    expect(docopts).toContain(OCLIF_PERIOD);
    expect(Report.usage).toBe(docopts.replace(OCLIF_PERIOD, PERIOD_USAGE));
    expect(PERIOD_USAGE).toBe('[--period <value> | --from <value> [--to <value>]]');
    // What help shows: the command's line, from the manifest as from the class.
    expect(command.usage).toBe(Report.usage);
  });
});
