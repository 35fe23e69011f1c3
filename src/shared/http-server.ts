import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';

export type ServerTimeouts = { headersTimeoutMs: number; requestTimeoutMs: number };

/**
 * An HTTP server that drops slow clients: headers must arrive within `headersTimeoutMs` and
 * the whole request within `requestTimeoutMs` (slowloris and stalled uploads hold no socket).
 */
export async function startHttpServer(app: RequestListener, port: number, host: string, timeouts: ServerTimeouts) {
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersTimeoutMs),
    },
    app,
  );
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return { server, port: (server.address() as AddressInfo).port };
}
