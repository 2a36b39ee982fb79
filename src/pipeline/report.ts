import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { compareReports, parsePreviousReport } from '../analysis/compare.js';
import { loadConfig } from '../config/load.js';
import { resolveAccounts, type OrganizationsMode } from '../accounts/resolve.js';
import type { ParsePool } from '../collect/pool.js';
import { collect, type CollectProgress, type CollectResult, type LogParser } from '../collect/run.js';
import { deliveryDays, localDateTime, resolvePeriod, type PeriodInput } from '../collect/period.js';
import { EXIT, UsageError, oneLine } from '../errors.js';
import { ContentHashes } from '../integrity/known-content.js';
import type { IntegrityResult } from '../integrity/types.js';
import { baseName } from '../output/names.js';
import type { WrittenFile } from '../output/writer.js';
import { PhaseCollector } from './heap.js';
import type { RenderContext } from '../render/context.js';
import type { Printer } from '../render/pdf.js';
import { FORMATS, type FormatName, type FormatOutput } from '../render/index.js';
import { tuneAllocator } from '../native.js';
import { localPathOf, openSources } from '../sources/open.js';
import { DEFAULT_S3_CONCURRENCY } from '../sources/s3-url.js';
import type { ObjectStore, Period, ReportModel, Severity, SourceInfo, SourcedRecord } from '../types.js';
import { coveredFilters, sourceBase, storeScope, type DiscoveryListings } from '../cloudtrail/layout.js';
import { isAthenaUrl, parseAthenaUrl } from '../sources/athena/url.js';
import { checkScope } from '../sources/athena/validate.js';
import type { AthenaRead } from '../analysis/coverage.js';

export interface ReportOptions {
  sources: string[];
  period: PeriodInput;
  lateDays: number;
  accounts: string[];
  regions: string[];
  accountsFile?: string;
  organizations: OrganizationsMode;
  accountTags: boolean;
  profile?: string;
  awsRegion?: string;
  formats: FormatName[];
  outDir: string;
  render: Omit<RenderContext, 'media' | 'dataFiles'>;
  /** Log objects read at once. */
  concurrency?: number;
  /** Worker threads parsing logs; 0 parses on the main thread. */
  threads?: number;
  generatedAt: string;
  tool: { name: string; version: string };
  /** `--config` path; default: iot-audit.config.{json,yaml,yml} in `cwd` when present. */
  configPath?: string;
  cwd?: string;
  /** Exit EXIT.GATE when an unsuppressed finding is at or above it (after writing every output). */
  failOn?: Severity;
  /** A previous report's JSON to compare with. */
  comparePath?: string;
  now: Date;
  onProgress?: (p: CollectProgress) => void;
  /** Athena settings for `athena://` sources. */
  athena?: { workgroup?: string; outputLocation?: string; catalog?: string; partitionColumns?: { account?: string; region?: string; day?: string } };
  /** `--verify`: check the digest chains and put an Integrity section in the report. */
  verify?: { publicKeysFile?: string; signaturesFile?: string };
  /** Aborts a running Athena query (Ctrl-C). */
  signal?: AbortSignal;
  /** Told when an Athena query starts (true) and ends (false): Ctrl-C waits for its stop only while one runs. */
  onAthenaQuery?: (running: boolean) => void;
  /** Told as the report's files (SHA256SUMS too) are in place, before the run's clean-up: a signal from then on does not undo the report. */
  onWritten?: () => void;
  /** Told, one note each (its words: the command adds `Note:`), of what the run's inputs left out (a `--source` inside another, read through it). */
  onNote?: (text: string) => void;
  /**
   * Called with each phase's wall time (ms): startup (from process start), read, verify,
   * build, findings, render:<output> (rendering and writing it), wait:pdf (the wait for the PDF
   * after the other outputs, and writing it), write (commit); render:pdf, the PDF's own time from
   * its start to its last byte, alongside the others; and read:main-busy,
   * how long the main thread was busy during the read (time the parse workers lose to it).
   */
  onTiming?: (phase: string, ms: number) => void;
  /** Makes the log parser; the default is a worker pool when threads > 0. */
  parserFactory?: (threads: number) => Promise<LogParser>;
}

