// The customer page and the audit trail in a real browser (Debian's headless Chromium through
// playwright-core), as in admin-panel.e2e.test.ts: run with `npm run test:e2e`.
import type { Page } from 'playwright-core';
import { uniqueId, useTestShop } from '../helpers/test-app.js';
import { createStaff } from '../helpers/admin-fixtures.js';
import { DELIVERY } from '../helpers/delivery-fixtures.js';
import { fillCart } from '../helpers/orders-fixtures.js';
import { createOrder, createProduct, createUser } from '../helpers/fixtures.js';
import { useBrowserPage } from './browser.js';

const shop = useTestShop({ adminPanel: true });
const browser = useBrowserPage();
const { pageErrors, refusedByCsp, shot } = browser;
let base: string;
let page: Page;

beforeAll(async () => {
  base = await shop.listen();
  page = browser.page;
});

test('when staff find a customer, then they see their details, orders and spend, add a note, block them from checkout and find it all in the audit trail', async () => {
  // Arrange: a customer with an address, two orders kept (USD) and one cancelled, and a cart
  const staff = await createStaff(shop.db.pool);
  const tag = uniqueId('rahim').toLowerCase();
  const customer = await createUser(shop.db.pool, { email: `${tag}@example.test`, name: 'Rahim Uddin' });
  await shop.db.pool.query(
    `INSERT INTO addresses (user_id, recipient_name, phone, line1, city, postal_code, country, is_default)
     VALUES ($1, 'Rahim Uddin', '+8801712345678', 'House 12, Road 5', 'Dhaka', '1205', 'BD', true)`,
    [customer.id],
  );
  const beans = await createProduct(shop.db.pool, { title: 'Sylhet tea 250g', priceMinor: 1250, stock: 20 });
  const paid = await createOrder(shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product: beans, quantity: 2 }] });
  await createOrder(shop.db.pool, { userId: customer.id, status: 'DELIVERED', lines: [{ product: beans, quantity: 1 }] });
  await createOrder(shop.db.pool, { userId: customer.id, status: 'CANCELLED', lines: [{ product: beans, quantity: 4 }] });
  await fillCart(shop.db.pool, customer.id, [{ variantId: beans.variantId, quantity: 1 }]);

  await browser.signIn(base, staff.email, staff.password);

  // Find them by a phone number typed the national way
  await page.goto(`${base}/admin/resources/User?filters.search=${encodeURIComponent('01712-345678')}`);
  await page.getByText(customer.email).waitFor();
  await shot('customers-search');

  // Their page: contact, spend of the kept orders only, the orders with totals, the address
  await page.getByText(customer.email).first().click();
  await page.waitForURL(new RegExp(`/admin/resources/User/records/${customer.id}/show`));
  const details = page.getByTestId('customer-details');
  await page.getByText('Rahim Uddin', { exact: true }).first().waitFor();
  await details.getByTestId('customer-phone').getByText('+8801712345678').waitFor();
  await details.getByTestId('lifetime-spend').getByText('$37.50').waitFor(); // 25.00 paid + 12.50 delivered; the cancelled 50.00 is not
  await details
    .getByTestId('customer-orders')
    .getByRole('link', { name: String(paid.number), exact: true })
    .waitFor();
  await details.getByTestId('customer-orders').getByText('$50.00').waitFor();
  await details.getByTestId('customer-addresses').getByText('House 12, Road 5, Dhaka, 1205').waitFor();
  await details.getByTestId('customer-checkout').getByText('Allowed').waitFor();
  await shot('customer');

  // Add a note
  await page.getByTestId('action-addNote').click();
  await page.waitForURL(new RegExp(`/admin/resources/User/records/${customer.id}/addNote`));
  await page.fill('textarea[name=body]', 'Asked us to call before every delivery.');
  await shot('customer-note-form');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.waitForURL(new RegExp(`/admin/resources/User/records/${customer.id}/show`));
  await page.getByTestId('customer-notes').getByText('Asked us to call before every delivery.').waitFor();

  // Block them from checkout, with a reason
  await page.getByTestId('action-block').click();
  await page.waitForURL(new RegExp(`/admin/resources/User/records/${customer.id}/block`));
  await page.fill('textarea[name=reason]', 'Three chargebacks in a month');
  await shot('customer-block-form');
  await page.getByRole('button', { name: 'Block from checkout' }).click();
  await page.waitForURL(new RegExp(`/admin/resources/User/records/${customer.id}/show`));
  await page.getByText('Blocked from checkout', { exact: true }).first().waitFor();
  await details.getByTestId('customer-checkout').getByText('Three chargebacks in a month').waitFor();
  await shot('customer-blocked');
  await page.getByTestId('record-history').getByText('block', { exact: true }).waitFor();
  await page.getByTestId('record-history').getByText('add-note', { exact: true }).waitFor();
  await shot('customer-blocked');

  // The customer's checkout is refused, their cart kept
  const checkout = await fetch(`${base}/api/checkout`, {
    method: 'POST',
    headers: { Authorization: customer.auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(DELIVERY),
  });
  expect(checkout.status).toBe(403);
  expect((await checkout.json()).code).toBe('CUSTOMER_BLOCKED');
  expect((await shop.db.pool.query(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1`, [customer.id])).rows[0].n).toBe(3);

  // The audit trail lists both steps, newest first
  await page.goto(`${base}/admin/resources/AuditLog`);
  const rows = page.locator('tbody tr');
  await rows.first().getByText('block', { exact: true }).waitFor();
  await rows.nth(1).getByText('add-note', { exact: true }).waitFor();
  await rows.first().getByText('blockReason: — → Three chargebacks in a month').waitFor();
  await shot('audit-trail');
  await rows.first().getByRole('link', { name: customer.email }).click(); // the record's own page
  await page.waitForURL(new RegExp(`/admin/resources/User/records/${customer.id}/show`));

  expect(pageErrors).toEqual([]);
  expect(refusedByCsp).toEqual([]);
});
