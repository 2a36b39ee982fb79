import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { loadConfig } from '../config/load.js';
import { listRules, type RuleListing } from '../analysis/rules/catalog.js';

export default class Rules extends BaseCommand {
  static override summary = 'List the findings rules: ids, severities, the Device Defender checks they mirror, and their parameters.';

  static override description = `Shows every rule as the configuration sets it up (--config, else iot-audit.config.json, .yaml or .yml in the working directory when present): enabled or not, severity, and parameters. Parameters that differ from the rule's defaults are marked with *.
Settings go under rules.<id> in the configuration file; see schemas/config.schema.json.`;

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --config audit.yaml --json'];

  static override enableJsonFlag = true;

  static override flags = {
    config: Flags.string({
      summary: 'Configuration file (default: iot-audit.config.json, .yaml or .yml in the working directory, when present).',
      helpValue: 'FILE',
    }),
  };

  async run(): Promise<{ configFile: string | null; rules: RuleListing[] }> {
    const { flags } = await this.parse(Rules);
    const config = await loadConfig(flags.config, process.cwd());
    const rules = listRules(config);
    this.log(formatRules(rules, config.file));
    return { configFile: config.file, rules };
  }
}

function formatValue(value: unknown): string {
  return Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(value);
}

function formatRules(rules: RuleListing[], configFile: string | null): string {
  const header = ['ID', 'SEVERITY', 'ENABLED', 'DEVICE DEFENDER CHECK', 'TITLE'];
  const rows = rules.map((r) => [
    r.id,
    r.severity === r.defaultSeverity ? r.severity : `${r.severity}*`,
    r.enabled ? 'yes' : 'no*',
    r.deviceDefenderCheck ?? '-',
    r.title,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const parameters = rules
    .filter((r) => Object.keys(r.parameters).length > 0)
    .map((r) => {
      const values = Object.entries(r.parameters).map(([key, value]) => {
        const changed = JSON.stringify(value) !== JSON.stringify(r.defaults[key]);
        return `${key}=${formatValue(value)}${changed ? '*' : ''}`;
      });
      return `  ${r.id}: ${values.join(', ')}`;
    });
  return [
    configFile ? `Configuration: ${configFile} (* = set by it)` : 'Configuration: built-in defaults (no configuration file found)',
    '',
    line(header),
    ...rows.map(line),
    '',
    'Parameters:',
    ...parameters,
  ].join('\n');
}