export interface ReportResult {
  model: ReportModel;
  written: WrittenFile[];
  /** Files of this report's name an earlier run wrote into --out and this one did not: left there, no longer in SHA256SUMS. */
  earlierRunFiles: string[];
  exitCode: number;
}

async function readPreviousReport(file: string): Promise<{ model: ReportModel; label: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--compare ${file}: cannot read it (${oneLine(error)}); pass the JSON report of the previous period`);
  }
  return { model: parsePreviousReport(text, file), label: file };
}

async function loadVerifyInputs(verify: NonNullable<ReportOptions['verify']>) {
  const integrity = await import('../integrity/index.js');
  return {
    integrity,
    publicKeys: verify.publicKeysFile !== undefined ? await integrity.loadPublicKeysFile(verify.publicKeysFile) : null,
    signatures: verify.signaturesFile !== undefined ? await integrity.loadSignaturesFile(verify.signaturesFile) : undefined,
  };
}

type VerifyInputs = Awaited<ReturnType<typeof loadVerifyInputs>>;

/**
 * The integrity check for the Integrity section: every digest chain of the period checked.
 * It covers the late days too, since the report reads their files; their hashes come from
 * the read (`hashes`), so no log file is read twice.
 */
async function checkIntegrity(
  period: Period,
  stores: readonly ObjectStore[],
  options: ReportOptions,
  inputs: VerifyInputs,
  hashes: ContentHashes | null,
  parser: LogParser,
  discoveryListings: DiscoveryListings | undefined,
  recordFiles: CollectResult['recordFiles'],
) {
  const { integrity } = inputs;
  // The parse workers, still running, read the digests (and any log file the read did not hash).
  const { integrityOnWorkers } = await import('../collect/pool.js');
  const workers = parser.parseFile !== undefined && parser.readDigest !== undefined ? integrityOnWorkers(parser as ParsePool, localPathOf) : null;
  // The window of every log file the read took: whole UTC delivery days (`deliveryDays`). A
  // period in another zone, or ending inside a day, starts and ends inside such a day; a file
  // filed in the rest of it is read (an event of the period in it is reported), so it is checked.
  // A file outside the period itself that gave the report no record is no problem of the period
  // (`reportPeriod`): as for `verify` of the same period, which does not look at it.
  const days = deliveryDays(period, options.lateDays);
  const start = new Date(`${days[0]}T00:00:00Z`);
  const end = new Date(Date.parse(`${days[days.length - 1]}T00:00:00Z`) + 86_400_000);
  return integrity.verifyIntegrity({
    stores: [...stores],
    start,
    end,
    accounts: options.accounts,
    regions: options.regions,
    publicKeys: inputs.publicKeys ?? integrity.cloudTrailKeyProvider({ profile: options.profile, start, end, now: options.now }),
    signatures: inputs.signatures,
    concurrency: options.concurrency,
    now: options.now,
    // The problems' messages give their times as every other time of the report: in its zone, `YYYY-MM-DD HH:MM:SS`.
    stamp: (ms) => localDateTime(ms, period.timeZone),
    // Past the period's end (late days, or the rest of its last UTC day): what is read there only for late files.
    lateFrom: end.getTime() > Date.parse(period.end) ? new Date(period.end) : undefined,
    reportPeriod: { start: new Date(period.start), end: new Date(period.end), gaveRecords: (store, key) => recordFiles.get(store)?.has(key) === true },
    knownContent: (store, key) => hashes?.take(store, key) ?? workers?.knownContent(store, key),
    hashBytes: workers?.hashBytes,
    readDigest: workers?.readDigest,
    discoveryListings,
  });
}

/**
 * Each event marked with the status of the log file it came from, then the Integrity section,
 * whose verdict depends on the events the check could not prove.
 */
function addIntegrity(model: ReportModel, stores: readonly ObjectStore[], inputs: VerifyInputs, result: IntegrityResult) {
  const { integrity } = inputs;
  const bases = stores.map((store) => ({ prefix: `${sourceBase(store).replace(/\/+$/, '')}/`, store }));
  for (const event of model.events) {
    const base = bases.find((b) => event.sourceFile.startsWith(b.prefix));
    if (base === undefined) continue;
    event.integrity = integrity.logFileIntegrity(result, event.sourceFile.slice(base.prefix.length));
  }
  // Every event counted by its file's status: `eventsUnchecked`, which the verdict depends on, and `eventsValid` and the failed ones beside it.
  const counts = integrity.countEvents(model.events);
  const names = new Map(model.accounts.map((a) => [a.id, a.name]));
  model.integrity = integrity.toIntegrityReport(result, (id) => names.get(id) ?? null, counts);
  if (model.sources.some((s) => s.kind === 'athena')) {
    model.integrity.notes.push('Events read through Athena are not checked: verify the trail bucket itself with `iot-audit verify --source s3://...`.');
  }
}

