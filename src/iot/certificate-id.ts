import { X509Certificate } from 'node:crypto';
import { BoundedMemo } from '../memo.js';

/** The calls that register a certificate from its PEM, the parameter that carries it, and whether it is a CA's (FORMATS.md 3); a Map: an event name is log text, `constructor` included. */
export const PEM_PARAMETER: ReadonlyMap<string, { parameter: string; ca: boolean }> = new Map([
  ['RegisterCertificate', { parameter: 'certificatePem', ca: false }],
  ['RegisterCertificateWithoutCA', { parameter: 'certificatePem', ca: false }],
  ['RegisterCACertificate', { parameter: 'caCertificate', ca: true }],
]);

/** AWS IoT takes PEMs of up to 65,536 characters: a longer value is not read (a forged log). */
const MAX_PEM = 65_536;

// The same PEM is read when the event is built (`resourcesOf`, for a register call whose
// response was not logged) and again by the rules (certificate-expiring): parsed once while
// recent. Bounded by the PEMs' length: a month can register a certificate a minute.
const certificatesOfPem = new BoundedMemo<string, X509Certificate | null>(64 * MAX_PEM, (pem) => pem.length);

/** The PEM a register call carries, or null when it is no register call or carries none. */
export function carriedPem(eventName: string, params: Record<string, unknown> | null): string | null {
  const register = PEM_PARAMETER.get(eventName);
  if (register === undefined || params === null || !Object.hasOwn(params, register.parameter)) return null;
  const pem = params[register.parameter];
  return typeof pem === 'string' && pem !== '' ? pem : null;
}

/** The certificate a PEM holds, or null when it is too long or not a certificate: no id rather than a wrong one. */
export function certificateOfPem(pem: string): X509Certificate | null {
  if (pem.length > MAX_PEM || !pem.includes('-----BEGIN CERTIFICATE-----')) return null;
  return certificatesOfPem.get(pem, parsePem);
}

function parsePem(pem: string): X509Certificate | null {
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
