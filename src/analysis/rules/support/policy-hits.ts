/** Hits for the rules that judge policy documents created or made default in the period. */
import type { RuleHit } from '../types.js';
import { getOrInsert } from '../../../memo.js';
import { quoteIssues, type PolicyIssue, type PolicyStatement } from './policy-document.js';
import { versionDiscriminator, versionLabel, type KnownPolicyVersion } from './policy-versions.js';
import { clip } from './text.js';

function howItHappened(version: KnownPolicyVersion): string {
  const parts: string[] = [];
  if (version.created) parts.push(`created by ${clip(version.created.actor.label, 100)}`);
  const laterDefaults = version.madeDefaultBy.filter((e) => e !== version.created);
  if (version.created && version.madeDefaultBy.includes(version.created)) parts.push('as the default version');
  else if (version.created && laterDefaults.length === 0) parts.push('not made the default version in the period');
  if (laterDefaults.length > 0) parts.push(`made default by ${clip(laterDefaults[0]!.actor.label, 100)}`);
  return parts.join(', ');
}

export function policyDocumentHits(
  versions: readonly KnownPolicyVersion[],
  judge: (statements: readonly PolicyStatement[]) => PolicyIssue[],
  summary: string,
): RuleHit[] {
  const hits: RuleHit[] = [];
  // Versions with the same document share its reading: each is judged once.
  const judged = new Map<readonly PolicyStatement[], PolicyIssue[]>();
  for (const version of versions) {
    if (version.reading.status !== 'ok') continue;
    const { statements } = version.reading;
    const issues = getOrInsert(judged, statements, () => judge(statements));
    if (issues.length === 0) continue;
    const first = version.events[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    hits.push({
      accountId: version.accountId,
      region: version.region,
      resource: version.policyName,
      eventIds: version.events.map((e) => e.eventId),
      time: first.eventTime,
      description: `Policy "${clip(version.policyName, 100)}" ${versionLabel(version)} (${howItHappened(version)}) ${summary}: ${issues[0]!.reason}${more}.`,
      evidence: quoteIssues(statements, issues),
      discriminator: versionDiscriminator(version),
      // A version that never became the default is not in effect (yet).
      lowerSeverityBy: version.madeDefaultBy.length > 0 ? 0 : 1,
    });
  }
  return hits;
}