/**
 * Runs each `athena://` source's query; its records join the files' before de-duplication, and
 * what the queries covered (`read`: null without a query) is counted apart from the files.
 */
async function collectFromAthena(specs: readonly string[], options: ReportOptions, period: Period) {
  const out = { records: [] as SourcedRecord[], sources: [] as SourceInfo[], read: null as AthenaRead | null };
  if (specs.length === 0) return out;
  const partitions = new Map<string, AthenaRead['partitions'][number]>();
  let rowsRead = 0;
  let dataScannedBytes = 0;
  const { runAthenaCollection } = await import('../sources/athena/collect.js');
  for (const url of specs) {
    options.onAthenaQuery?.(true);
    const result = await runAthenaCollection({
      url,
      workgroup: options.athena?.workgroup,
      outputLocation: options.athena?.outputLocation,
      catalog: options.athena?.catalog,
      partitionColumns: options.athena?.partitionColumns,
      period,
      lateDays: options.lateDays,
      accounts: options.accounts,
      regions: options.regions,
      profile: options.profile,
      region: options.awsRegion,
      signal: options.signal,
    }).finally(() => options.onAthenaQuery?.(false));
    out.records.push(...result.records);
    out.sources.push(result.source);
    // A partition two tables both returned rows of is one partition.
    for (const p of result.partitions) partitions.set(`${p.accountId}/${p.region}/${p.day}`, p);
    rowsRead += result.rowsRead;
    dataScannedBytes += result.info.dataScannedBytes;
  }
  out.read = { partitions: [...partitions.values()], rowsRead, dataScannedBytes };
  return out;
}

async function defaultParser(threads: number): Promise<LogParser> {
  if (threads <= 0) return (await import('../collect/run.js')).inlineParser;
  const { createParsePool } = await import('../collect/pool.js');
  return createParsePool({ threads });
}

/** What a report reads besides the logs, each checked before the long read. */
interface Inputs {
  config: Awaited<ReturnType<typeof loadConfig>>;
  previous: Awaited<ReturnType<typeof readPreviousReport>> | null;
  /** A user's templates, loaded now; the built-in ones load during the read (see `afterRead`). */
  userTemplates: RenderContext['templates'];
  verifyInputs: VerifyInputs | null;
  stores: ObjectStore[];
  accounts: Awaited<ReturnType<typeof resolveAccounts>>;
  athena: Awaited<ReturnType<typeof collectFromAthena>>;
}

