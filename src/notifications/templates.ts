// The mails' wording: Handlebars templates, an HTML and a text part for each kind. Values go in
// through {{...}} only: the HTML part escapes them (a product titled <script> stays text), the
// text part and subject keep them as written. Partials: the layout (the shop's name on every
// mail) and the order's summary.
import type { CustomerMailKind } from '../orders/statuses.js';

export type StaffMailKind = 'new_order' | 'low_stock' | 'dead_letter' | 'webhook_disabled';
export type MailKind = CustomerMailKind | StaffMailKind;
export type MailTemplate = { subject: string; html: string; text: string };

export const HTML_PARTIALS = {
  layout: `<!doctype html>
<html><body style="font-family: sans-serif; color: #222; max-width: 40em">
<h1 style="font-size: 1.3em">{{shop.name}}</h1>
{{> @partial-block}}
<p style="color: #777; font-size: 0.9em">{{shop.name}}</p>
</body></html>`,
  orderSummary: `<table style="border-collapse: collapse">
{{#each order.items}}<tr><td style="padding: 2px 8px 2px 0">{{title}}</td><td style="padding: 2px 8px">&times; {{quantity}}</td><td style="text-align: right">{{money lineTotalMinor ../order.currency}}</td></tr>
{{/each}}</table>
<p>Subtotal: {{money order.subtotalMinor order.currency}}<br>
{{#if order.shippingMethod}}Shipping ({{order.shippingMethod.name}}): {{money order.shippingMinor order.currency}}<br>{{/if}}
{{#if order.codFeeMinor}}Cash-on-delivery fee: {{money order.codFeeMinor order.currency}}<br>{{/if}}
Tax{{#if order.taxIncluded}} (included){{/if}}: {{money order.taxMinor order.currency}}<br>
<strong>Total: {{money order.totalMinor order.currency}}</strong></p>
{{#with order.shippingAddress}}<p>Delivery to:<br>{{recipientName}}<br>{{line1}}<br>{{#if line2}}{{line2}}<br>{{/if}}{{#if postalCode}}{{postalCode}} {{/if}}{{city}}{{#if region}}, {{region}}{{/if}}<br>{{country}}</p>{{/with}}`,
};

export const TEXT_PARTIALS = {
  layout: `{{shop.name}}

{{> @partial-block}}

-- 
{{shop.name}}`,
  orderSummary: `{{#each order.items}}- {{title}} x {{quantity}}: {{money lineTotalMinor ../order.currency}}
{{/each}}
Subtotal: {{money order.subtotalMinor order.currency}}
{{#if order.shippingMethod}}Shipping ({{order.shippingMethod.name}}): {{money order.shippingMinor order.currency}}
{{/if}}{{#if order.codFeeMinor}}Cash-on-delivery fee: {{money order.codFeeMinor order.currency}}
{{/if}}Tax{{#if order.taxIncluded}} (included){{/if}}: {{money order.taxMinor order.currency}}
Total: {{money order.totalMinor order.currency}}
{{#with order.shippingAddress}}
Delivery to:
{{recipientName}}
{{line1}}
{{#if line2}}{{line2}}
{{/if}}{{#if postalCode}}{{postalCode}} {{/if}}{{city}}{{#if region}}, {{region}}{{/if}}
{{country}}
{{/with}}`,
};

/** A mail about one order: a sentence or two, then the order's summary. */
const orderMail = (subject: string, html: string, text: string = html): MailTemplate => ({
  subject: `${subject} (order #{{order.number}})`,
  html: `{{#> layout}}<p>${html}</p>\n{{> orderSummary}}{{/layout}}`,
  text: `{{#> layout}}${text}\n\n{{> orderSummary}}{{/layout}}`,
});

const payLinkHtml = `{{#if payUrl}} Pay for it here: <a href="{{payUrl}}">{{payUrl}}</a>{{else}} Pay for it from your orders in the shop.{{/if}}`;
const payLinkText = `{{#if payUrl}} Pay for it here: {{payUrl}}{{else}} Pay for it from your orders in the shop.{{/if}}`;
const trackingHtml = `{{#if order.shipping.carrier}} Carrier: {{order.shipping.carrier}}.{{/if}}{{#if order.shipping.trackingNumber}} Tracking number: {{order.shipping.trackingNumber}}.{{/if}}{{#if order.shipping.trackingUrl}} Follow it here: <a href="{{order.shipping.trackingUrl}}">{{order.shipping.trackingUrl}}</a>{{/if}}`;
const trackingText = `{{#if order.shipping.carrier}} Carrier: {{order.shipping.carrier}}.{{/if}}{{#if order.shipping.trackingNumber}} Tracking number: {{order.shipping.trackingNumber}}.{{/if}}{{#if order.shipping.trackingUrl}} Follow it here: {{order.shipping.trackingUrl}}{{/if}}`;

