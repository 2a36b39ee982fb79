/**
 * A loopback server speaking CloudTrail's JSON 1.1 protocol for `ListPublicKeys`, so
 * that the real `@aws-sdk/client-cloudtrail` client is exercised (there is no
 * installable CloudTrail emulator). Blobs are base64 and times epoch seconds, as on AWS.
 */
import { ProtocolError, startJsonProtocolServer, type RecordedRequest } from './json-protocol-server.js';

export interface ServedPublicKey {
  /** DER bytes. */
  value: Buffer;
  fingerprint: string;
  validityStart: Date;
  validityEnd: Date;
}

export type CloudTrailRequest = RecordedRequest;

export interface CloudTrailTestServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Every request received, in order. */
  readonly requests: CloudTrailRequest[];
  /** Answers every following request with this error (`__type`, e.g. AccessDeniedException), or normally again with null. */
  failWith(type: string | null): void;
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'CloudTrail_20131101.';

export async function startCloudTrailServer(options: { keys: ServedPublicKey[]; pageSize?: number }): Promise<CloudTrailTestServer> {
  const pageSize = options.pageSize ?? 50;
  const server = await startJsonProtocolServer({
    service: 'CloudTrail',
    targetPrefix: TARGET_PREFIX,
    operations: {
      ListPublicKeys: (body) => {
        const start = typeof body.StartTime === 'number' ? body.StartTime * 1000 : -Infinity;
        const end = typeof body.EndTime === 'number' ? body.EndTime * 1000 : Infinity;
        if (start > end) throw new ProtocolError('InvalidTimeRangeException', 'StartTime is after EndTime');
        const matching = options.keys.filter((k) => k.validityStart.getTime() <= end && k.validityEnd.getTime() >= start);
        let offset = 0;
        if (typeof body.NextToken === 'string') {
          const m = /^page-(\d+)$/.exec(body.NextToken);
          if (!m) throw new ProtocolError('InvalidTokenException', 'bad NextToken');
          offset = Number(m[1]);
        }
        const next = offset + pageSize < matching.length ? `page-${offset + pageSize}` : undefined;
        return {
          PublicKeyList: matching.slice(offset, offset + pageSize).map((k) => ({
            Value: k.value.toString('base64'),
            ValidityStartTime: k.validityStart.getTime() / 1000,
            ValidityEndTime: k.validityEnd.getTime() / 1000,
            Fingerprint: k.fingerprint,
          })),
          ...(next ? { NextToken: next } : {}),
        };
      },
    },
  });
  return {
    endpoint: server.url,
    requests: server.requests,
    failWith: (type) => {
      server.clearInjected();
      if (type !== null) server.inject({ operation: 'ListPublicKeys', type, message: `${type} (injected by the test)` });
    },
    stop: () => server.close(),
  };
}
