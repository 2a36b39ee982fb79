/**
 * A private key in a record (CreateKeysAndCertificate's `keyPair.PrivateKey`, should CloudTrail
 * keep it, or a PEM key anywhere else) never reaches a report: not the JSON, the CSVs, the HTML
 * or the Markdown, whichever way the log file is read (the fast scan of CloudTrail's compact
 * files, the plain parse of other layouts and wrappers) and with or without worker threads.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRIVATE_KEY_REMOVED } from '../../src/cloudtrail/normalize.js';
import { runReport } from '../../src/pipeline/report.js';
import { reportOptions } from '../helpers/report-options.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';

const ACCOUNT = '111122223333';
// Not a real key: its body's words must appear in no output.
const BODY = 'MIIEowIBAAKCAQEAdontLEAKme0123456789ABCDEFGH\nIJKLMNOPdontLEAKmeTOO==';
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${BODY}\n-----END RSA PRIVATE KEY-----\n`;
const CERT = 'ab'.repeat(32);

function created(eventID: string, minute: number): Record<string, unknown> {
  return record({
    eventID,
    eventTime: `2026-10-05T10:${String(minute).padStart(2, '0')}:00Z`,
    eventName: 'CreateKeysAndCertificate',
    recipientAccountId: ACCOUNT,
    requestParameters: { setAsActive: true },
    responseElements: {
      certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT}:cert/${CERT}`,
      certificateId: CERT,
      keyPair: { PublicKey: '-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n', PrivateKey: PEM },
    },
  });
}

describe('private keys in records', () => {
  const trail = writeTree({
    // CloudTrail's own compact file: the fast scan reads it.
    [logKey({ account: ACCOUNT, region: 'us-east-1', delivered: '2026-10-05T10:15' })]: [
      created('e-fast', 1),
      // Elsewhere than the key pair: a PEM in a parameter.
      record({ eventID: 'e-param', eventTime: '2026-10-05T10:02:00Z', eventName: 'UpdateThing', requestParameters: { thingName: 't', attributePayload: { attributes: { note: PEM } } } }),
    ],
  });
  const loose = writeTree({
    // Pretty-printed, and a Lake export with the record as a string: the plain parse reads them.
    'exports/pretty.json': JSON.stringify({ Records: [created('e-plain', 3)] }, null, 2),
    'exports/lake.json': JSON.stringify([{ eventJSON: JSON.stringify(created('e-lake', 4)) }]),
  });

  it.each([0, 1])('never copies one into the JSON, CSV, HTML or Markdown output (threads: %i)', async (threads) => {
    const options = reportOptions({ sources: [trail, loose], accountsFile: undefined, formats: ['json', 'csv', 'html', 'md'], threads });
    const { model } = await runReport(options);
    expect(model.events.map((e) => e.eventId).sort()).toEqual(['e-fast', 'e-lake', 'e-param', 'e-plain']);
    const files = readdirSync(options.outDir);
    expect(files.filter((f) => /\.(json|csv|html|md)$/.test(f)).length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const text = readFileSync(path.join(options.outDir, file), 'utf8');
      expect(text, file).not.toContain('dontLEAKme');
      expect(text, file).not.toContain('PRIVATE KEY-----');
    }
    const json = readFileSync(path.join(options.outDir, files.find((f) => f.endsWith('.json'))!), 'utf8');
    expect(json).toContain(PRIVATE_KEY_REMOVED);
    // The certificate the call created is still followed.
    expect(model.certificates.map((c) => c.certificateId)).toEqual([CERT]);
  });
});
