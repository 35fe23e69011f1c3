import countries from 'i18n-iso-countries';
import type { Config } from '../config.js';
import { escapeHtml, htmlPage, scriptFreePolicy } from '../shared/html.js';
import { toDecimal } from './money.js';
import type { PaymentRow } from './payment-row.js';
import { MOCK_OUTCOMES, type MockProvider } from './providers/mock.js';

const BUTTONS = { paid: 'Pay', failed: 'Fail', cancelled: 'Cancel' } as const;

/** The order behind a mock payment: its breakdown and where it ships (city, ISO country; null before delivery). */
export type MockPageOrder = {
  number: number;
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  codFeeMinor: number;
  taxMinor: number;
  taxIncluded: boolean;
  totalMinor: number;
  shippingMethodName: string | null;
  shipToCity: string | null;
  shipToCountry: string | null;
};

/** For the page's query: the order's columns as MockPageOrder, from `orders o`. */
export const MOCK_PAGE_ORDER = `json_build_object('number', o.number, 'subtotalMinor', o.subtotal_minor, 'discountMinor', o.discount_minor, 'shippingMinor', o.shipping_minor,
  'codFeeMinor', o.cod_fee_minor, 'taxMinor', o.tax_minor, 'taxIncluded', o.tax_included, 'totalMinor', o.total_minor,
  'shippingMethodName', o.shipping_method_name, 'shipToCity', o.shipping_address->>'city', 'shipToCountry', o.shipping_address->>'country')`;

/** Subtotal, shipping, COD fee, tax (added, or included in the prices), total; and the ship-to place. */
function breakdown(order: MockPageOrder, currency: string): string {
  const money = (minor: number) => escapeHtml(`${toDecimal(minor, currency)} ${currency}`);
  const row = (id: string, label: string, minor: number) => `<tr id="${id}"><th scope="row">${escapeHtml(label)}</th><td>${money(minor)}</td></tr>`;
  const shipped = order.shippingMethodName !== null || order.shipToCity !== null;
  const rows = [
    row('subtotal', 'Subtotal', order.subtotalMinor),
    ...(order.discountMinor > 0 ? [row('discount', 'Discount (taken off the subtotal)', order.discountMinor)] : []),
    ...(shipped ? [row('shipping', order.shippingMethodName ? `Shipping (${order.shippingMethodName})` : 'Shipping', order.shippingMinor)] : []),
    ...(order.codFeeMinor > 0 ? [row('cod-fee', 'Cash on delivery fee', order.codFeeMinor)] : []),
    ...(order.taxMinor > 0 || shipped ? [row('tax', order.taxIncluded ? 'Tax (included in the prices)' : 'Tax', order.taxMinor)] : []),
    `<tr id="total"><th scope="row">Total</th><td><strong>${money(order.totalMinor)}</strong></td></tr>`,
  ];
  const country = order.shipToCountry && (countries.getName(order.shipToCountry, 'en') ?? order.shipToCountry);
  const shipTo = order.shipToCity || country ? `\n<p id="ship-to">Ships to ${escapeHtml([order.shipToCity, country].filter(Boolean).join(', '))}</p>` : '';
  return `<table>\n${rows.join('\n')}\n</table>${shipTo}`;
}

/** The mock gateway's page: the order's breakdown, then one small signed form per outcome, no script. */
export function mockGatewayPage(mock: MockProvider, payment: PaymentRow & { order: MockPageOrder }): string {
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
    style:
      'form{display:inline}button{font-size:1rem;margin:.25rem;padding:.5rem 1.25rem}table{border-collapse:collapse;margin:1rem 0}th{text-align:left;font-weight:normal;padding:.15rem 1.5rem .15rem 0}td{text-align:right}',
    body: `<h1>Mock payment gateway</h1>
<p>Order #${payment.order.number}: <strong id="amount">${escapeHtml(amount)}</strong></p>
${breakdown(payment.order, payment.currency)}
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
