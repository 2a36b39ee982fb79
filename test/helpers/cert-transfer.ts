/**
 * The accounts and calls of the certificate-transfer tests (a transfer from iot-prod to
 * iot-staging, as the demo's a941… and 3c6b…): one call made in an account, its resources read
 * from its parameters and response as the pipeline does.
 */
import { resourcesOf } from '../../src/iot/resources.js';
import type { Actor, IotEvent } from '../../src/report/model.js';
import { iotEvent } from './events.js';

export const PROD = '314159265358';
export const STAGING = '271828182845';
export const LAB = '161803398874';
export const NAMES: Record<string, string> = { [PROD]: 'iot-prod', [STAGING]: 'iot-staging', [LAB]: 'iot-lab' };
export const REGION = 'us-east-1';

/** A device certificate's ARN in an account. */
export const certArn = (accountId: string, id: string) => `arn:aws:iot:${REGION}:${accountId}:cert/${id}`;

/** A call at `at` (ISO, UTC, without the `Z`) in `accountId`. */
export function certCall(
  at: string,
  accountId: string,
  eventName: string,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown> | null = null,
  more: { errorCode?: string | null; actor?: Actor } = {},
): IotEvent {
  return iotEvent({
    eventTime: `${at}Z`,
    accountId,
    accountName: NAMES[accountId] ?? null,
    region: REGION,
    eventName,
    requestParameters,
    responseElements,
    resources: resourcesOf(eventName, requestParameters, responseElements),
    ...(more.errorCode !== undefined ? { errorCode: more.errorCode } : {}),
    ...(more.actor !== undefined ? { actor: more.actor } : {}),
  });
}
