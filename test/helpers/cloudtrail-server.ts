/**
 * A loopback server speaking CloudTrail's JSON 1.1 protocol for `ListPublicKeys`, so
 * that the real `@aws-sdk/client-cloudtrail` client is exercised (there is no
 * installable CloudTrail emulator). Blobs are base64 and times epoch seconds, as on AWS.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedPublicKey {
  /** DER bytes. */
  value: Buffer;
  fingerprint: string;
  validityStart: Date;
  validityEnd: Date;
}

export interface CloudTrailRequest {
  target: string;
  body: Record<string, unknown>;
}

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
  const requests: CloudTrailRequest[] = [];
  let failure: string | null = null;

  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `req-${requests.length}` });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        reply(res, 400, { __type: 'SerializationException', message: 'body is not JSON' });
        return;
      }
      requests.push({ target, body });
      if (failure !== null) {
        reply(res, 400, { __type: failure, message: `${failure} (injected by the test)` });
        return;
      }
      if (target !== `${TARGET_PREFIX}ListPublicKeys`) {
        reply(res, 400, { __type: 'UnknownOperationException', message: `unsupported target ${target}` });
        return;
      }
      const start = typeof body.StartTime === 'number' ? body.StartTime * 1000 : -Infinity;
      const end = typeof body.EndTime === 'number' ? body.EndTime * 1000 : Infinity;
      if (start > end) {
        reply(res, 400, { __type: 'InvalidTimeRangeException', message: 'StartTime is after EndTime' });
        return;
      }
      const matching = options.keys.filter((k) => k.validityStart.getTime() <= end && k.validityEnd.getTime() >= start);
      let offset = 0;
      if (typeof body.NextToken === 'string') {
        const m = /^page-(\d+)$/.exec(body.NextToken);
        if (!m) {
          reply(res, 400, { __type: 'InvalidTokenException', message: 'bad NextToken' });
          return;
        }
        offset = Number(m[1]);
      }
      const page = matching.slice(offset, offset + pageSize);
      const next = offset + pageSize < matching.length ? `page-${offset + pageSize}` : undefined;
      reply(res, 200, {
        PublicKeyList: page.map((k) => ({
          Value: k.value.toString('base64'),
          ValidityStartTime: k.validityStart.getTime() / 1000,
          ValidityEndTime: k.validityEnd.getTime() / 1000,
          Fingerprint: k.fingerprint,
        })),
        ...(next ? { NextToken: next } : {}),
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    failWith: (type) => {
      failure = type;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