async function loadInputs(options: ReportOptions, period: Period): Promise<Inputs> {
  // An --out that is a file, or a folder this user cannot write into, fails now, not after the read.
  await (await import('../output/writer.js')).checkOutputFolder(options.outDir);
  const config = await loadConfig(options.configPath, options.cwd ?? process.cwd());
  const previous = options.comparePath === undefined ? null : await readPreviousReport(options.comparePath);
  // A user's templates are loaded and checked once, now: a broken one fails before an hour of reading.
  const userTemplates =
    needsTemplates(options) && options.render.templateDir !== undefined
      ? await (await import('../render/templates.js')).loadTemplates(options.render.templateDir)
      : undefined;
  if (options.formats.includes('pdf') && options.render.browserPath === undefined) {
    throw new UsageError('the PDF needs a browser: pass render.browserPath (the command finds one with findBrowser)');
  }
  // One query per table: the same table given twice (in any letter case) would run, and be billed, twice.
  const athenaSpecs: string[] = [];
  const tables = new Map<string, string>();
  for (const spec of options.sources.filter(isAthenaUrl)) {
    const { label } = parseAthenaUrl(spec);
    const first = tables.get(label);
    if (first === undefined) {
      tables.set(label, spec);
      athenaSpecs.push(spec);
    } else {
      options.onNote?.(`--source ${spec} is left out: it is the same table as --source ${first}, whose query reads it`);
    }
  }
  const fileSpecs = options.sources.filter((s) => !isAthenaUrl(s));
  // Nothing to check would read as "logs intact (0 account-regions checked)".
  if (options.verify !== undefined && athenaSpecs.length > 0 && fileSpecs.length === 0) {
    throw new UsageError('--verify checks the trail\'s digest files, which an Athena table does not hold: add the trail\'s bucket (s3://bucket/prefix) or a copy of it as a --source, or leave out --verify');
  }
  const verifyInputs = options.verify === undefined ? null : await loadVerifyInputs(options.verify);
  const stores = fileSpecs.length === 0 ? [] : await openSources(fileSpecs, { profile: options.profile, region: options.awsRegion, concurrency: options.concurrency, outDir: options.outDir, note: options.onNote });
  const accounts = await resolveAccounts({
    organizations: options.organizations,
    accountsFile: options.accountsFile,
    profile: options.profile,
    region: options.awsRegion,
    tags: options.accountTags,
  });
  const athena = await collectFromAthena(athenaSpecs, options, period);
  return { config, previous, userTemplates, verifyInputs, stores, accounts, athena };
}

function needsTemplates(options: ReportOptions): boolean {
  return options.formats.includes('html') || options.formats.includes('pdf');
}

/**
 * What runs after the read, loaded while the logs are read (the main thread is mostly idle
 * then), not before, where it would delay the first file: the stages' modules, and the
 * templates the renderers use (the user's, already loaded and checked, or the built-in ones,
 * which cannot fail on anything the user gave; loading them is a quarter of the start-up).
 */
async function afterRead(options: ReportOptions, userTemplates: RenderContext['templates']) {
  const templatesReady =
    userTemplates === undefined && needsTemplates(options) ? import('../render/templates.js').then((m) => m.loadTemplates(undefined)) : userTemplates;
  const [build, findings, writer, templates] = await Promise.all([
    import('../report/build.js'),
    import('../analysis/findings.js'),
    import('../output/writer.js'),
    templatesReady,
  ]);
  return { build, findings, writer, templates };
}

