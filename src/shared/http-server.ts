import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import { StartupError } from '../startup-error.js';
import { PROBLEM_CODES, type ProblemCode } from './errors.js';

// Requests Node's parser refuses before Express sees them still get a problem+json answer.
const CLIENT_ERRORS: Record<string, [ProblemCode, string]> = {
  HPE_HEADER_OVERFLOW: ['HEADERS_TOO_LARGE', 'Request header fields too large'],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST_TIMEOUT', 'Request timeout'],
};

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex) {
  if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
  const [code, title] = CLIENT_ERRORS[err.code ?? ''] ?? ['BAD_REQUEST', 'Bad request'];
  const status = PROBLEM_CODES[code];
  const body = JSON.stringify({ type: `https://shop.example/problems/${code.toLowerCase().replaceAll('_', '-')}`, title, status, code });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export type ServerTimeouts = { headersTimeoutMs: number; requestTimeoutMs: number };

function listenFailure(err: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new StartupError(`Port ${port} is taken (another server listens on ${host}:${port}): stop it, or set PORT to a free port.`);
    case 'EACCES':
      return new StartupError(`Port ${port} needs privileges this user does not have: set PORT to 1024 or above.`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError(`HOST ${host} is not an address of this machine: set HOST to one of its addresses (0.0.0.0 listens on all).`);
    default:
      return err;
  }
}

/**
 * An HTTP server that drops slow clients: headers must arrive within `headersTimeoutMs` and
 * the whole request within `requestTimeoutMs` (slowloris and stalled uploads hold no socket).
 * Without `app`, the caller attaches its 'request' listener once the port is known.
 */
export async function startHttpServer(app: RequestListener | undefined, port: number, host: string, timeouts: ServerTimeouts) {
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersTimeoutMs),
    },
    app,
  );
  server.on('clientError', answerClientError);
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', (err) => reject(listenFailure(err, port, host))));
  return { server, port: (server.address() as AddressInfo).port };
}
