/** The rules as a user's configuration sets them up, for `iot-audit rules` and documentation. */
import type { Severity } from '../../report/model.js';
import type { AuditConfig } from '../../config/types.js';
import { effectiveSeverity, isRuleEnabled, resolveParams } from '../findings.js';
import { RULES } from './index.js';
import type { ResourceKind } from './types.js';

export interface RuleListing {
  id: string;
  title: string;
  /** Severity after the configuration's override. */
  severity: Severity;
  defaultSeverity: Severity;
  enabled: boolean;
  deviceDefenderCheck: string | null;
  description: string;
  remediation: string;
  /** What its findings' resource is, which a suppression's `resource` pattern matches. */
  resourceKind: ResourceKind;
  /** Parameters after the configuration. */
  parameters: Record<string, unknown>;
  defaults: Record<string, unknown>;
}

export function listRules(config: AuditConfig): RuleListing[] {
  return Object.entries(RULES).map(([id, rule]) => {
    const settings = config.rules[id];
    return {
      id,
      title: rule.title,
      severity: effectiveSeverity(rule, settings),
      defaultSeverity: rule.severity,
      enabled: isRuleEnabled(settings),
      deviceDefenderCheck: rule.deviceDefenderCheck ?? null,
      description: rule.description,
      remediation: rule.remediation,
      resourceKind: rule.resourceKind,
      parameters: resolveParams(rule, settings),
      defaults: { ...rule.defaults },
    };
  });
}
