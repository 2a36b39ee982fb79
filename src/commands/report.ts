import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { periodFlags, scopeFlags, usageWithPeriod } from '../cli/flags.js';
import { catchReportSignals } from '../cli/failure.js';
import { runReportCli } from '../cli/report-run.js';

export default class Report extends BaseCommand {
  static override summary = 'Write the AWS IoT audit report (HTML, PDF, JSON, CSV) for a period of CloudTrail logs.';

  static override description = `Reads the period's CloudTrail log files from a copy of the organization trail's bucket (or any folder of log files, or s3://bucket/prefix), keeps the AWS IoT events, and writes the report files and a SHA256SUMS into --out.

Only the day folders that can hold the period's events are read (the period's UTC days plus --late-days for late delivery); events are filtered by eventTime and by --account and --region (the account and region each event shows, whatever folder or file it was read from), de-duplicated by eventID and sorted.`;

  static override examples = [
    '<%= config.bin %> report --source ./org-trail-copy --period 2026-10 --accounts-file accounts.json',
    '<%= config.bin %> report --source s3://my-org-trail-bucket --period 2026-10 --tz Europe/Paris --format pdf,json',
    '<%= config.bin %> report --source ./logs --from 2026-10-01 --to 2026-10-08 --format html --out ./weekly',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...periodFlags,
    ...scopeFlags,
    source: Flags.string({
      description: 'A local folder (a copy of the trail bucket at any prefix above AWSLogs/ or an account, CloudTrail or region folder inside it, or any folder of CloudTrail log files), s3://bucket[/prefix] or athena://DATABASE.TABLE. Repeatable.',
      multiple: true,
      required: true,
    }),
    'late-days': Flags.integer({ description: 'Delivery days read after the period for late log files (CloudTrail files a log under its delivery day), 0 to 14.', default: 1, min: 0, max: 14 }),
    'accounts-file': Flags.string({ description: 'The JSON printed by `aws organizations list-accounts`: account names, emails and states.' }),
    organization: Flags.boolean({
      description: 'Read account names and OU paths from AWS Organizations (default: when no --accounts-file is given and credentials allow it). --no-organization never calls it.',
      allowNo: true,
    }),
    'account-tags': Flags.boolean({ description: 'Also read account tags from AWS Organizations (with an --accounts-file, add --organization).', default: false }),
    format: Flags.string({ description: 'Comma-separated formats: html, pdf, json, csv, md.', default: 'html,pdf,json,csv' }),
    out: Flags.string({ description: 'Folder the report files are written to.', default: './reports' }),
    template: Flags.string({ description: 'A folder of Handlebars templates and partials overriding the built-in ones by file name.' }),
    paper: Flags.string({ description: 'PDF paper size.', options: ['a4', 'letter'], default: 'a4' }),
    'pdf-tagged': Flags.boolean({ description: 'Tag the PDF (headings, tables, lists) for screen readers and accessibility checks; it prints about half as fast.', default: false }),
    browser: Flags.string({ description: 'Chromium or Chrome executable for the PDF (default: PUPPETEER_EXECUTABLE_PATH, then the system Chromium).' }),
    profile: Flags.string({ description: 'AWS profile for S3 and Organizations (default: the SDK credential chain).' }),
    'aws-region': Flags.string({ description: 'AWS region for API calls (default: the SDK configuration; S3 follows the bucket region).' }),
    concurrency: Flags.integer({ description: 'Log objects read at once, 1 to 512 (default: 64 for S3, 64 per worker thread for local folders).', min: 1, max: 512 }),
    threads: Flags.integer({ description: 'Worker threads parsing logs, 0 to 64 (default: one per CPU; 0 parses on the main thread).', min: 0, max: 64 }),
    verify: Flags.boolean({ description: 'Also validate the logs (CloudTrail digest chains, signatures, log file hashes) and add an Integrity section; events from files that failed are marked.', default: false }),
    'public-keys': Flags.string({ description: 'With --verify: the JSON printed by `aws cloudtrail list-public-keys`, to verify offline. Default: CloudTrail ListPublicKeys.' }),
    signatures: Flags.string({ description: 'With --verify: digest signatures saved from S3 metadata (JSON {"<key>": "<hex>"} or lines "<key> <hex>").' }),
    'athena-workgroup': Flags.string({ description: 'For athena:// sources: the Athena workgroup (default: primary).' }),
    'athena-output': Flags.string({ description: 'For athena:// sources: s3:// location for query results, when the workgroup has none.' }),
    'athena-catalog': Flags.string({ description: 'For athena:// sources: the data catalog (default: AwsDataCatalog).' }),
    'athena-partition-account': Flags.string({ description: 'For athena:// sources: the account partition column (default: account).' }),
    'athena-partition-region': Flags.string({ description: 'For athena:// sources: the region partition column (default: region).' }),
    'athena-partition-day': Flags.string({ description: 'For athena:// sources: the yyyy/MM/dd delivery-day partition column (default: timestamp).' }),
    config: Flags.string({ description: 'Rules configuration (JSON or YAML). Default: iot-audit.config.json, .yaml or .yml in the working directory when present.' }),
    'fail-on': Flags.string({
      description: 'Exit 1 (after writing every output) when an unsuppressed finding is at or above this severity.',
      options: ['info', 'low', 'medium', 'high', 'critical'],
    }),
    compare: Flags.string({ description: "The previous period's JSON report: the report then says what is new, no longer reported and changed." }),
    'generated-at': Flags.string({
      summary: 'Generation time written in the report: ISO 8601 with Z or an offset, or a day (its 00:00 UTC). Default: now, or SOURCE_DATE_EPOCH.',
      description:
        'An ISO 8601 date-time with Z or an offset (2026-11-01T06:00:00Z, 2026-11-01T07:00:00+01:00), or a day (2026-11-01: its 00:00 UTC); anything else is an error. Default: SOURCE_DATE_EPOCH (whole seconds since 1970-01-01 UTC) when set, else now. Same logs + same time = same bytes, on any machine.',
    }),
  };

  // oclif's own line would offer --period, --from and --to as three alternatives.
  static override usage = usageWithPeriod(Report.flags, { json: Report.enableJsonFlag });

  async run(): Promise<unknown> {
    const signals = catchReportSignals(this.jsonEnabled());
    try {
      const { flags } = await this.parse(Report);
      // Before anything is read (exit 2): the scan kernel and gunzip the workers are told to use.
      await (await import('../collect/pool.js')).checkParseSwitches();
      const { json, exitCode } = await runReportCli(flags, {
        version: this.config.version,
        json: this.jsonEnabled(),
        log: (line) => this.log(line),
        warn: (line) => this.logToStderr(line),
        signals,
      });
      process.exitCode = exitCode;
      return json;
    } finally {
      signals.remove();
    }
  }
}
