import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** A CloudTrail-style record with sensible defaults, for small inline trees. */
export function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
    eventTime: '2026-10-05T10:00:00Z',
    eventSource: 'iot.amazonaws.com',
    eventName: 'CreateThing',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2',
    requestParameters: { thingName: 'pump-1' },
    responseElements: null,
    eventID: 'e-1',
    readOnly: false,
    recipientAccountId: '111122223333',
    eventType: 'AwsApiCall',
    ...overrides,
  };
}

/** Writes `{ key: records | raw bytes }` under a new temp folder; `.gz` keys are gzipped. */
export function writeTree(files: Record<string, unknown[] | Buffer | string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-tree-'));
  for (const [key, content] of Object.entries(files)) {
    const file = path.join(root, ...key.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    let bytes = Array.isArray(content) ? Buffer.from(JSON.stringify({ Records: content })) : Buffer.isBuffer(content) ? content : Buffer.from(content);
    if (Array.isArray(content) && key.endsWith('.gz')) bytes = gzipSync(bytes);
    writeFileSync(file, bytes);
  }
  return root;
}

/** `AWSLogs/o-.../<acct>/CloudTrail/<region>/YYYY/MM/DD/<name>` for a delivery time. */
export function logKey(opts: { org?: string; account: string; region: string; delivered: string; suffix?: string; prefix?: string }): string {
  const [date, time] = opts.delivered.split('T');
  const [y, m, d] = date.split('-');
  const stamp = `${y}${m}${d}T${time.slice(0, 2)}${time.slice(3, 5)}Z`;
  const org = opts.org ? `${opts.org}/` : '';
  return `${opts.prefix ?? ''}AWSLogs/${org}${opts.account}/CloudTrail/${opts.region}/${y}/${m}/${d}/${opts.account}_CloudTrail_${opts.region}_${stamp}_${opts.suffix ?? 'AbCdEfGh12345678'}.json.gz`;
}
