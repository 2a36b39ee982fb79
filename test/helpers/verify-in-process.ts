import { format } from 'node:util';
import { Errors } from '@oclif/core';
import { vi } from 'vitest';
import Verify from '../../src/commands/verify.js';
import { ROOT } from './report-options.js';

/** Runs `fn` with stdout and stderr (and oclif's console: its `this.log` writes through console.log) captured. */
export async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(`${format(...a)}\n`));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(`${format(...a)}\n`));
  try {
    const value = await fn();
    return { value, stdout: out.join(''), stderr: err.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

/** `iot-audit verify <args>` from the sources, in this process (`--threads 0`): its exit code, and what it wrote. */
export async function verifyInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { value: code, stdout, stderr } = await captured(async () => {
    try {
      await Verify.run(['--threads', '0', ...args], ROOT);
      return Number(process.exitCode ?? 0);
    } catch (error) {
      if (!(error instanceof Errors.ExitError)) throw error;
      return error.oclif.exit ?? -1;
    }
  });
  return { code, stdout, stderr };
}
