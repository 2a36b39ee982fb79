import { format } from 'node:util';
import { Errors } from '@oclif/core';
import { vi } from 'vitest';
import Verify from '../../src/commands/verify.js';
import { ROOT } from './report-options.js';

/** `iot-audit verify <args>` from the sources, in this process (`--threads 0`): its exit code, and what it wrote. */
export async function verifyInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  // oclif's `this.log` writes through console.log.
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(`${format(...a)}\n`));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(`${format(...a)}\n`));
  let code: number;
  try {
    await Verify.run(['--threads', '0', ...args], ROOT);
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    if (!(error instanceof Errors.ExitError)) throw error;
    code = error.oclif.exit ?? -1;
  } finally {
    vi.restoreAllMocks();
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}