export const TEMPLATES: Record<MailKind, MailTemplate> = {
  order_placed: orderMail(
    'We have your order',
    `Thank you for your order #{{order.number}}. It is waiting for payment{{#if order.expiresAt}} until {{date order.expiresAt}}{{/if}}.${payLinkHtml}`,
    `Thank you for your order #{{order.number}}. It is waiting for payment{{#if order.expiresAt}} until {{date order.expiresAt}}{{/if}}.${payLinkText}`,
  ),
  payment_received: orderMail(
    'Payment received',
    `We received your payment of {{money order.totalMinor order.currency}} for order #{{order.number}}. We will ship it soon.`,
  ),
  shipped: orderMail(
    'Your order is on its way',
    `Order #{{order.number}} has been shipped.${trackingHtml}`,
    `Order #{{order.number}} has been shipped.${trackingText}`,
  ),
  delivered: orderMail('Your order was delivered', `Order #{{order.number}} was delivered. Enjoy it!`),
  cancelled: orderMail('Your order was cancelled', `Order #{{order.number}} was cancelled. Anything you paid for it will be refunded.`),
  expired: orderMail('Your order expired', `Order #{{order.number}} was not paid in time and has expired. Its items are back in the shop.`),
  refunded: orderMail(
    'Your refund',
    `We refunded {{money refund.amountMinor refund.currency}} for order #{{order.number}}. Your bank may take a few days to show it.`,
  ),
  partially_refunded: orderMail(
    'Part of your order was refunded',
    `We refunded {{money refund.amountMinor refund.currency}} of order #{{order.number}}. The rest of the order stands. Your bank may take a few days to show it.`,
  ),
  cod_confirmed: orderMail(
    'Order confirmed: cash on delivery',
    `Order #{{order.number}} is confirmed. Please have {{money order.totalMinor order.currency}} ready for the courier.`,
  ),
  cod_delivered: orderMail(
    'Delivered and paid',
    `Order #{{order.number}} was delivered and we received {{money cashMinor order.currency}} in cash. Thank you!`,
  ),
  new_order: orderMail(
    'New order to ship',
    `Order #{{order.number}}{{#if cod}} (cash on delivery){{else}} is paid and{{/if}} is ready to pack and ship: {{money order.totalMinor order.currency}}.`,
  ),
  low_stock: {
    subject: 'Low stock: {{variant.title}} ({{variant.sku}})',
    html: `{{#> layout}}<p>{{variant.title}} (SKU {{variant.sku}}) is down to {{stock}} in stock (the low-stock threshold is {{threshold}}).</p>{{/layout}}`,
    text: `{{#> layout}}{{variant.title}} (SKU {{variant.sku}}) is down to {{stock}} in stock (the low-stock threshold is {{threshold}}).{{/layout}}`,
  },
  dead_letter: {
    subject: 'A background job failed for good',
    html: `{{#> layout}}<p>A background job used up its retries and was moved to the dead letters (job {{job.id}}). Retry it from the panel once its cause is fixed.</p>
<p>Last error: {{job.error}}</p><p>Its data:</p><pre>{{job.data}}</pre>{{/layout}}`,
    text: `{{#> layout}}A background job used up its retries and was moved to the dead letters (job {{job.id}}). Retry it from the panel once its cause is fixed.

Last error: {{job.error}}

Its data:
{{job.data}}{{/layout}}`,
  },
  webhook_disabled: {
    subject: 'A webhook endpoint was disabled',
    html: `{{#> layout}}<p>Deliveries to the webhook endpoint {{endpoint.url}} were stopped: {{endpoint.reason}}.</p><p>Enable it again once the receiver works.</p>{{/layout}}`,
    text: `{{#> layout}}Deliveries to the webhook endpoint {{endpoint.url}} were stopped: {{endpoint.reason}}.

Enable it again once the receiver works.{{/layout}}`,
  },
};
