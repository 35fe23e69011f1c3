import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { guardedLookup } from './url-policy.js';

/** What one attempt came to: the endpoint's status code, or the error that stopped it. */
export type AttemptResult = { statusCode: number | null; durationMs: number; error: string | null };

export type SendOptions = { timeoutMs: number; blockPrivate: boolean };

/**
 * POSTs one signed event (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, over `id.timestamp.body`). 2xx counts as delivered; redirects are not
 * followed (they could lead anywhere, a private address included) and count as failures.
 */
export async function sendSigned(url: string, secret: string, messageId: string, body: string, options: SendOptions): Promise<AttemptResult> {
  const sentAt = new Date();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'shop-webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, sentAt, body),
  };
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const statusCode = await post(new URL(url), headers, body, options);
    const delivered = statusCode >= 200 && statusCode < 300;
    return { statusCode, durationMs: took(), error: delivered ? null : `HTTP ${statusCode}` };
  } catch (err) {
    return { statusCode: null, durationMs: took(), error: describe(err) };
  }
}

function post(url: URL, headers: Record<string, string>, body: string, { timeoutMs, blockPrivate }: SendOptions): Promise<number> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      signal: AbortSignal.timeout(timeoutMs),
      ...(blockPrivate ? { lookup: guardedLookup } : {}),
    });
    req.on('response', (res) => {
      // the answer's body is the endpoint's business: read and drop it, so the socket is freed
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A short, secret-free reason for the log: the error's code and message, never a stack. */
function describe(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'timed out';
  return [e?.code, e?.message].filter(Boolean).join(': ').slice(0, 500) || 'failed';
}
