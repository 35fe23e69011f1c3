import net from 'node:net';
import { useTestShop } from '../helpers/test-app.js';
import { contractViolation } from '../helpers/contract.js';

let port: number;

const shop = useTestShop({ env: { HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '600' } });
beforeAll(async () => {
  port = Number(new URL(await shop.listen()).port);
});

/** A raw HTTP/1.1 answer as the contract checker reads it (these answers never reach supertest). */
function parseAnswer(answer: string) {
  const [head, body] = answer.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as unknown };
}

/** Opens a socket, sends `chunks` one by one every `everyMs`, and resolves with what came back when the server closes it. */
function trickle(chunks: string[], everyMs: number): Promise<{ answer: string; closedAfterChunks: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < chunks.length && !socket.destroyed) socket.write(chunks[sent++]);
    }, everyMs);
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterChunks: sent });
    });
    socket.on('error', () => {});
  });
}

describe('slow clients', () => {
  test('when a client trickles its headers (slowloris), then the server answers 408 and closes before they finish', async () => {
    const headerLines = ['GET /healthz HTTP/1.1\r\n', 'Host: x\r\n', ...Array.from({ length: 30 }, (_, i) => `X-Slow-${i}: 1\r\n`), '\r\n'];
    const { answer, closedAfterChunks } = await trickle(headerLines, 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(contractViolation('GET', '/healthz', parseAnswer(answer))).toBeUndefined();
    expect(closedAfterChunks).toBeLessThan(headerLines.length);
  });

  test('when a client stalls its body, then the request is cut off', async () => {
    const body = '{"variantId":"x","quantity":1}';
    const parts = [
      'POST /api/cart/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' + `Content-Length: ${body.length}\r\n\r\n`,
      ...body.split(''),
    ];
    const { answer, closedAfterChunks } = await trickle(parts, 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(contractViolation('POST', '/api/cart/items', parseAnswer(answer))).toBeUndefined();
    expect(closedAfterChunks).toBeLessThan(parts.length);
  });
});
