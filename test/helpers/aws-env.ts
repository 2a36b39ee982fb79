import { tmpdir } from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';

/**
 * The environment of a test against a loopback AWS server: static test credentials, no config
 * or credentials file, no profile, session or endpoint of the machine's, two attempts a request
 * and the standard retry mode; `extra` on top (a region, an endpoint). Undone by
 * `vi.unstubAllEnvs()`.
 */
export function stubLoopbackAwsEnv(extra: Record<string, string | undefined> = {}): void {
  const nowhere = path.join(tmpdir(), 'iot-audit-no-such-aws-file');
  vi.stubEnv('AWS_CONFIG_FILE', nowhere);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', nowhere);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOOPBACKTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'loopback-test-secret');
  vi.stubEnv('AWS_MAX_ATTEMPTS', '2');
  vi.stubEnv('AWS_RETRY_MODE', 'standard');
  for (const [name, value] of Object.entries(extra)) vi.stubEnv(name, value);
}
