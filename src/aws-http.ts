import type http from 'node:http';
import type https from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The HTTP handler of every AWS client here (S3, Athena, Organizations, CloudTrail): fails fast
 * when offline instead of hanging on a connection that will never open (a connection timeout of
 * at most `connectMs`), and fails an attempt that gets no answer (a black-holed connection, a hung
 * front end): requestTimeout alone only logs a warning in @smithy/node-http-handler unless
 * throwOnRequestTimeout is set. One per client: destroying a client destroys its handler's sockets.
 */
export function timedRequestHandler(
  timeoutMs: number,
  options: { connectMs?: number; httpAgent?: http.Agent; httpsAgent?: https.Agent } = {},
): NodeHttpHandler {
  return new NodeHttpHandler({
    ...(options.httpAgent ? { httpAgent: options.httpAgent } : {}),
    ...(options.httpsAgent ? { httpsAgent: options.httpsAgent } : {}),
    connectionTimeout: Math.min(timeoutMs, options.connectMs ?? 5_000),
    requestTimeout: timeoutMs,
    throwOnRequestTimeout: true,
    socketTimeout: timeoutMs,
  });
}
