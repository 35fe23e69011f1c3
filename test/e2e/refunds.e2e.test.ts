// A partial refund from the staff panel in a real browser (Debian's headless Chromium driven by
// playwright-core): the order page's refund form, units of one line with restock, then the
// order shown PARTIALLY_REFUNDED with its refund. The payment is the built-in mock gateway's.
import type { Page } from 'playwright-core';
import { useTestShop } from '../helpers/test-app.js';
import { createStaff, orderRow } from '../helpers/admin-fixtures.js';
import { createOrder, createProduct, createUser, stockOf } from '../helpers/fixtures.js';
import { useBrowserPage } from './browser.js';

const shop = useTestShop({ adminPanel: true });
const browser = useBrowserPage({ viewport: { width: 1400, height: 2200 } });
const { pageErrors, refusedByCsp, shot } = browser;
let base: string;
let page: Page;

beforeAll(async () => {
  base = await shop.listen();
  page = browser.page;
});

test('when staff refund one of two glasses with restock from the order page, then the order is PARTIALLY_REFUNDED and shows the refund', async () => {
  // Arrange: a paid order of 2 glasses and a jug (paid through the mock gateway), staff signed in
  const staff = await createStaff(shop.db.pool);
  const customer = await createUser(shop.db.pool);
  const glass = await createProduct(shop.db.pool, { title: 'Tumbler glass', priceMinor: 1200, stock: 10 });
  const jug = await createProduct(shop.db.pool, { title: 'Water jug', priceMinor: 3000, stock: 10 });
  const order = await createOrder(shop.db.pool, {
    userId: customer.id,
    status: 'PAID',
    lines: [
      { product: glass, quantity: 2 },
      { product: jug, quantity: 1 },
    ],
  });
  const { rows } = await shop.db.pool.query<{ id: string }>(`SELECT id FROM order_items WHERE order_id = $1 AND variant_id = $2`, [order.id, glass.variantId]);
  await browser.signIn(base, staff.email, staff.password);

  // Act: the order page's refund action, 1 glass, back into stock
  await page.goto(`${base}/admin/resources/Order/records/${order.id}/show`);
  await page.getByTestId('refunded-so-far').getByText('Refunded so far: $0.00 of $54.00').waitFor();
  await page.getByTestId('action-refund').click();
  await page.waitForURL(`${base}/admin/resources/Order/records/${order.id}/refund`);
  await page.getByTestId('refund-lines').getByText('Tumbler glass: units to refund (2 of 2 left, $12.00 each)').waitFor();
  await page.fill(`input[name="line:${rows[0].id}"]`, '1');
  await page.getByText('Put the refunded units back into stock').click();
  await page.waitForFunction(() => (document.getElementById('restock') as HTMLInputElement | null)?.checked === true);
  await shot('refund-form');
  await page.getByRole('button', { name: 'Refund order' }).click();

  // Assert: the notice, the order page, the database
  await page.waitForURL(new RegExp(`/admin/resources/Order/records/${order.id}/show`));
  await page.getByText(`Order ${order.number} is now PARTIALLY_REFUNDED`).waitFor();
  const refunds = page.getByTestId('refunds');
  await refunds.getByText('Refunded so far: $12.00 of $54.00').waitFor();
  await refunds.getByText('Tumbler glass x 1').waitFor();
  await refunds.getByText('succeeded').waitFor();
  await shot('order-partially-refunded');

  expect(await orderRow(shop.db.pool, order.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED' });
  const { rows: refundRows } = await shop.db.pool.query(`SELECT amount_minor AS "amountMinor", status, restock FROM refunds WHERE order_id = $1`, [order.id]);
  expect(refundRows).toEqual([{ amountMinor: 1200, status: 'succeeded', restock: true }]);
  expect(await stockOf(shop.db.pool, glass)).toBe(9);
  expect(pageErrors).toEqual([]);
  expect(refusedByCsp).toEqual([]);
});
