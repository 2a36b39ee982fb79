/**
 * The shared helpers the analysis leans on for speed (local times, sorting by a key,
 * glob answers, policy versions, resources) give the answers of the plain code
 * they replace.
 */
import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import { byString, distinct, sortByString } from '../../src/analysis/params.js';
import { matchesGlob } from '../../src/analysis/rules/support/glob.js';
import { localDay, localTime } from '../../src/analysis/rules/support/grouping.js';
import { knownPolicyVersions } from '../../src/analysis/rules/support/policy-versions.js';
import { clip, countActions } from '../../src/analysis/rules/support/text.js';
import { resourcesOf } from '../../src/iot/resources.js';
import type { PolicyHistory } from '../../src/report/model.js';
import { iotEvent, policyDocument, resetEventIds } from '../helpers/events.js';

/** The luxon reading of local wall-clock facts that `localTime` replaces. */
function referenceLocalTime(iso: string, zone: string) {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return { day: iso.slice(0, 10), weekday: 1, minutes: 0 };
  let offset = DateTime.fromMillis(ms, { zone }).offset;
  if (!Number.isFinite(offset)) offset = 0;
  const local = new Date(ms + offset * 60_000);
  return {
    day: local.toISOString().slice(0, 10),
    weekday: ((local.getUTCDay() + 6) % 7) + 1,
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

describe('localTime', () => {
  const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago', 'Etc/GMT-14', 'Mars/Olympus'];

  it('matches luxon every 7 minutes across the 2026 DST changes, before 1970, and for odd input', () => {
    const instants: string[] = [];
    for (const [from, to] of [
      [Date.UTC(2026, 2, 27), Date.UTC(2026, 3, 6)],
      [Date.UTC(2026, 8, 4), Date.UTC(2026, 8, 8)],
      [Date.UTC(2026, 9, 23), Date.UTC(2026, 10, 3)],
      [Date.UTC(1969, 11, 30), Date.UTC(1970, 0, 2)],
    ]) {
      for (let t = from!; t < to!; t += 7 * 60_000 + 13_000) instants.push(new Date(t).toISOString());
    }
    instants.push('2026-10-25T01:00:00+01:00', '2026-10-05', 'not a time', '', '1899-06-01T12:00:00Z');
    for (const zone of zones) for (const iso of instants) expect(localTime(iso, zone)).toEqual(referenceLocalTime(iso, zone));
  });

  it('gives the local day', () => {
    expect(localDay('2026-10-05T22:30:00Z', 'Europe/Paris')).toBe('2026-10-06');
    expect(localDay('2026-10-05T03:30:00Z', 'America/New_York')).toBe('2026-10-04');
  });
});

describe('small helpers', () => {
  it('distinct keeps first appearances in order', () => {
    expect(distinct(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c']);
    const one = ['x'];
    expect(distinct(one)).toEqual(['x']);
    expect(distinct(one)).not.toBe(one);
    expect(distinct([])).toEqual([]);
  });

  it('sortByString sorts as sort(byString(key)) does, ties in their order', () => {
    const items = ['b2', 'a1', 'b1', 'a2', 'c1', 'a3'].map((name, i) => ({ name, i }));
    const expected = [...items].sort(byString((x) => x.name[0]!));
    expect(sortByString([...items], (x) => x.name[0]!)).toEqual(expected);
  });

  it('glob answers stay right when asked again, in both cases', () => {
    for (let round = 0; round < 2; round++) {
      expect(matchesGlob('iot:*', 'iot:Connect', true)).toBe(true);
      expect(matchesGlob('IOT:*', 'iot:Connect', true)).toBe(true);
      expect(matchesGlob('IOT:*', 'iot:Connect')).toBe(false);
      expect(matchesGlob('topic/?', 'topic/ab')).toBe(false);
    }
  });

  it('clip and countActions', () => {
    expect(clip('a\u0000\u0001b\nc', 10)).toBe('a b c');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(countActions(['A', 'B', 'A', 'C\n'])).toBe('2 × A, 1 × B, 1 × C ');
  });
});

describe('knownPolicyVersions', () => {
  beforeEach(resetEventIds);

  it('is worked out once per report and apart for other policy histories', () => {
    const doc = policyDocument({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' });
    const events = [
      iotEvent({ eventName: 'CreatePolicy', requestParameters: { policyName: 'p', policyDocument: doc } }),
      iotEvent({ eventName: 'SetDefaultPolicyVersion', requestParameters: { policyName: 'q', policyVersionId: '2' } }),
    ];
    const none: PolicyHistory[] = [];
    const first = knownPolicyVersions(events, none);
    expect(knownPolicyVersions(events, none)).toBe(first);
    expect(first.map((v) => v.policyName)).toEqual(['p']);
    const history: PolicyHistory[] = [
      {
        policyName: 'q',
        accountId: events[1]!.accountId,
        accountName: null,
        region: events[1]!.region,
        arn: null,
        versions: [
          {
            versionId: '2',
            eventId: 'x',
            eventTime: '2026-10-01T00:00:00Z',
            eventName: 'CreatePolicyVersion',
            document: doc,
            documentRecorded: true,
            documentPretty: null,
            setAsDefault: false,
            actorLabel: 'a',
          },
        ],
        changes: [],
        defaultVersionId: null,
        deleted: false,
        attachedTargets: [],
        failedEventIds: [],
      },
    ];
    expect(knownPolicyVersions(events, history).map((v) => v.policyName)).toEqual(['p', 'q']);
  });
});

describe('resourcesOf', () => {
  const CERT = 'a'.repeat(64);
  const arn = (id: string) => `arn:aws:iot:eu-west-1:111111111111:cert/${id}`;

  it('lists each resource once, in first-mention order, keeping an ARN mentioned later', () => {
    expect(resourcesOf('AttachThingPrincipal', { thingName: 't', principal: CERT }, { note: `see ${arn(CERT)}` })).toEqual([
      { type: 'thing', id: 't', arn: null },
      { type: 'certificate', id: CERT, arn: null },
    ]);
    expect(resourcesOf('UpdateCertificate', { certificateId: CERT }, { certificateArn: arn(CERT) })).toEqual([
      { type: 'certificate', id: CERT, arn: arn(CERT) },
    ]);
  });

  it('keeps every certificate of a long response once, in order', () => {
    const ids = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(64, '0'));
    const response = { certificates: [...ids, ...ids].map((id) => ({ certificateArn: arn(id), note: `also :cert/${id}` })) };
    const refs = resourcesOf('ListCertificates', null, response);
    expect(refs.map((r) => r.id)).toEqual(ids);
    expect(refs.every((r) => r.arn === arn(r.id))).toBe(true);
  });

  it('finds every certificate id written in one string', () => {
    const text = `see ${arn(CERT)} and arn:aws:iot:eu-west-1:111111111111:cacert/${'b'.repeat(64)}`;
    expect(resourcesOf('X', { text }, null)).toEqual([
      { type: 'certificate', id: CERT, arn: null },
      { type: 'caCertificate', id: 'b'.repeat(64), arn: null },
    ]);
  });
});