/** sources -> records -> events -> analysis -> model -> renderers -> writer. */
export async function runReport(options: ReportOptions): Promise<ReportResult> {
  // A file of this report's name written into --out since now is a concurrent run's (`OutputSession`).
  const startedAt = Date.now();
  // Everything that can be wrong with the input is checked before the long read.
  const period = resolvePeriod(options.period, options.now);
  if (options.formats.length === 0) throw new UsageError('--format is empty: give any of html,pdf,json,csv,md');
  if (!Number.isInteger(options.lateDays) || options.lateDays < 0 || options.lateDays > 14) {
    throw new UsageError('--late-days must be a whole number from 0 to 14');
  }
  checkScope(options.accounts, options.regions);
  // Before any thread starts: what the run frees goes back to the system (`tuneAllocator`).
  tuneAllocator();
  // The parse workers boot (each compiles the scan kernel) while the other inputs load.
  const threads = options.threads ?? os.availableParallelism();
  const parserReady = (options.parserFactory ?? defaultParser)(threads);
  const timing = options.onTiming ?? (() => {});
  let mark = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    timing(phase, Math.round(now - mark));
    mark = now;
  };
  let inputs: Inputs;
  let collected: CollectResult;
  let stages: ReturnType<typeof afterRead>;
  let integrityResult: IntegrityResult | null = null;
  try {
    inputs = await loadInputs(options, period);
    // Process start to here: Node, the CLI, its modules and the inputs (the bench reports it).
    timing('startup', Math.round(performance.now()));
    mark = performance.now();
    const readLoop = performance.eventLoopUtilization();
    stages = afterRead(options, inputs.userTemplates);
    // Awaited after the read; a failure to load is reported there, not as an unhandled rejection.
    stages.catch(() => {});
    const anyS3 = inputs.stores.some((s) => s.kind === 's3');
    const hashes = inputs.verifyInputs !== null ? new ContentHashes() : null;
    // --verify: the check walks the trail folders the read found, with the read's listings.
    const discoveryListings: DiscoveryListings | undefined = inputs.verifyInputs !== null ? new Map() : undefined;
    const parser = await parserReady;
    collected = await collect({
      stores: inputs.stores,
      period,
      lateDays: options.lateDays,
      accounts: options.accounts,
      regions: options.regions,
      keep: options.accounts.length + options.regions.length > 0 ? (await import('../iot/events.js')).inPlaces(options.accounts, options.regions) : undefined,
      // Local files go to the workers by path, in batches: enough in flight to fill two full batches per worker.
      concurrency: options.concurrency ?? (anyS3 ? DEFAULT_S3_CONCURRENCY : Math.max(4, threads * 64)),
      parser,
      localPath: localPathOf,
      onProgress: options.onProgress,
      extra: inputs.athena,
      // --verify: the workers hash what they read, so the integrity check reads no log file twice.
      contentSink: hashes ?? undefined,
      discoveryListings,
      noteRecordFiles: inputs.verifyInputs !== null,
    });
    lap('read');
    timing('read:main-busy', Math.round(performance.eventLoopUtilization(readLoop).active));
    if (inputs.verifyInputs !== null) {
      // The workers, still up, read the month's digests; the read's hashes spare the log files.
      integrityResult = await checkIntegrity(period, inputs.stores, options, inputs.verifyInputs, hashes, parser, discoveryListings, collected.recordFiles);
      lap('verify');
    }
  } finally {
    await (await parserReady.catch(() => null))?.close?.();
  }
  // The PDF's browser starts now, on the core the single-threaded build and the other renderers
  // leave idle (~0.6 s here): it is up by the time the PDF's document is ready.
  const printer = options.formats.includes('pdf') && options.render.browserPath !== undefined
    ? await (await import('../render/pdf.js')).startPrinter({ browserPath: options.render.browserPath })
    : undefined;
  try {
    return await afterTheRead({ ...inputs, period, collected, integrityResult, printer, startedAt }, await stages, options, { lap, timing });
  } finally {
    // Closed already when the PDF was printed; here when anything before it failed.
    await printer?.close();
  }
}

