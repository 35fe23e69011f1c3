// The printable packing slip of an order: a page of its own (not the panel's React app), for
// staff only. Everything on it comes from the order as placed (readOrder), escaped; it runs no
// inline script: its Print button is wired by a script file from the panel's own origin.
import countries from 'i18n-iso-countries';
import { Router, type RequestHandler, type Response } from 'express';
import type pg from 'pg';
import { escapeHtml, htmlPage, scriptFreePolicy } from '../src/shared/html.js';
import { readOrder, type Order } from '../src/orders/order-views.js';
import { NotFound } from '../src/shared/errors.js';
import { isUuid } from './prisma-resource.js';

export const packingSlipPath = (orderId: string) => `/admin/orders/${orderId}/packing-slip`;
const PRINT_SCRIPT_PATH = '/admin/packing-slip.js';

// No inline script, no outside resource; its one script is the file below, from this origin.
const POLICY = `${scriptFreePolicy("'none'")}; script-src 'self'`;

const PRINT_SCRIPT = `document.getElementById('print').addEventListener('click', function () { window.print(); });\n`;

const STYLE = `
body{max-width:48rem;margin:2rem auto;color:#111}
h1{font-size:1.5rem;margin:0 0 .25rem}
.meta{color:#444;margin:0 0 1.5rem}
.columns{display:flex;gap:3rem;margin-bottom:1.5rem}
.columns h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#555;margin:0 0 .4rem}
address{font-style:normal;line-height:1.4}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #ccc;vertical-align:top}
th.qty,td.qty{text-align:right;width:5rem}
.missing{padding:.75rem;border:1px dashed #999}
.actions{margin-bottom:1.5rem;display:flex;gap:1rem;align-items:center}
.actions button,.actions a{font:inherit;padding:.4rem .9rem;border:1px solid #333;border-radius:4px;background:#fff;color:#111;text-decoration:none;cursor:pointer}
@media print{.actions{display:none}body{margin:0;max-width:none}}
`;

/** One line of text for the page: escaped, and with no line breaks or runs of spaces from what a shopper typed. */
const line = (text: string | null | undefined) => escapeHtml((text ?? '').replace(/\s+/g, ' ').trim());

const countryName = (code: string) => countries.getName(code, 'en') ?? code;

const placedOn = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function shipTo(order: Order): string {
  const address = order.shippingAddress;
  if (!address) {
    return `<p class="missing" data-testid="no-address">No shipping address: this order was placed before the shop took delivery details.</p>`;
  }
  const cityLine = [address.city, address.region, address.postalCode].filter(Boolean).join(' ');
  const lines = [address.recipientName, address.line1, address.line2, cityLine, countryName(address.country)].filter(Boolean);
  return `<address data-testid="ship-to">${lines.map(line).join('<br>')}</address>`;
}

export function renderPackingSlip(order: Order): string {
  const phone = order.contact.phone ?? order.shippingAddress?.phone ?? null;
  const lines = order.items.map((item) => `<tr><td>${line(item.sku)}</td><td>${line(item.title)}</td><td class="qty">${item.quantity}</td></tr>`).join('\n');
  const body = `
<div class="actions">
  <button type="button" id="print">Print</button>
  <a href="/admin/resources/Order/records/${escapeHtml(order.id)}/show">Back to the order</a>
</div>
<h1>Packing slip — order ${order.number}</h1>
<p class="meta">Placed ${escapeHtml(placedOn(order.createdAt))}${order.paidAt ? `, paid ${escapeHtml(placedOn(order.paidAt))}` : ''}</p>
<div class="columns">
  <section><h2>Ship to</h2>${shipTo(order)}</section>
  <section><h2>Phone</h2><p data-testid="phone">${phone ? line(phone) : '—'}</p>
    <h2>Shipping method</h2><p data-testid="method">${order.shippingMethod ? line(order.shippingMethod.name) : '—'}</p></section>
</div>
<table>
<thead><tr><th>SKU</th><th>Item</th><th class="qty">Quantity</th></tr></thead>
<tbody>
${lines}
</tbody>
<tfoot><tr><td></td><th>Items</th><td class="qty">${order.itemCount}</td></tr></tfoot>
</table>
<script src="${PRINT_SCRIPT_PATH}"></script>`;
  return htmlPage({ title: `Packing slip — order ${order.number}`, style: STYLE, body });
}

const noStore = (res: Response) => res.set('Cache-Control', 'no-store');

/**
 * GET /admin/orders/:id/packing-slip for a signed-in staff member (a password session, or a Clerk
 * admin's); anyone else is sent to the sign-in page, as the panel's own pages do. Mounted after
 * the panel's session middleware (staff-access.ts).
 */
export function packingSlipRouter(pool: pg.Pool): Router {
  const router = Router();
  const staffOnly: RequestHandler = (req, res, next) => (req.session?.adminUser ? next() : res.redirect('/admin/login'));
  router.get('/packing-slip.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(PRINT_SCRIPT);
  });
  router.get('/orders/:id/packing-slip', staffOnly, async (req, res) => {
    noStore(res);
    res.set('Content-Security-Policy', POLICY);
    const id = String(req.params.id);
    const order = isUuid(id)
      ? await readOrder(pool, id, { audience: 'staff' }).catch((err) => (err instanceof NotFound ? undefined : Promise.reject(err)))
      : undefined;
    if (!order) {
      res
        .status(404)
        .type('html')
        .send(htmlPage({ title: 'Order not found', body: '<h1>Order not found</h1><p><a href="/admin/resources/Order">Back to the orders</a></p>' }));
      return;
    }
    res.type('html').send(renderPackingSlip(order));
  });
  return router;
}
