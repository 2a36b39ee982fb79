import type { IotEvent } from '../../report/model.js';
import type { Rule, RuleHit } from './types.js';
import { clip, compactTime } from './support/text.js';
import { bool, reqParam, str } from './support/values.js';

// Verbosity order of AWS IoT log levels.
const LEVELS = ['DISABLED', 'ERROR', 'WARN', 'INFO', 'DEBUG'];

interface LevelChange {
  target: string;
  level: string | null;
  disabledAll: boolean;
}

/** What a logging call sets, or null when it is not one. */
function loggingChange(event: IotEvent): LevelChange | null {
  switch (event.eventName) {
    case 'SetV2LoggingOptions':
      return {
        target: 'default',
        level: str(reqParam(event, 'defaultLogLevel'))?.toUpperCase() ?? null,
        disabledAll: bool(reqParam(event, 'disableAllLogs')) === true,
      };
    case 'SetLoggingOptions':
      return {
        target: 'default',
        level: str(reqParam(event, 'loggingOptionsPayload', 'logLevel'))?.toUpperCase() ?? null,
        disabledAll: false,
      };
    case 'SetV2LoggingLevel': {
      const type = str(reqParam(event, 'logTarget', 'targetType')) ?? 'target';
      const name = str(reqParam(event, 'logTarget', 'targetName'));
      return {
        target: name ? `${type}:${name}` : type,
        level: str(reqParam(event, 'logLevel'))?.toUpperCase() ?? null,
        disabledAll: false,
      };
    }
    default:
      return null;
  }
}

/**
 * IoT logging turned off (level DISABLED, disableAllLogs) or turned down (a less verbose
 * level than the one set earlier in the period for the same target; one level lower).
 */
export const loggingDisabled: Rule<Record<string, never>> = {
  id: 'logging-disabled',
  title: 'AWS IoT logging turned off or down',
  severity: 'high',
  description:
    'SetV2LoggingOptions with defaultLogLevel DISABLED or disableAllLogs true, SetLoggingOptions with logLevel DISABLED, or SetV2LoggingLevel DISABLED turns IoT logging off. A level less verbose than the one set earlier in the period for the same target (e.g. INFO → ERROR) turns it down and is reported one level lower.',
  deviceDefenderCheck: 'LOGGING_DISABLED_CHECK',
  remediation: 'Turn AWS IoT logging back on (at least ERROR, INFO while investigating) and find out why it was turned off.',
  resourceKind: 'logging-target',
  defaults: {},
  evaluate(ctx) {
    const levels = new Map<string, string>();
    const hits: RuleHit[] = [];
    const events = ctx.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!event.isChange) continue;
      const change = loggingChange(event);
      if (!change) continue;
      const key = JSON.stringify([event.accountId, event.region, change.target]);
      const previous = levels.get(key) ?? null;
      const level = change.disabledAll ? 'DISABLED' : change.level;
      if (level) levels.set(key, level);
      const off = change.disabledAll || level === 'DISABLED';
      const down =
        !off && level !== null && previous !== null && LEVELS.includes(level) && LEVELS.indexOf(level) < LEVELS.indexOf(previous);
      if (!off && !down) continue;
      const what = change.disabledAll
        ? 'disabled all IoT logs'
        : off
          ? `set the IoT log level of ${clip(change.target, 100)} to DISABLED`
          : `lowered the IoT log level of ${clip(change.target, 100)} from ${previous} to ${clip(level ?? '', 20)}`;
      hits.push({
        accountId: event.accountId,
        region: event.region,
        resource: `logging:${change.target}`,
        eventIds: [event.eventId],
        time: event.eventTime,
        description: `${clip(event.actor.label, 100)} ${what} (${event.eventName}).`,
        evidence: null,
        discriminator: compactTime(event.eventTime),
        lowerSeverityBy: off ? 0 : 1,
      });
    }
    return hits;
  },
};
