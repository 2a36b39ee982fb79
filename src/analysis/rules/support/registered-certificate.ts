import { X509Certificate } from 'node:crypto';
import type { IotEvent } from '../../../report/model.js';
import { getOrInsert } from '../../../memo.js';
import { reqParam, str } from './values.js';

/** The calls that register a certificate from its PEM, the parameter that carries it, and whether it is a CA's (FORMATS.md 3); a Map: an event name is log text, `constructor` included. */
export const PEM_PARAMETER: ReadonlyMap<string, { parameter: string; ca: boolean }> = new Map([
  ['RegisterCertificate', { parameter: 'certificatePem', ca: false }],
  ['RegisterCertificateWithoutCA', { parameter: 'certificatePem', ca: false }],
  ['RegisterCACertificate', { parameter: 'caCertificate', ca: true }],
]);

/** AWS IoT takes PEMs of up to 65,536 characters: a longer value is not read (a forged log). */
const MAX_PEM = 65_536;

// Several rules read the certificate of each register call (certificate-expiring, certificate-reactivated): parse each event's once.
const certificates = new WeakMap<IotEvent, X509Certificate | null>();

/** The certificate a register call carries, or null when it is no register call, or its PEM is absent, too long or not a certificate. Shared: do not change it. */
export function registeredCertificate(event: IotEvent): X509Certificate | null {
  return getOrInsert(certificates, event, () => parseRegisteredCertificate(event));
}

function parseRegisteredCertificate(event: IotEvent): X509Certificate | null {
  const register = PEM_PARAMETER.get(event.eventName);
  const pem = register === undefined ? null : str(reqParam(event, register.parameter));
  if (pem === null || pem.length > MAX_PEM || !pem.includes('-----BEGIN CERTIFICATE-----')) return null;
  try {
    return new X509Certificate(pem);
  } catch {
    return null;
  }
}

/** The id AWS IoT gives a certificate: the SHA-256 of its DER, lower-case hex (for a register call whose response was not logged). */
export function certificateIdOfPem(certificate: X509Certificate): string {
  return certificate.fingerprint256.replace(/:/g, '').toLowerCase();
}
