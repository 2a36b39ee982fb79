import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Runs `iot-audit <args>` (bin/dev.js) in a child process, as a user runs it: command discovery,
 * flag parsing, error handling and exit codes included. Run this way (no TypeScript loader),
 * oclif loads the build (dist/), not the sources: `npm test` builds it first.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runNode(['bin/dev.js', ...args], env);
}

/**
 * Runs `iot-audit report <args>` through the fast start alone (src/cli/fast.ts, as bin/run.js
 * does before oclif), from source: exit 99 when it leaves the arguments to oclif.
 */
export function runFastCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runNode(['--import', 'tsx', 'test/helpers/fast-cli.ts', ...args], env);
}

/**
 * Runs `iot-audit <args>` (bin/run.js, the build) as user `nobody` (through `setpriv`), so the
 * file system's permissions apply as they do to a user's run: root reads and writes anywhere.
 * The repository and every path given must be readable by `nobody`.
 */
export function runCliAsNobody(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runNode(['bin/run.js', ...args], env, ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups']);
}

/** Runs `iot-audit <args>` as a user runs it: bin/run.js (the build), the fast start where it takes the arguments. */
export function runBin(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runNode(['bin/run.js', ...args], env);
}

/** Whether `runCliAsNobody` can run here: as root, with `setpriv` and a user `nobody`. */
export function canRunAsNobody(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'true']).status === 0;
}

function runNode(argv: string[], env: Record<string, string>, prefix: string[] = []): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const [command, ...before] = [...prefix, process.execPath];
    const child = spawn(command, [...before, ...argv], {
      cwd: ROOT,
      // vitest's NODE_ENV=test would make oclif look for TypeScript sources differently than a user's run.
      env: { ...process.env, CI: 'true', NODE_ENV: 'production', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
