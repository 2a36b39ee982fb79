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
import { remarkLine, type RemarkKind } from './remark.js';
import { plural } from '../numbers.js';

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
        `${p.phase}: ${p.filesRead}/${p.filesListed} files, ${formatBytes(p.bytesRead)}, ${plural(p.recordsRead, 'record')}, ${plural(p.iotRecords, 'IoT event')}, ${rate.toFixed(0)} files/s${eta}`,
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
  const c = model.coverage;
  // Loaded by the report already (the renderers): not at start-up.
  const { recordWarnings, summaryLines } = await import('./report-lines.js');
  // Warnings and notes go to stderr, and under --json into its `warnings` (a job that reads the JSON
  // sees them too), each through here with its prefix.
  const warnings: string[] = [];
  const say = (line: string) => {
    warnings.push(line);
    io.warn(line);
  };
  const remark = (kind: RemarkKind, text: string) => say(remarkLine(kind, text));
  for (const note of notes) remark('Note', printable(note));
  for (const line of summaryLines(model)) io.log(line);
  for (const warning of recordWarnings(c)) remark('Warning', warning);
  for (const file of written) io.log(`  wrote ${file.path} (${formatBytes(file.bytes)})`);
  const earlier = result.earlierRunFiles;
  if (earlier.length > 0) {
    remark(
      'Note',
      `${earlier.join(', ')} in ${flags.out} ${earlier.length === 1 ? 'is' : 'are'} from an earlier run of this report, of a format this run did not write: SHA256SUMS no longer lists ${earlier.length === 1 ? 'it' : 'them'}`,
    );
  }
  // --from alone: up to the run itself, whose last minutes' log files are not all delivered yet.
  const upToNow = flags.from !== undefined && flags.to === undefined;
  if (periodInProgress(model.period, now)) remark('Warning', `the period has not ended (it ends ${model.period.end}): the report holds the events logged up to now; run it again after its end for the whole period`);
  else if (upToNow || periodJustEnded(model.period, now)) {
    const which = upToNow ? 'runs up to now' : 'ended less than an hour ago';
    remark('Warning', `the period ${which} (${model.period.end}): CloudTrail delivers most log files within 15 minutes, some later; run it again later for the events of its last minutes`);
  }
  for (const warning of model.comparison?.warnings ?? []) remark('Warning', warning);
  // Asked for by --organization and not read: said here too, as the accounts command says it, not only in the header.
  if (flags.organization === true && model.organization.accountsNote !== null) remark('Note', model.organization.accountsNote);
  // An Athena table read without its own columns (no GetTableMetadata): what the report cannot know, said, not only in its header.
  for (const source of model.sources) if (source.athena?.note) remark('Warning', `${source.label}: ${source.athena.note}`);
  // A suppression that expired: its findings count again (for --fail-on too), said here as in the report.
  for (const note of model.findingNotes) remark('Note', note);
  // Not a warning: why the run exits as it does, the last line.
  if (result.exitCode !== 0) say(`Findings at or above --fail-on ${flags['fail-on']}: exit ${result.exitCode}`);
  const timeless = c.iotRecordsWithoutTime.count;
  const nameless = c.iotRecordsWithoutName.count;

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
