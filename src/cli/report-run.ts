import type { Interfaces } from '@oclif/core';
import type Report from '../commands/report.js';
import { Interrupted, UsageError } from '../errors.js';
import { findBrowser } from '../render/browser.js';
import { checkScope } from '../sources/athena/validate.js';
import type { Severity } from '../types.js';
import { printable } from '../unicode.js';
import { periodInProgress, periodJustEnded } from '../collect/period.js';
import { INTERRUPTED, exitInterrupted, type StopSignals } from './failure.js';
import { parseFormats, parseGeneratedAt } from './options.js';
import { formatBytes, progressFor } from './progress.js';

/** `report`'s flags, as oclif parses them (and `parseReportArgs` does for the usual command lines). */
export type ReportFlags = Interfaces.InferredFlags<typeof Report.flags>;

/** Where a command's lines go, and what it needs from the CLI around it. */
export interface CliIo {
  /** The tool's version, written in the report. */
  version: string;
  /** `--json`: the result is printed as JSON, and neither lines nor progress are. */
  json: boolean;
  /** A line on stdout (silent under --json), already `printable`. */
  log(line: string): void;
  /** A line on stderr (silent under --json), already `printable`. */
  warn(line: string): void;
  /** Ctrl-C and SIGTERM, caught as the command started (`catchReportSignals`); the caller removes them as the command ends. */
  signals: StopSignals;
}

/** `IOT_AUDIT_TIMINGS`: how this machine gunzips and scans the logs (libdeflate or zlib; avx512, avx2 or wasm). */
async function printScanPaths(): Promise<void> {
  const [{ defaultGunzipPath }, { defaultScanPath }] = await Promise.all([import('../collect/gunzip-native.js'), import('../cloudtrail/scan.js')]);
  process.stderr.write(`gunzip ${defaultGunzipPath()}\nscan ${defaultScanPath()}\n`);
}

/**
 * The `report` command once its flags are parsed, with no oclif at run time: the oclif command
 * and the fast start (`runFast`) both run it. Returns what `--json` prints and the exit code.
 */
