import { describe, expect, it } from 'vitest';
import { actorSummaries } from '../../src/analysis/actors.js';
import { actorOf } from '../../src/cloudtrail/identity.js';
import { buildView, type ViewContext } from '../../src/render/view.js';
import type { JsonObject } from '../../src/types.js';
import { ACCOUNT, iotEvent, reportModel } from '../helpers/events.js';

const ctx: ViewContext = { media: 'screen', paper: 'a4', dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'] };
const IAM = `arn:aws:iam::${ACCOUNT}`;
const STS = `arn:aws:sts::${ACCOUNT}`;

/** The Actors row of the one caller of a report whose events all come from `userIdentity`. */
function actorRowOf(userIdentity: JsonObject) {
  const events = [iotEvent({ actor: actorOf(userIdentity) })];
  const rows = buildView(reportModel({ events, actors: actorSummaries(events) }), ctx).actors.chunks.flatMap((c) => c.rows);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('the Actors section: "Role:" under a caller', () => {
  // Each kind of identity `actorOf` tells apart, with the label the reader sees and the role shown under it.
  const cases: { kind: string; userIdentity: JsonObject; label: string; role: string | null }[] = [
    {
      kind: 'a role session',
      userIdentity: {
        type: 'AssumedRole',
        arn: `${STS}:assumed-role/deploy/ci-1`,
        accountId: ACCOUNT,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `${IAM}:role/deploy`, userName: 'deploy' } },
      },
      label: 'role/deploy',
      role: `${IAM}:role/deploy`,
    },
    {
      kind: 'a role session of a role with a path (IAM Identity Center)',
      userIdentity: {
        type: 'AssumedRole',
        arn: `${STS}:assumed-role/AWSReservedSSO_Admin_0123/alice`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `${IAM}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123` } },
      },
      label: 'role/AWSReservedSSO_Admin_0123',
      role: `${IAM}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123`,
    },
    {
      // The label names the role whatever the issuer's type says: so does "Role:".
      kind: 'a role session whose issuer type is not one CloudTrail writes',
      userIdentity: {
        type: 'AssumedRole',
        arn: `${STS}:assumed-role/deploy/ci-2`,
        sessionContext: { sessionIssuer: { type: 'ROLE', arn: `${IAM}:role/deploy` } },
      },
      label: 'role/deploy',
      role: `${IAM}:role/deploy`,
    },
    {
      kind: 'a role session whose issuer type says an IAM user',
      userIdentity: {
        type: 'AssumedRole',
        arn: `${STS}:assumed-role/deploy/ci-3`,
        sessionContext: { sessionIssuer: { type: 'IAMUser', arn: `${IAM}:role/deploy` } },
      },
      label: 'role/deploy',
      role: `${IAM}:role/deploy`,
    },
    {
      kind: 'a role session by its ARN alone (no identity type) whose issuer type says an IAM user',
      userIdentity: {
        arn: `${STS}:assumed-role/deploy/ci-4`,
        sessionContext: { sessionIssuer: { type: 'IAMUser', arn: `${IAM}:role/deploy` } },
      },
      label: 'role/deploy',
      role: `${IAM}:role/deploy`,
    },
    {
      kind: 'a federated user whose issuer type is not one CloudTrail writes: what the ARN says',
      userIdentity: {
        type: 'FederatedUser',
        arn: `${STS}:federated-user/ops`,
        accountId: ACCOUNT,
        sessionContext: { sessionIssuer: { type: 'user', arn: `${IAM}:user/bob` } },
      },
      label: 'federated-user/ops (issued by user/bob)',
      role: null,
    },
    {
      kind: 'a session whose record names no identity type, issued by a role',
      userIdentity: { sessionContext: { sessionIssuer: { arn: `${IAM}:role/legacy` } } },
      label: 'role/legacy',
      role: `${IAM}:role/legacy`,
    },
    {
      kind: 'the root user',
      userIdentity: { type: 'Root', arn: `${IAM}:root`, accountId: ACCOUNT, principalId: ACCOUNT },
      label: `root (${ACCOUNT})`,
      role: null,
    },
    {
      kind: 'an IAM user',
      userIdentity: { type: 'IAMUser', arn: `${IAM}:user/alice`, userName: 'alice', accountId: ACCOUNT },
      label: 'user/alice',
      role: null,
    },
    {
      kind: 'a federated user issued by an IAM user',
      userIdentity: {
        type: 'FederatedUser',
        arn: `${STS}:federated-user/ops`,
        accountId: ACCOUNT,
        sessionContext: { sessionIssuer: { type: 'IAMUser', arn: `${IAM}:user/bob`, userName: 'bob' } },
      },
      label: 'federated-user/ops (issued by user/bob)',
      role: null,
    },
    {
      kind: 'a federated user issued by the root user',
      userIdentity: {
        type: 'FederatedUser',
        arn: `${STS}:federated-user/night`,
        accountId: ACCOUNT,
        sessionContext: { sessionIssuer: { type: 'Root', arn: `${IAM}:root`, accountId: ACCOUNT } },
      },
      label: `federated-user/night (issued by the root user of ${ACCOUNT})`,
      role: null,
    },
    {
      kind: 'a federated user issued by a role',
      userIdentity: {
        type: 'FederatedUser',
        arn: `${STS}:federated-user/broker-1`,
        accountId: ACCOUNT,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `${IAM}:role/broker` } },
      },
      label: 'federated-user/broker-1 (issued by role/broker)',
      role: `${IAM}:role/broker`,
    },
    {
      // `:role/` in the ARN, but in an IAM user's name: its label says user, so no role is shown.
      kind: 'a federated user issued by an IAM user whose ARN holds ":role/"',
      userIdentity: {
        type: 'FederatedUser',
        arn: `${STS}:federated-user/ops`,
        accountId: ACCOUNT,
        sessionContext: { sessionIssuer: { arn: `${IAM}:user/bob:role/admin` } },
      },
      label: 'federated-user/ops (issued by user/admin)',
      role: null,
    },
    {
      kind: 'an IAM Identity Center user',
      userIdentity: {
        type: 'IdentityCenterUser',
        accountId: ACCOUNT,
        onBehalfOf: { userId: 'u-1', identityStoreArn: 'arn:aws:identitystore::123456789012:identitystore/d-123' },
      },
      label: 'identity-center-user/u-1 (store d-123)',
      role: null,
    },
    {
      kind: 'another account',
      userIdentity: { type: 'AWSAccount', accountId: '999999999999', principalId: 'AIDAEXAMPLE' },
      label: 'account/999999999999 (principal AIDAEXAMPLE)',
      role: null,
    },
    {
      kind: 'an AWS service',
      userIdentity: { type: 'AWSService', invokedBy: 'iot.amazonaws.com' },
      label: 'iot.amazonaws.com',
      role: null,
    },
    {
      kind: 'another identity type',
      userIdentity: { type: 'SAMLUser', principalId: 'SAML:carol', userName: 'carol', accountId: ACCOUNT },
      label: 'SAMLUser/carol',
      role: null,
    },
  ];

  it.each(cases)('$kind', ({ userIdentity, label, role }) => {
    const row = actorRowOf(userIdentity);
    expect({ label: row.label, role: row.role }).toEqual({ label, role });
  });
});
