/** Log file integrity (CloudTrail digest chains): the entry points the commands and the report use. */
export { verifyIntegrity, type VerifyIntegrityOptions, type PublicKeyProvider } from './verify.js';
export { fetchPublicKeys, loadPublicKeysFile, parsePublicKeyList, importPublicKey, indexPublicKeys, type PublicKeyEntry } from './public-keys.js';
export { loadSignaturesFile, parseSignatures } from './signatures-file.js';
export { toIntegrityReport, logFileIntegrity, integrityVerdict, logFilesUnchecked, checkVerdict, countEvents } from './report.js';
export { formatIntegrityText } from './text.js';
export { cloudTrailKeyProvider, type CloudTrailKeysOptions } from './aws-keys.js';
export type * from './types.js';