export async function runReportCli(flags: ReportFlags, cli: CliIo): Promise<{ json: unknown; exitCode: number }> {
  // Lines carry file names, folders, accounts and regions as the logs and a previous report give
  // them: every line is shown escaped; the --json result keeps them as they are (JSON escapes them).
  const io: CliIo = { ...cli, log: (line) => cli.log(printable(line)), warn: (line) => cli.warn(printable(line)) };
  if (!flags.verify && (flags['public-keys'] !== undefined || flags.signatures !== undefined)) {
    throw new UsageError('--public-keys and --signatures go with --verify');
  }
  const formats = parseFormats(flags.format);
  // Usage first (exit 2), then what the machine lacks (exit 4).
  const generatedAt = parseGeneratedAt(flags['generated-at'], process.env, new Date());
  checkScope(flags.account ?? [], flags.region ?? []);
  // The PDF's browser is found before the long read; none found is exit 4 with the install command.
  const browserPath = formats.includes('pdf') ? await findBrowser({ flag: flags.browser, env: process.env }) : undefined;
  const progress = progressFor(process.stderr, process.env, io.json);
  const now = new Date();
  const started = now.getTime();
  // Ctrl-C (or SIGTERM) exits 130. The exit itself removes the report's temporary files and
  // ends the PDF's browser with its profile (OutputSession, startPrinter). A running Athena query
  // is stopped first (StopQueryExecution) instead of being left to bill.
  const abort = new AbortController();
  // While a query runs: once it is over, the files' read goes on without it, and a signal then exits at once.
  let queryRunning = false;
  let interrupted = false;
  // Once the files are in place (SHA256SUMS too), the report is written: what is left is short clean-up.
  let placed = false;
  // Notes on the inputs, said with the run's other warnings once it is done.
  const notes: string[] = [];
  // Without --json, nothing more than the shell's ^C; under --json the job reading stdout gets its
  // error object (a JSON parser given nothing fails on its own).
  const stop = (signal: NodeJS.Signals, what: string) => {
    progress.done();
    exitInterrupted(signal, io.json, what);
  };
  cli.signals.handle((signal) => {
    if (placed) {
      // The run finishes with its real result (lines, --json, exit code); a second signal exits at once, saying the report is there.
      if (interrupted) stop(signal, 'the report was written, its clean-up did not finish');
      interrupted = true;
      return;
    }
    // A second signal, or no query to stop: exit at once.
    if (interrupted || !queryRunning) stop(signal, INTERRUPTED.report);
    interrupted = true;
    // Give the query's StopQueryExecution a moment.
    abort.abort(new Error('interrupted'));
    setTimeout(() => {
      if (!placed) stop(signal, INTERRUPTED.report);
    }, 10_000).unref();
  });
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
    render: { templateDir: flags.template, paper: flags.paper as 'a4' | 'letter', pdfTagged: flags['pdf-tagged'], browserPath },
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
    onAthenaQuery: (running) => {
      queryRunning = running;
    },
    onWritten: () => {
      placed = true;
    },
    onNote: (line) => notes.push(line),
    // For the benchmark and for slow runs: each phase's time on stderr, and how files are gunzipped and scanned.
    onTiming: process.env.IOT_AUDIT_TIMINGS
      ? (phase, ms) => {
          const m = process.memoryUsage();
          process.stderr.write(`timing ${phase} ${ms} rss=${Math.round(m.rss / 2 ** 20)}MB heap=${Math.round(m.heapUsed / 2 ** 20)}MB external=${Math.round(m.external / 2 ** 20)}MB\n`);
        }
      : undefined,
    configPath: flags.config,
    failOn: flags['fail-on'] as Severity | undefined,
    comparePath: flags.compare,
    generatedAt,
    tool: { name: 'iot-audit', version: io.version },
    now,
    onProgress: (p) => {
      const secs = (Date.now() - started) / 1000;
      const rate = secs > 0 ? p.filesRead / secs : 0;
      const eta = rate > 0 && p.filesListed > p.filesRead ? ` ETA ${Math.ceil((p.filesListed - p.filesRead) / rate)}s` : '';
      progress.update(
        `${p.phase}: ${p.filesRead}/${p.filesListed} files, ${formatBytes(p.bytesRead)}, ${p.recordsRead} records, ${p.iotRecords} IoT events, ${rate.toFixed(0)} files/s${eta}`,
      );
    },
  })
    .catch((error: unknown) => {
      if (abort.signal.aborted) throw new Interrupted('interrupted: the Athena query was stopped and no report was written');
      throw error;
    })
    .finally(() => {
      // Cleared whether the run ends in a report or an error: an error is a line of its own.
      progress.done();
    });
  // After the report, not at start-up: the main thread loads no scan code of its own (the workers scan), and timing must not make it.
  if (process.env.IOT_AUDIT_TIMINGS) await printScanPaths();

  const { model, written } = result;
  const s = model.summary;
  // Warnings go to stderr, and under --json into its `warnings` (a job that reads the JSON sees them too).
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    io.warn(line);
  };
  for (const note of notes) warn(printable(note));
  const c = model.coverage;
  io.log(`${model.title}`);
  io.log(`  ${s.totalEvents} IoT events: ${s.changes} changes, ${s.failedAttempts} failed or denied, ${s.reads} reads`);
  const open = s.findingsBySeverity.filter((f) => f.count > 0).map((f) => `${f.count} ${f.severity}`);
  io.log(`  findings: ${open.length > 0 ? open.join(', ') : 'none'}${model.ruleErrors.length > 0 ? ` (${model.ruleErrors.length} rules failed to run)` : ''}`);
  if (model.integrity !== null) {
    const errors = model.integrity.problems.filter((p) => p.severity === 'error').length;
    const problems = `${errors} ${errors === 1 ? 'problem' : 'problems'}`;
    // Events from files that could not be checked: said, not only "intact" or "incomplete".
    const unchecked = model.integrity.eventsUnchecked;
    const notChecked = `${unchecked} ${unchecked === 1 ? 'event is' : 'events are'} from log files that could not be checked`;
    // The model's verdict, as the report's files give it.
    const verdict = {
      verified: 'logs intact',
      'verified-in-part': `logs intact, but ${notChecked}`,
      incomplete: `incomplete, ${problems}: nothing found altered, but ${unchecked > 0 ? notChecked : 'not all could be checked'}`,
      failed: `FAILED, ${problems}`,
    }[model.integrity.verdict];
    io.log(`  integrity: ${verdict} (${model.integrity.chains.length} account-regions checked)`);
  }
  const without = c.accountsWithoutLogs.length;
  // Loaded by the report already (the renderers): not at start-up.
  const { athenaRead, inRegionsAskedFor, NOT_IN_ORGANIZATION_LIST, readLogFiles } = await import('../render/format.js');
  // Objects or prefixes that could not be listed or fetched (a file this user may not read, a failed GET): named only when there are some.
  const notRead = c.sourceProblems.length > 0 ? `, ${c.sourceProblems.length} could not be listed or read` : '';
  // Files and Athena's rows in their own units: a run through Athena alone read no file, and says what it read.
  const read = [
    ...(readLogFiles(model) ? [`${c.filesRead} log ${c.filesRead === 1 ? 'file' : 'files'} read, ${c.unreadableFiles.length} unreadable`] : []),
    ...(c.athena !== null ? [`Athena: ${athenaRead(c.athena)}`] : []),
  ].join(', ');
  // The accounts no account list has, as the HTML and the Markdown name them: with logs, or asked for without.
  const notInList = c.accountsNotInOrganization.length > 0 ? `, ${c.accountsNotInOrganization.length} ${NOT_IN_ORGANIZATION_LIST}` : '';
  io.log(`  ${read}${notRead}, ${without} ${without === 1 ? 'account' : 'accounts'} without logs${inRegionsAskedFor(model.filters.regions)}${c.accountsNotRead.length > 0 ? `, ${c.accountsNotRead.length} not read${inRegionsAskedFor(model.filters.regions)}` : ''}${notInList}`);
  const timeless = c.iotRecordsWithoutTime.count;
  if (timeless > 0) warn(`${timeless} IoT ${timeless === 1 ? 'record has' : 'records have'} no usable event time and ${timeless === 1 ? 'is' : 'are'} in no period (listed in the report's Coverage)`);
  const nameless = c.iotRecordsWithoutName.count;
  if (nameless > 0) {
    warn(`${nameless} IoT ${nameless === 1 ? 'record has' : 'records have'} no event name (damaged or altered: CloudTrail always writes one) and ${nameless === 1 ? 'is' : 'are'} in no event (listed in the report's Coverage)`);
  }
  for (const file of written) io.log(`  wrote ${file.path} (${formatBytes(file.bytes)})`);
  const earlier = result.earlierRunFiles;
  if (earlier.length > 0) {
    warn(
      `Note: ${earlier.join(', ')} in ${flags.out} ${earlier.length === 1 ? 'is' : 'are'} from an earlier run of this report, of a format this run did not write: SHA256SUMS no longer lists ${earlier.length === 1 ? 'it' : 'them'}`,
    );
  }
  // --from alone: up to the run itself, whose last minutes' log files are not all delivered yet.
  const upToNow = flags.from !== undefined && flags.to === undefined;
  if (periodInProgress(model.period, now)) warn(`Warning: the period has not ended (it ends ${model.period.end}): the report holds the events logged up to now; run it again after its end for the whole period`);
  else if (upToNow || periodJustEnded(model.period, now)) {
    const which = upToNow ? 'runs up to now' : 'ended less than an hour ago';
    warn(`Warning: the period ${which} (${model.period.end}): CloudTrail delivers most log files within 15 minutes, some later; run it again later for the events of its last minutes`);
  }
  for (const warning of model.comparison?.warnings ?? []) warn(`Warning: ${warning}`);
  // Asked for by --organization and not read: said here too, as the accounts command says it, not only in the header.
  if (flags.organization === true && model.organization.accountsNote !== null) warn(`Note: ${model.organization.accountsNote}`);
  // An Athena table read without its own columns (no GetTableMetadata): what the report cannot know, said, not only in its header.
  for (const source of model.sources) if (source.athena?.note) warn(`Warning: ${source.label}: ${source.athena.note}`);
  // A suppression that expired: its findings count again (for --fail-on too), said here as in the report.
  for (const note of model.findingNotes) warn(`Note: ${note}`);
  if (result.exitCode !== 0) warn(`Findings at or above --fail-on ${flags['fail-on']}: exit ${result.exitCode}`);

  const summary = {
    title: model.title,
    period: model.period,
    outputs: written,
    summary: { events: s.totalEvents, changes: s.changes, failedAttempts: s.failedAttempts, findingsBySeverity: s.findingsBySeverity, ruleErrors: model.ruleErrors.length },
    coverage: {
      filesRead: c.filesRead,
      unreadableFiles: c.unreadableFiles.length,
      athena: c.athena,
      sourceProblems: c.sourceProblems.length,
      iotRecordsWithoutTime: timeless,
      iotRecordsWithoutName: nameless,
      accountsWithoutLogs: c.accountsWithoutLogs,
      accountsNotRead: c.accountsNotRead,
      accountsNotInOrganization: c.accountsNotInOrganization,
    },
    // With --verify: what the text's integrity line says, for a job that reads --json.
    integrity:
      model.integrity === null
        ? null
        : {
            ok: model.integrity.ok,
            verdict: model.integrity.verdict,
            errors: model.integrity.problems.filter((p) => p.severity === 'error').length,
            warnings: model.integrity.problems.filter((p) => p.severity !== 'error').length,
            chainsChecked: model.integrity.chains.length,
            eventsUnchecked: model.integrity.eventsUnchecked,
            // With the events it did not leave unchecked: proven, or from files that failed (`IntegrityReport`).
            eventsValid: model.integrity.eventsValid,
            eventsModified: model.integrity.eventsModified,
            eventsMissing: model.integrity.eventsMissing,
            eventsNotCovered: model.integrity.eventsNotCovered,
          },
    warnings,
    exitCode: result.exitCode,
  };
  return { json: summary, exitCode: result.exitCode };
}
