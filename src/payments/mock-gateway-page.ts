import type { Config } from '../config.js';
import { escapeHtml, htmlPage, scriptFreePolicy } from '../shared/html.js';
import { toDecimal } from './money.js';
import type { PaymentRow } from './payment-row.js';
import { MOCK_OUTCOMES, type MockProvider } from './providers/mock.js';

const BUTTONS = { paid: 'Pay', failed: 'Fail', cancelled: 'Cancel' } as const;

/** The mock gateway's page: one small signed form per outcome, no script. */
export function mockGatewayPage(mock: MockProvider, payment: PaymentRow & { orderNumber: number }): string {
  const forms = MOCK_OUTCOMES.map(
    (outcome) => `<form method="post" action="/api/payments/mock/callback">
  <input type="hidden" name="paymentId" value="${escapeHtml(payment.id)}">
  <input type="hidden" name="outcome" value="${outcome}">
  <input type="hidden" name="signature" value="${mock.sign(payment.id, outcome)}">
  <button type="submit">${BUTTONS[outcome]}</button>
</form>`,
  ).join('\n');
  const amount = `${toDecimal(payment.amountMinor, payment.currency)} ${payment.currency}`;
  return htmlPage({
    title: 'Mock payment gateway',
    style: 'form{display:inline}button{font-size:1rem;margin:.25rem;padding:.5rem 1.25rem}',
    body: `<h1>Mock payment gateway</h1>
<p>Order #${payment.orderNumber}: <strong>${escapeHtml(amount)}</strong></p>
<p>No real money moves here: this page stands in for a payment gateway during development.</p>
${payment.status === 'PENDING' ? forms : `<p>This payment is ${escapeHtml(payment.status)}.</p>`}`,
  });
}

export type MockGatewayForm = { action: string; button: string; fields: Record<string, string> };

const decodeHtml = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** The forms of a page made by mockGatewayPage, as a browser would submit them: for a shell or a test standing in for the buyer. */
export function mockGatewayForms(html: string): MockGatewayForm[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)].map(([, action, body]) => ({
    action: decodeHtml(action),
    button: decodeHtml(/<button type="submit">([^<]+)<\/button>/.exec(body)?.[1] ?? ''),
    fields: Object.fromEntries([...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]) => [name, decodeHtml(value)])),
  }));
}

/** The page posts to us and we redirect to the storefront: both must be allowed form targets. */
export function mockGatewayPolicy(config: Config): string {
  const storefronts = [config.STOREFRONT_SUCCESS_URL, config.STOREFRONT_FAIL_URL, config.STOREFRONT_CANCEL_URL].map((u) => new URL(u).origin);
  return scriptFreePolicy(`'self' ${[...new Set(storefronts)].join(' ')}`);
}
