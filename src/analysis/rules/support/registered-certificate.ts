import type { X509Certificate } from 'node:crypto';
import type { IotEvent } from '../../../report/model.js';
import { getOrInsert } from '../../../memo.js';
import { carriedPem, certificateOfPem } from '../../../iot/certificate-id.js';

// The register calls and a certificate's id from its PEM are the IoT catalog's (`resourcesOf` names the certificate by them too).
export { PEM_PARAMETER, certificateIdOfPem } from '../../../iot/certificate-id.js';

// Several rules read the certificate of each register call (certificate-expiring, certificate-reactivated): parse each event's once.
const certificates = new WeakMap<IotEvent, X509Certificate | null>();

/** The certificate a register call carries, or null when it is no register call, or its PEM is absent, too long or not a certificate. Shared: do not change it. */
export function registeredCertificate(event: IotEvent): X509Certificate | null {
  return getOrInsert(certificates, event, () => {
    const pem = carriedPem(event.eventName, event.requestParameters);
    return pem === null ? null : certificateOfPem(pem);
  });
}
