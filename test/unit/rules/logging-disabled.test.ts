import { beforeEach, describe, expect, it } from 'vitest';
import { loggingDisabled as rule } from '../../../src/analysis/rules/logging-disabled.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { resetEventIds, runRule, timeline, type EventInit } from '../../helpers/events.js';

const v2 = (params: Record<string, unknown>, extra: EventInit = {}): EventInit => ({ eventName: 'SetV2LoggingOptions', requestParameters: { roleArn: 'arn:aws:iam::111111111111:role/iot-logs', ...params }, ...extra });
const level = (targetName: string, logLevel: string): EventInit => ({
  eventName: 'SetV2LoggingLevel',
  requestParameters: { logTarget: { targetType: 'THING_GROUP', targetName }, logLevel },
});

interface Case {
  name: string;
  steps: EventInit[];
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on defaultLogLevel DISABLED',
    steps: [v2({ defaultLogLevel: 'DISABLED' })],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('logging:default');
      expect(hit!.lowerSeverityBy).toBe(0);
    },
  },
  { name: 'fires on disableAllLogs "true"', steps: [v2({ defaultLogLevel: 'ERROR', disableAllLogs: 'true' })], hits: 1, check: ([hit]) => expect(hit!.description).toContain('disabled all IoT logs') },
  { name: 'fires on SetLoggingOptions DISABLED', steps: [{ eventName: 'SetLoggingOptions', requestParameters: { loggingOptionsPayload: { roleArn: 'r', logLevel: 'DISABLED' } } }], hits: 1 },
  { name: 'fires on SetV2LoggingLevel DISABLED for a target', steps: [level('sensors', 'DISABLED')], hits: 1, check: ([hit]) => expect(hit!.resource).toBe('logging:THING_GROUP:sensors') },
  {
    name: 'fires one level lower when the level is turned down',
    steps: [v2({ defaultLogLevel: 'INFO' }), v2({ defaultLogLevel: 'ERROR' })],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(1);
      expect(hit!.description).toContain('from INFO to ERROR');
    },
  },
  { name: 'silent on logging at INFO', steps: [v2({ defaultLogLevel: 'INFO', disableAllLogs: false })], hits: 0 },
  { name: 'silent when the level is raised', steps: [v2({ defaultLogLevel: 'ERROR' }), v2({ defaultLogLevel: 'DEBUG' })], hits: 0 },
  { name: 'silent on a first low level with nothing to compare', steps: [v2({ defaultLogLevel: 'ERROR' })], hits: 0 },
  { name: 'silent on a failed attempt to disable', steps: [v2({ defaultLogLevel: 'DISABLED' }, { errorCode: 'AccessDeniedException' })], hits: 0 },
  { name: 'silent when levels of different targets differ', steps: [level('a', 'DEBUG'), level('b', 'ERROR')], hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ steps, hits, check }) => {
    const result = runRule(rule, timeline('2026-10-05T10:00:00Z', steps.map((s, i) => ({ ...s, at: i }))));
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});
