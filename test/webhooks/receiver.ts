// A webhook endpoint of one of the shop's other systems, on loopback: it records every request
// and answers with the statuses it is told, one per request, then 200.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';

export type Received = { path: string; headers: http.IncomingHttpHeaders; body: string; at: number };

export type Receiver = { url: string; received: Received[]; answerNext(...statuses: number[]): void; close(): Promise<void> };

export async function startReceiver(path = '/hooks/shop'): Promise<Receiver> {
  const received: Received[] = [];
  const script: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body, at: Date.now() });
      res.statusCode = script.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answerNext: (...statuses) => script.push(...statuses),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Registers an endpoint straight in the table (the route's own tests are in endpoints.test.ts). */
export async function addEndpoint(
  pool: pg.Pool,
  url: string,
  events: string[],
  secret = `whsec_${Buffer.from('test secret of 24 bytes!').toString('base64')}`,
) {
  const { rows } = await pool.query<{ id: string }>(`INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, $2, $3) RETURNING id`, [
    url,
    events,
    secret,
  ]);
  return { id: rows[0].id, url, secret };
}

/** Waits until `check` holds (polling), or fails with what it last saw. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not there after ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 1000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const deliveriesOf = async (pool: pg.Pool, endpointId: string) =>
  (
    await pool.query(
      `SELECT d.event_id AS "eventId", d.event_type AS "eventType", d.status, d.attempts,
              (SELECT json_agg(json_build_object('attempt', a.attempt, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms) ORDER BY a.attempt)
                 FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id) AS log
         FROM webhook_deliveries d WHERE d.endpoint_id = $1 ORDER BY substring(d.event_id from 5)::bigint`,
      [endpointId],
    )
  ).rows;
