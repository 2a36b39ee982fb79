import os from 'node:os';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { INTERRUPTED, catchStopSignals, exitInterrupted } from '../cli/failure.js';
import { periodFlags, scopeFlags, usageWithPeriod } from '../cli/flags.js';
import { progressFor, type Progress } from '../cli/progress.js';
import { remarkLine } from '../cli/remark.js';
import { localDateTime, resolvePeriod } from '../collect/period.js';
import { EXIT } from '../errors.js';
import { tuneAllocator } from '../native.js';
import { checkScope } from '../sources/athena/validate.js';
import { compareText, printable } from '../unicode.js';

export default class Verify extends BaseCommand {
  static override summary = 'Validate CloudTrail log integrity (digest chains, signatures, log file hashes) across the organization.';

  static override description = `Walks every digest chain that covers the period, for every account and region found in the sources (or those asked for): checks each digest's RSA signature, the links between digests (previous hash and signature) and their hourly cadence (so runs of deleted digests are counted), and every log file's SHA-256 against its digest. Log files of the period that no digest lists are reported too. Each object is downloaded once.

Signatures come from the digests' S3 metadata on an s3:// source. On a local copy each digest is checked with the signature the next digest carries; the newest digest's own signature needs a <digest>.sig sidecar or --signatures.

Exit status: 0 when the logs are VERIFIED, or VERIFIED IN PART (log files left unchecked with a warning only, such as those whose digest is not due yet), 1 when the check FAILED (a digest or log file altered, added, moved or badly signed) or is INCOMPLETE (a digest or log file missing, or log files that could not be checked against a signed digest), 3 when no trail folder (logs or digests) was found under the sources for the accounts and regions asked for.`;

  static override examples = [
    '<%= config.bin %> verify --source s3://my-org-trail-bucket --period 2026-10',
    '<%= config.bin %> verify --source ./org-trail-copy --period 2026-10 --public-keys keys.json',
    '<%= config.bin %> verify --source ./org-trail-copy --from 2026-10-01 --to 2026-10-08 --account 111122223333 --region eu-west-1 --json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...periodFlags,
    ...scopeFlags,
    source: Flags.string({ description: 'A local copy of the trail bucket (at any prefix above AWSLogs/) or s3://bucket[/prefix]. Repeatable.', multiple: true, required: true }),
    'public-keys': Flags.string({ description: 'The JSON printed by `aws cloudtrail list-public-keys` for the period: verify offline. Default: CloudTrail ListPublicKeys in each trail home region.' }),
    signatures: Flags.string({ description: 'Digest signatures saved from S3 metadata: JSON {"<digest key>": "<hex>"} or lines "<digest key> <hex>".' }),
    profile: Flags.string({ description: 'AWS profile for S3 and CloudTrail (default: the SDK credential chain).' }),
    'aws-region': Flags.string({
      description: "AWS region for S3 calls (default: the SDK configuration; S3 follows the bucket region). Public keys are read in each trail's home region.",
    }),
    concurrency: Flags.integer({ description: 'Objects read at once, 1 to 512.', default: 16, min: 1, max: 512 }),
    threads: Flags.integer({ description: 'Worker threads reading digests and hashing log files, 0 to 64 (default: one per CPU; 0: all on the main thread).', min: 0, max: 64 }),
  };

  // oclif's own line would offer --period, --from and --to as three alternatives.
  static override usage = usageWithPeriod(Verify.flags, { json: Verify.enableJsonFlag });

  async run(): Promise<unknown> {
    // Ctrl-C or SIGTERM from the start (loading modules and keys, opening an S3 source, the check):
    // exit 130, under --json with the error object on stdout. (While oclif loaded, bin/run.js caught them.)
    let progress: Progress | undefined;
    const signals = catchStopSignals((signal) => {
      progress?.done();
      exitInterrupted(signal, this.jsonEnabled(), INTERRUPTED.verify);
    });
    try {
      const { flags } = await this.parse(Verify);
      checkScope(flags.account ?? [], flags.region ?? []);
      // Loaded when the command runs: command discovery (every --help, every command) stays cheap.
      const [
        { cloudTrailKeyProvider },
        { loadPublicKeysFile },
        { loadSignaturesFile },
        { formatIntegrityText },
        { checkVerdict },
        { verifyIntegrity },
        { localPathOf, openSources },
        { checkParseSwitches, createParsePool, integrityOnWorkers },
      ] = await Promise.all([
        import('../integrity/aws-keys.js'),
        import('../integrity/public-keys.js'),
        import('../integrity/signatures-file.js'),
        import('../integrity/text.js'),
        import('../integrity/report.js'),
        import('../integrity/verify.js'),
        import('../sources/open.js'),
        import('../collect/pool.js'),
      ]);
      // Before anything is read (exit 2): the scan kernel and gunzip the workers are told to use.
      await checkParseSwitches();
      const now = new Date();
      const period = resolvePeriod({ period: flags.period, from: flags.from, to: flags.to, tz: flags.tz }, now);
      const start = new Date(period.start);
      const end = new Date(period.end);
      // The messages' times as the report gives them, in the period's zone (`YYYY-MM-DD HH:MM:SS`), under --json
      // too; the result's `from`, `to`, gaps and covered span stay ISO 8601 UTC, the data.
      const stamp = (ms: number) => localDateTime(ms, period.timeZone);
      const publicKeys = flags['public-keys'] ? await loadPublicKeysFile(flags['public-keys']) : cloudTrailKeyProvider({ profile: flags.profile, start, end, now });
      const signatures = flags.signatures ? await loadSignaturesFile(flags.signatures) : undefined;
      const stores = await openSources(flags.source, {
        profile: flags.profile,
        region: flags['aws-region'],
        concurrency: flags.concurrency,
        // On stderr, under --json too: stdout stays the one JSON object.
        note: (text) => process.stderr.write(`${printable(remarkLine('Note', text))}\n`),
      });

      progress = progressFor(process.stderr, process.env, this.jsonEnabled());
      // Log files are inflated and hashed, and local digests read and parsed, on worker threads.
      const threads = flags.threads ?? os.availableParallelism();
      tuneAllocator();
      const pool = threads > 0 ? createParsePool({ threads }) : null;
      let result;
      try {
        const shown = progress;
        result = await verifyIntegrity({
          stores,
          start,
          end,
          accounts: flags.account,
          regions: flags.region,
          publicKeys,
          signatures,
          concurrency: flags.concurrency,
          now,
          stamp,
          // No trail folder under any source: a mistyped source or filter (exit 3, as for `report`), not tampered logs (exit 1).
          nothingToCheck: 'source-error',
          onProgress: (p) => shown.update(`${p.phase}: ${p.done}/${p.total}`),
          ...(pool !== null ? integrityOnWorkers(pool, localPathOf) : {}),
        });
      } finally {
        await pool?.close();
        // Cleared whether the check ends in a result or an error: an error is a line of its own.
        progress.done();
      }

      this.log(`${period.label}`);
      this.log(formatIntegrityText(result, stamp));
      // Exit 1 for `failed` and `incomplete` (not ok): a log file nobody could prove fails the check as an altered one does.
      process.exitCode = result.ok ? EXIT.OK : EXIT.GATE;
      // `verdict` second, after `ok`: the text's headline, as `report --verify` gives it for the same check.
      const { ok, ...rest } = result;
      return { ok, verdict: checkVerdict(result), ...rest, period, logFiles: Object.fromEntries([...result.logFiles].sort(([a], [b]) => compareText(a, b))) };
    } finally {
      signals.remove();
    }
  }
}
