import { beforeEach, describe, expect, it } from 'vitest';
import { consoleChange as rule } from '../../../src/analysis/rules/console-change.js';
import { iotEvent, resetEventIds, runRule, type EventInit } from '../../helpers/events.js';

const cases: { name: string; event: EventInit; hits: number; says?: string }[] = [
  { name: 'fires on a console action', event: { eventType: 'AwsConsoleAction' }, hits: 1, says: 'a console action' },
  { name: 'fires on the console user agent', event: { userAgent: 'console.amazonaws.com' }, hits: 1, says: 'console user agent' },
  { name: 'fires on a bracketed console user agent', event: { userAgent: '[console.amazonaws.com]' }, hits: 1 },
  { name: 'fires on session credentials from the console', event: { sessionCredentialFromConsole: true }, hits: 1, says: 'session credentials' },
  { name: 'fires on a browser user agent', event: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' }, hits: 1 },
  { name: 'silent on the AWS CLI', event: { userAgent: 'aws-cli/2.15.0 Python/3.11.6' }, hits: 0 },
  { name: 'silent on a user agent that merely mentions the console', event: { userAgent: 'my-tool/1.0 (not-console.amazonaws.com.evil)' }, hits: 0 },
  { name: 'silent on AWS Internal', event: { userAgent: 'AWS Internal' }, hits: 0 },
  { name: 'silent on a console read', event: { eventType: 'AwsConsoleAction', eventName: 'ListThings' }, hits: 0 },
  { name: 'silent on a failed console change', event: { eventType: 'AwsConsoleAction', errorCode: 'AccessDenied' }, hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ event, hits, says }) => {
    const result = runRule(rule, [iotEvent(event)]);
    expect(result).toHaveLength(hits);
    if (says) expect(result[0]!.description).toContain(says);
  });
});