/** build -> findings -> renderers -> writer, with what the read gave. */
async function afterTheRead(
  read: Inputs & { period: Period; collected: CollectResult; integrityResult: IntegrityResult | null; printer: Printer | undefined; startedAt: number },
  stages: Awaited<ReturnType<typeof afterRead>>,
  options: ReportOptions,
  { lap, timing }: { lap: (phase: string) => void; timing: (phase: string, ms: number) => void },
): Promise<ReportResult> {
  const { config, previous, verifyInputs, stores, accounts, athena, period, collected, integrityResult, printer, startedAt } = read;
  const {
    build: { buildReport },
    findings: { evaluateFindings, countFindingsBySeverity, hasFindingsAtOrAbove, disabledRules },
    writer: { OutputSession },
    templates,
  } = stages;
  const model = buildReport({
    collected,
    accounts,
    period,
    generatedAt: options.generatedAt,
    tool: options.tool,
    // A source folder of one account (or region) covers no other: none is "without logs".
    filters: coveredFilters(options, [...stores.map(storeScope), ...athena.sources.map(() => ({ account: null, region: null }))]),
    extraSources: athena.sources,
    athena: athena.read,
  });

  if (verifyInputs !== null && integrityResult !== null) addIntegrity(model, stores, verifyInputs, integrityResult);
  // A large month's garbage is collected at the end of the phase that made it (see `PhaseCollector`).
  const heap = new PhaseCollector();
  heap.afterPhase();
  lap('build');

  const findings = evaluateFindings({
    events: model.events,
    certificates: model.certificates,
    policies: model.policies,
    accounts: model.accounts,
    period,
    config,
    now: options.generatedAt,
  });
  model.findings = findings.findings;
  model.ruleErrors = findings.ruleErrors;
  model.findingNotes = findings.notes;
  model.summary.findingsBySeverity = countFindingsBySeverity(findings.findings);
  if (previous !== null) {
    // Rules the config disables did not look again at what the previous report found.
    model.comparison = compareReports(model, previous.model, previous.label, disabledRules(config));
  }
  heap.afterPhase();
  lap('findings');

  const base = baseName(period);
  const dataFiles = options.formats.filter((f) => f === 'csv' || f === 'json').map((f) => `${base}.${f}`);
  const outputs: FormatOutput[] = options.formats.flatMap((format) => FORMATS[format]);
  const nameOf = (output: FormatOutput) => `${base}${output.suffix}`;
  const phaseOf = (output: FormatOutput) => output.suffix.replace(/^[-.]/, '');
  const outputFiles = outputs.map(nameOf);
  const ctx: RenderContext = { ...options.render, templates, media: 'screen', dataFiles, outputFiles, printer };
  // Every name this report's outputs can have, whichever formats this run writes.
  const family = Object.values(FORMATS).flatMap((format) => format.map(nameOf));
  const session = new OutputSession(options.outDir, { family, startedAt, onPlaced: options.onWritten });
  // Streamed outputs are produced while they are written: the phase covers both. In a function
  // of its own, so what an output holds (the HTML's view: ~44 MB at 100,000 events) goes when
  // it is written; a local of this loop stayed reachable while the next output rendered.
  const renderAndWrite = async (output: FormatOutput) => {
    await session.add({ name: nameOf(output), bytes: await output.render(model, ctx) });
  };
  // Outputs made by another process (the PDF) start first and are awaited after the others,
  // which render meanwhile; a macrotask turn lets the PDF's document render and go to the
  // browser before them. One that fails stops the rest from starting.
  let backgroundFailed = false;
  const background = outputs
    .filter((output) => output.background === true)
    .map((output) => {
      const began = performance.now();
      const bytes = output.render(model, ctx).then((rendered) => {
        timing(`render:${phaseOf(output)}`, Math.round(performance.now() - began));
        return rendered;
      });
      bytes.catch(() => {
        backgroundFailed = true;
      });
      return { output, bytes };
    });
  try {
    if (background.length > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const output of outputs) {
      if (output.background === true) continue;
      if (backgroundFailed) break;
      await renderAndWrite(output);
      heap.afterPhase();
      lap(`render:${phaseOf(output)}`);
    }
    for (const { output, bytes } of background) {
      await session.add({ name: nameOf(output), bytes: await bytes });
      heap.afterPhase();
      lap(`wait:${phaseOf(output)}`);
    }
  } catch (error) {
    // A print still under way is stopped (its browser killed) before the outputs are removed.
    await printer?.close();
    await Promise.allSettled(background.map((b) => b.bytes));
    await session.abort();
    throw error;
  }
  // In the order of --format, whichever finished first.
  const written = (await session.commit()).sort((a, b) => outputFiles.indexOf(a.name) - outputFiles.indexOf(b.name));
  lap('write');
  const gate = options.failOn !== undefined && hasFindingsAtOrAbove(model.findings, options.failOn);
  return { model, written, earlierRunFiles: session.earlierRunFiles(), exitCode: gate ? EXIT.GATE : EXIT.OK };
}
