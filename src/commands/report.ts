import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { periodFlags, scopeFlags } from '../cli/flags.js';
import { formatBytes, progressFor } from '../cli/progress.js';
import { parseFormats, parseGeneratedAt } from '../cli/options.js';
import { defaultScanPath } from '../cloudtrail/scan.js';
import { defaultGunzipPath } from '../collect/gunzip-native.js';
import { findBrowser } from '../render/browser.js';
import { isAthenaUrl } from '../sources/athena/url.js';
import type { Severity } from '../types.js';
import { CliError, EXIT, UsageError } from '../errors.js';

export default class Report extends BaseCommand {
  static override summary = 'Write the AWS IoT audit report (HTML, PDF, JSON, CSV) for a period of CloudTrail logs.';

  static override description = `Reads the period's CloudTrail log files from a copy of the organization trail's bucket (or any folder of log files, or s3://bucket/prefix), keeps the AWS IoT events, and writes the report files and a SHA256SUMS into --out.

Only the day folders that can hold the period's events are read (the period's UTC days plus --late-days for late delivery); events are filtered by eventTime, de-duplicated by eventID and sorted.`;

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
      description: 'A local folder (a copy of the trail bucket at any prefix above AWSLogs/, or any folder of CloudTrail log files) or s3://bucket[/prefix]. Repeatable.',
      multiple: true,
      required: true,
    }),
    'late-days': Flags.integer({ description: 'Delivery days read after the period for late log files (CloudTrail files a log under its delivery day).', default: 1, min: 0, max: 14 }),
    'accounts-file': Flags.string({ description: 'The JSON printed by `aws organizations list-accounts`: account names, emails and states.' }),
    organization: Flags.boolean({
      description: 'Read account names and OU paths from AWS Organizations (default: when no --accounts-file is given and credentials allow it). --no-organization never calls it.',
      allowNo: true,
    }),
    'account-tags': Flags.boolean({ description: 'Also read account tags from AWS Organizations.', default: false }),
    format: Flags.string({ description: 'Comma-separated formats: html, pdf, json, csv, md.', default: 'html,pdf,json,csv' }),
    out: Flags.string({ description: 'Folder the report files are written to.', default: './reports' }),
    template: Flags.string({ description: 'A folder of Handlebars templates and partials overriding the built-in ones by file name.' }),
    paper: Flags.string({ description: 'PDF paper size.', options: ['a4', 'letter'], default: 'a4' }),
    browser: Flags.string({ description: 'Chromium or Chrome executable for the PDF (default: PUPPETEER_EXECUTABLE_PATH, then the system Chromium).' }),
    profile: Flags.string({ description: 'AWS profile for S3 and Organizations (default: the SDK credential chain).' }),
    'aws-region': Flags.string({ description: 'AWS region for API calls (default: the SDK configuration; S3 follows the bucket region).' }),
    concurrency: Flags.integer({ description: 'Log objects read at once (default: 32 for S3, 64 per worker thread for local folders).', min: 1, max: 512 }),
    threads: Flags.integer({ description: 'Worker threads parsing logs (default: one per CPU; 0 parses on the main thread).', min: 0, max: 64 }),
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
    compare: Flags.string({ description: "The previous period's JSON report: the report then says what is new, resolved and changed." }),
    'generated-at': Flags.string({ description: 'Generation time written in the report (ISO); default: now, or SOURCE_DATE_EPOCH when set. Same logs + same time = same bytes.' }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Report);
    if (!flags.verify && (flags['public-keys'] !== undefined || flags.signatures !== undefined)) {
      throw new UsageError('--public-keys and --signatures go with --verify');
    }
    const formats = parseFormats(flags.format);
    // The PDF's browser is found before the long read; none found is exit 4 with the install command.
    const browserPath = formats.includes('pdf') ? await findBrowser({ flag: flags.browser, env: process.env }) : undefined;
    const progress = progressFor(process.stderr, process.env, this.jsonEnabled());
    const started = Date.now();
    // Ctrl-C cancels a running Athena query (StopQueryExecution) instead of leaving it to bill.
    const abort = new AbortController();
    const usesAthena = flags.source.some(isAthenaUrl);
    const onSigint = () => {
      if (!usesAthena) process.exit(130);
      // Give the query's StopQueryExecution a moment; a second Ctrl-C exits at once.
      abort.abort(new Error('interrupted'));
      process.once('SIGINT', () => process.exit(130));
      setTimeout(() => process.exit(130), 10_000).unref();
    };
    process.once('SIGINT', onSigint);
    // The pipeline (and what it imports) loads only when a report runs, not for --help or other commands.
    const { runReport } = await import('../pipeline/report.js');
    const result = await runReport({
      sources: flags.source,
      period: { period: flags.period, from: flags.from, to: flags.to, tz: flags.tz },
      lateDays: flags['late-days'],
      accounts: flags.account ?? [],
      regions: flags.region ?? [],
      accountsFile: flags['accounts-file'],
      organizations: flags.organization === undefined ? 'auto' : flags.organization ? 'on' : 'off',
      accountTags: flags['account-tags'],
      profile: flags.profile,
      awsRegion: flags['aws-region'],
      formats,
      outDir: flags.out,
      render: { templateDir: flags.template, paper: flags.paper as 'a4' | 'letter', browserPath },
      concurrency: flags.concurrency,
      threads: flags.threads,
      verify: flags.verify ? { publicKeysFile: flags['public-keys'], signaturesFile: flags.signatures } : undefined,
      athena: {
        workgroup: flags['athena-workgroup'],
        outputLocation: flags['athena-output'],
        catalog: flags['athena-catalog'],
        partitionColumns: {
          account: flags['athena-partition-account'],
          region: flags['athena-partition-region'],
          day: flags['athena-partition-day'],
        },
      },
      signal: abort.signal,
      // For the benchmark and for slow runs: each phase's time on stderr, and how files are gunzipped and scanned.
      onTiming: process.env.IOT_AUDIT_TIMINGS
        ? (phase, ms) => {
            if (phase === 'startup') process.stderr.write(`gunzip ${defaultGunzipPath()}\nscan ${defaultScanPath()}\n`);
            const m = process.memoryUsage();
            process.stderr.write(`timing ${phase} ${ms} rss=${Math.round(m.rss / 2 ** 20)}MB heap=${Math.round(m.heapUsed / 2 ** 20)}MB external=${Math.round(m.external / 2 ** 20)}MB\n`);
          }
        : undefined,
      configPath: flags.config,
      failOn: flags['fail-on'] as Severity | undefined,
      comparePath: flags.compare,
      generatedAt: parseGeneratedAt(flags['generated-at'], process.env, new Date()),
      tool: { name: 'iot-audit', version: this.config.version },
      now: new Date(),
      onProgress: (p) => {
        const secs = (Date.now() - started) / 1000;
        const rate = secs > 0 ? p.filesRead / secs : 0;
        const eta = rate > 0 && p.filesListed > p.filesRead ? ` ETA ${Math.ceil((p.filesListed - p.filesRead) / rate)}s` : '';
        progress.update(
          `${p.phase}: ${p.filesRead}/${p.filesListed} files, ${formatBytes(p.bytesRead)}, ${p.recordsRead} records, ${p.iotRecords} IoT events, ${rate.toFixed(0)} files/s${eta}`,
        );
      },
    }).catch((error: unknown) => {
      if (abort.signal.aborted) throw new CliError('interrupted: the Athena query was stopped and no report was written', EXIT.INTERRUPTED);
      throw error;
    });
    process.off('SIGINT', onSigint);
    progress.done();
    process.exitCode = result.exitCode;

    const { model, written } = result;
    const s = model.summary;
    const c = model.coverage;
    this.log(`${model.title}`);
    this.log(`  ${s.totalEvents} IoT events: ${s.changes} changes, ${s.failedAttempts} failed or denied, ${s.reads} reads`);
    const open = s.findingsBySeverity.filter((f) => f.count > 0).map((f) => `${f.count} ${f.severity}`);
    this.log(`  findings: ${open.length > 0 ? open.join(', ') : 'none'}${model.ruleErrors.length > 0 ? ` (${model.ruleErrors.length} rules failed to run)` : ''}`);
    if (model.integrity !== null) {
      const errors = model.integrity.problems.filter((p) => p.severity === 'error').length;
      this.log(`  integrity: ${model.integrity.ok ? 'logs intact' : `${errors} problems`} (${model.integrity.chains.length} account-regions checked)`);
    }
    const without = c.accountsWithoutLogs.length;
    this.log(`  ${c.filesRead} log files read, ${c.unreadableFiles.length} unreadable, ${without} ${without === 1 ? 'account' : 'accounts'} without logs`);
    for (const file of written) this.log(`  wrote ${file.path} (${formatBytes(file.bytes)})`);
    if (result.exitCode !== 0) this.logToStderr(`Findings at or above --fail-on ${flags['fail-on']}: exit ${result.exitCode}`);

    return {
      title: model.title,
      period: model.period,
      outputs: written,
      summary: { events: s.totalEvents, changes: s.changes, failedAttempts: s.failedAttempts, findingsBySeverity: s.findingsBySeverity },
      coverage: {
        filesRead: c.filesRead,
        unreadableFiles: c.unreadableFiles.length,
        accountsWithoutLogs: c.accountsWithoutLogs,
        accountsNotInOrganization: c.accountsNotInOrganization,
      },
      exitCode: result.exitCode,
    };
  }
}
