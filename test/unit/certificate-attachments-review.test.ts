/**
 * What a certificate's card says is attached to it at the end of the period (review, 2026-11-26):
 * a certificate that existed before the period showed "Things: thing-a" and "Policies: p" as if
 * they were all, though what was attached to it before the period is not in its events. As for a
 * policy (`attachedTargetsComplete`), the lists are whole only for a certificate the period shows
 * created, registered or issued (nothing was attached before) or deleted (nothing stays attached):
 * the model says so (`attachmentsComplete`, schema 1.7), and the HTML and the PDF in the policy's words.
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import type { RenderContext } from '../../src/render/context.js';
import { htmlText } from '../../src/render/html.js';
import type { IotEvent, ReportModel } from '../../src/report/model.js';
import { NAMES, PROD, certArn, certCall as call } from '../helpers/cert-transfer.js';
import { account, reportModel } from '../helpers/events.js';

const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: ['report.json'] };
const PDF: RenderContext = { ...SCREEN, media: 'pdf' };
/** Existed before the period: only attached to in it. */
const OLD = '0a'.repeat(32);
/** Created in the period, then attached to. */
const MADE = '0b'.repeat(32);
/** Existed before the period, deleted in it. */
const GONE = '0c'.repeat(32);

const attachThing = (at: string, id: string, thingName: string) => call(at, PROD, 'AttachThingPrincipal', { thingName, principal: certArn(PROD, id) });
const attachPolicy = (at: string, id: string, policyName: string) => call(at, PROD, 'AttachPolicy', { policyName, target: certArn(PROD, id) });

const EVENTS: readonly IotEvent[] = [
  attachThing('2026-10-02T10:00:00', OLD, 'thing-a'),
  attachPolicy('2026-10-02T10:01:00', OLD, 'pol-a'),
  call('2026-10-03T10:00:00', PROD, 'CreateKeysAndCertificate', { setAsActive: true }, { certificateId: MADE, certificateArn: certArn(PROD, MADE) }),
  attachThing('2026-10-03T10:01:00', MADE, 'thing-b'),
  attachPolicy('2026-10-03T10:02:00', MADE, 'pol-b'),
  call('2026-10-04T10:00:00', PROD, 'UpdateCertificate', { certificateId: GONE, newStatus: 'INACTIVE' }),
  call('2026-10-04T10:01:00', PROD, 'DeleteCertificate', { certificateId: GONE }),
];

function report(): ReportModel {
  const events = [...EVENTS];
  return reportModel({ accounts: [account(PROD, { name: NAMES[PROD] })], events, certificates: certificateLifecycles(events) });
}

const certificate = (m: ReportModel, id: string) => m.certificates.find((c) => c.certificateId === id)!;

/** The card's first cell (id, kind, things, policies) of certificate `id`, its text on one line. */
async function cardCell(m: ReportModel, id: string, ctx: RenderContext): Promise<string> {
  const row = parse(await htmlText(m, ctx))
    .querySelectorAll('#certificates table.certs tbody tr')
    .find((tr) => tr.querySelector('td')?.text.includes(id))!;
  return row.querySelector('td')!.text.replace(/\s+/g, ' ').trim();
}

describe('a certificate that existed before the period: what is attached to it at the end is not all known', () => {
  it('the model says the lists are whole only for one the period shows created or deleted', () => {
    const m = report();
    expect(certificate(m, OLD)).toMatchObject({ things: ['thing-a'], policies: ['pol-a'], attachmentsComplete: false });
    expect(certificate(m, MADE)).toMatchObject({ things: ['thing-b'], policies: ['pol-b'], attachmentsComplete: true });
    // A deleted certificate has nothing attached: that is the whole list.
    expect(certificate(m, GONE)).toMatchObject({ things: [], policies: [], attachmentsComplete: true });
    // The JSON carries it.
    expect((JSON.parse(JSON.stringify(m)) as ReportModel).certificates.map((c) => [c.certificateId, c.attachmentsComplete])).toEqual(
      m.certificates.map((c) => [c.certificateId, c.attachmentsComplete]),
    );
  });

  it('the HTML and the PDF qualify its things and policies in the words of a policy’s targets', async () => {
    const m = report();
    for (const ctx of [SCREEN, PDF]) {
      const old = await cardCell(m, OLD, ctx);
      expect(old).toContain('Things: thing-a (only those attached in the period: things attached before it (the certificate existed before the period) are not known from its events)');
      expect(old).toContain('Policies: pol-a (only those attached in the period: policies attached before it (the certificate existed before the period) are not known from its events)');
      // Created in the period: its lists are whole, said without a note.
      const made = await cardCell(m, MADE, ctx);
      expect(made).toContain('Things: thing-b');
      expect(made).toContain('Policies: pol-b');
      expect(made).not.toContain('only those attached in the period');
    }
  });
});
