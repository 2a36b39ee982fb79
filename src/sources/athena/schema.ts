/**
 * The CloudTrail table: its columns with the key each one holds in a log file. One description
 * serves the DDL (`iot-audit athena-table`), the query (which columns are structs and must come
 * back as JSON text), and the way back from lower-case Athena names to a log file's camelCase keys.
 *
 * The columns are those of the CloudTrail table in the Athena user guide ("Create the table for
 * CloudTrail logs in Athena using partition projection"), plus `managementevent` and two
 * `userIdentity` fields the guide's table leaves out; the JSON SerDe maps keys case-insensitively
 * and ignores keys a table does not declare.
 */

export type HiveType =
  | { kind: 'string' }
  | { kind: 'struct'; fields: Field[] }
  | { kind: 'array'; of: HiveType }
  /** `map<string,string>`: its keys are data, never renamed. */
  | { kind: 'map' };

export interface Field {
  /** The key as a CloudTrail log file spells it; the Athena column or field name is its lower case. */
  key: string;
  type: HiveType;
}

const S: HiveType = { kind: 'string' };
const struct = (...fields: [string, HiveType][]): HiveType => ({ kind: 'struct', fields: fields.map(([key, type]) => ({ key, type })) });

const USER_IDENTITY = struct(
  ['type', S],
  ['principalId', S],
  ['arn', S],
  ['accountId', S],
  ['invokedBy', S],
  ['accessKeyId', S],
  ['userName', S],
  ['credentialId', S],
  ['onBehalfOf', struct(['userId', S], ['identityStoreArn', S])],
  [
    'sessionContext',
    struct(
      ['attributes', struct(['mfaAuthenticated', S], ['creationDate', S])],
      ['sessionIssuer', struct(['type', S], ['principalId', S], ['arn', S], ['accountId', S], ['userName', S])],
      ['ec2RoleDelivery', S],
      ['webIdFederationData', struct(['federatedProvider', S], ['attributes', { kind: 'map' }])],
      ['sourceIdentity', S],
    ),
  ],
);

/** The record columns of a table made by `iot-audit athena-table`, in DDL order. */
export const CLOUDTRAIL_COLUMNS: readonly Field[] = [
  { key: 'eventVersion', type: S },
  { key: 'userIdentity', type: USER_IDENTITY },
  { key: 'eventTime', type: S },
  { key: 'eventSource', type: S },
  { key: 'eventName', type: S },
  { key: 'awsRegion', type: S },
  { key: 'sourceIPAddress', type: S },
  { key: 'userAgent', type: S },
  { key: 'errorCode', type: S },
  { key: 'errorMessage', type: S },
  { key: 'requestParameters', type: S },
  { key: 'responseElements', type: S },
  { key: 'additionalEventData', type: S },
  { key: 'requestID', type: S },
  { key: 'eventID', type: S },
  { key: 'readOnly', type: S },
  { key: 'resources', type: { kind: 'array', of: struct(['ARN', S], ['accountId', S], ['type', S]) } },
  { key: 'eventType', type: S },
  { key: 'apiVersion', type: S },
  { key: 'managementEvent', type: S },
  { key: 'recipientAccountId', type: S },
  { key: 'serviceEventDetails', type: S },
  { key: 'sharedEventID', type: S },
  { key: 'vpcEndpointId', type: S },
  { key: 'vpcEndpointAccountId', type: S },
  { key: 'eventCategory', type: S },
  { key: 'addendum', type: struct(['reason', S], ['updatedFields', S], ['originalRequestID', S], ['originalEventID', S]) },
  { key: 'sessionCredentialFromConsole', type: S },
  { key: 'edgeDeviceDetails', type: S },
  { key: 'tlsDetails', type: struct(['tlsVersion', S], ['cipherSuite', S], ['clientProvidedHostHeader', S]) },
];

/**
 * Columns every CloudTrail table of the Athena guide has had since 2017, used when the table's
 * own column list cannot be read (no `athena:GetTableMetadata` permission): selecting a column
 * the table lacks would fail the query.
 */
export const BASELINE_COLUMNS: readonly string[] = [
  'eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'useragent',
  'errorcode', 'errormessage', 'requestparameters', 'responseelements', 'additionaleventdata', 'requestid', 'eventid',
  'resources', 'eventtype', 'apiversion', 'readonly', 'recipientaccountid', 'serviceeventdetails', 'sharedeventid', 'vpcendpointid',
];

const BY_NAME = new Map(CLOUDTRAIL_COLUMNS.map((f) => [f.key.toLowerCase(), f]));

/** The known column of that (lower-case) name, if any. */
export function knownColumn(name: string): Field | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** `struct<type:string,...>` as Hive DDL writes it. */
export function hiveTypeText(type: HiveType): string {
  switch (type.kind) {
    case 'string':
      return 'string';
    case 'map':
      return 'map<string,string>';
    case 'array':
      return `array<${hiveTypeText(type.of)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.key.toLowerCase()}:${hiveTypeText(f.type)}`).join(',')}>`;
  }
}

/** Whether a column of this Athena type (as GetTableMetadata reports it) comes back as JSON text. */
export function isComplexTypeText(type: string): boolean {
  return /^\s*(struct|row|array|map)\s*[<(]/i.test(type);
}
