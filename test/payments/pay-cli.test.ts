import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { storefrontUrl } from '../../src/payments/providers/registry.js';
import { freePort } from '../helpers/ports.js';
import { useTestShop } from '../helpers/test-app.js';
import { createPayableOrder, inboxOf, orderState, paymentsOf, startMockPayment } from '../helpers/payments-fixtures.js';

const shop = useTestShop();
let baseUrl: string;
beforeAll(async () => {
  baseUrl = await shop.listen();
});

/** `npm run -s pay -- ...` as a shell runs it: its exit code and what it printed. */
async function pay(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)('node_modules/.bin/tsx', ['src/payments/pay-cli.ts', ...args], {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe("npm run pay (the mock gateway page's buttons, from a shell)", () => {
  test('when given the page URL of a pending payment, then it pays as the Pay button does and the order is PAID', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const run = await pay([`${baseUrl}/mock-gateway/${paymentId}`]);

    expect(run).toEqual({ code: 0, stdout: `Payment paid; the gateway sends the buyer to ${storefrontUrl(shop.config, 'success', paymentId)}\n`, stderr: '' });
    expect(await paymentsOf(shop.db.pool, order.orderId)).toEqual([expect.objectContaining({ id: paymentId, status: 'SUCCEEDED' })]);
    expect(await orderState(shop.db.pool, order)).toMatchObject({
      status: 'PAID',
      history: [
        [null, 'AWAITING_PAYMENT'],
        ['AWAITING_PAYMENT', 'PAID'],
      ],
    });
    expect(await inboxOf(shop.db.pool, paymentId)).toEqual([{ provider: 'MOCK', eventId: `${paymentId}:paid`, type: 'mock.paid', outcome: 'applied' }]);
  });

  test('when given a bare payment id and --fail, then it asks the server on PORT and the attempt is FAILED', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);

    const run = await pay([paymentId, '--fail'], { PORT: new URL(baseUrl).port });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Payment failed; the gateway sends the buyer to /);
    expect((await paymentsOf(shop.db.pool, order.orderId))[0].status).toBe('FAILED');
    expect((await orderState(shop.db.pool, order)).status).toBe('AWAITING_PAYMENT');
  });

  test('when the payment is no longer pending, then one line says so, exit 1, and nothing changes', async () => {
    const order = await createPayableOrder(shop.db.pool);
    const paymentId = await startMockPayment(shop, order);
    await pay([`${baseUrl}/mock-gateway/${paymentId}`]);

    const run = await pay([`${baseUrl}/mock-gateway/${paymentId}`, '--cancel']);

    expect(run).toEqual({ code: 1, stdout: '', stderr: 'The mock gateway page offers no "cancelled" button: the payment is already SUCCEEDED\n' });
    expect(await inboxOf(shop.db.pool, paymentId)).toHaveLength(1);
    expect((await orderState(shop.db.pool, order)).status).toBe('PAID');
  });

  test.each([
    ['an unknown payment', (id: string) => [`${baseUrl}/mock-gateway/${id}`], /^The mock gateway page .* answered 404: NOT_FOUND .+\n$/],
    [
      'no server listening',
      (id: string) => [id],
      /^No server answers at http:\/\/localhost:\d+ \(ECONNREFUSED\): start it with npm start, or pass the payment's redirectUrl\.\n$/,
    ],
  ])('when there is %s, then one line names the cause, no stack trace, exit 1', async (_case, argsOf, message) => {
    const run = await pay(argsOf('00000000-0000-4000-8000-000000000000'), { PORT: String(await freePort()) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
  });

  test('when the arguments are missing, not an id or URL, or both --fail and --cancel, then the usage line and exit 2', async () => {
    const runs = await Promise.all([[], ['not-an-id'], ['00000000-0000-4000-8000-000000000000', '--fail', '--cancel']].map((args) => pay(args)));
    for (const run of runs) expect(run).toEqual({ code: 2, stdout: '', stderr: 'usage: npm run -s pay -- <paymentId | redirectUrl> [--fail | --cancel]\n' });
  });
});
