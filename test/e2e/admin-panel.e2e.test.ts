// The staff panel in a real browser: Debian's headless Chromium driven by playwright-core.
// Run with `npm run test:e2e` (test/e2e/install-chromium.sh installs the browser).
import type { Page } from 'playwright-core';
import { uniqueId, useTestShop } from '../helpers/test-app.js';
import { catalogOf, createStaff, deliveryRows, orderRow, setOrderDelivery } from '../helpers/admin-fixtures.js';
import { TEST_ADDRESS } from '../helpers/delivery-fixtures.js';
import { failedJob, jobRow, jobsFinished, queueJobs } from '../helpers/jobs-fixtures.js';
import { createOrder, createProduct, createProductWithVariants, createUser } from '../helpers/fixtures.js';
import { screenshotPath, useBrowserPage } from './browser.js';

const shop = useTestShop({ adminPanel: true });
const browser = useBrowserPage();
const { pageErrors, refusedByCsp, dialogs, shot } = browser;
let base: string;
let page: Page;

beforeAll(async () => {
  base = await shop.listen();
  page = browser.page;
});

test('when staff sign in, then they can create a product the storefront lists and ship a paid order', async () => {
  // Arrange: a staff account (named like a script: it must show as text), a customer's paid order waiting to ship
  const staff = await createStaff(shop.db.pool);
  await shop.db.pool.query(`UPDATE users SET name = '</script><script>alert(1)</script>' WHERE id = $1`, [staff.id]);
  const customer = await createUser(shop.db.pool);
  const bean = await createProduct(shop.db.pool, { title: 'Ethiopia Guji 250g', priceMinor: 1650, stock: 12 });
  const order = await createOrder(shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product: bean, quantity: 2 }] });
  await shop.db.pool.query(`INSERT INTO carriers (name, tracking_url_template) VALUES ('DHL', 'https://track.example/dhl?n={tracking}')`);

  // Sign in through the login page
  await browser.signIn(base, staff.email, staff.password);
  await page.getByTestId('dashboard').getByText('Waiting to ship (1)').waitFor();
  await page.getByTestId('revenue-today-USD').getByText('$33.00').waitFor();
  await shot('dashboard');

  // Create a product with its first variant, typing its price as money; the panel then opens the product
  const sku = uniqueId('E2E').toUpperCase();
  const title = `Browser-made mug ${sku}`;
  await page.goto(`${base}/admin/resources/Product/actions/new`);
  await page.fill('input[name=slug]', sku.toLowerCase().replace(/_/g, '-'));
  await page.fill('input[name=title]', title);
  await page.fill('input[name=currency]', 'USD');
  await page.fill('input[name=sku]', sku);
  await page.fill('input[name=priceMinor]', '24.50');
  await page.fill('input[name=stock]', '5');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/resources\/Product\/records\/[^/]+\/show/);
  await page.getByTestId(`variant-${sku}`).getByText('$24.50').waitFor();
  await page.goto(`${base}/admin/resources/Product`);
  await page.getByText(title).waitFor();
  await page.getByText('$24.50').first().waitFor();
  await shot('product-list');

  // The storefront API lists it, in integer minor units
  const storefront = await fetch(`${base}/api/products?q=${encodeURIComponent(sku)}`).then((r) => r.json());
  expect(storefront.items).toEqual([
    expect.objectContaining({
      title,
      currency: 'USD',
      priceRange: { minMinor: 2450, maxMinor: 2450 },
      variants: [expect.objectContaining({ sku, priceMinor: 2450 })],
    }),
  ]);

  // Ship the paid order from its page
  await page.goto(`${base}/admin/resources/Order/records/${order.id}/show`);
  await page.getByTestId('order-details').getByText('Ethiopia Guji 250g').waitFor();
  await page.getByTestId('action-ship').click();
  await page.waitForURL(`${base}/admin/resources/Order/records/${order.id}/ship`);
  await page.fill('input[name=carrier]', 'DHL');
  await page.fill('input[name=trackingNumber]', 'JD014600006281');
  await page.getByRole('button', { name: 'Ship order' }).click();
  await page.waitForURL(new RegExp(`/admin/resources/Order/records/${order.id}/show`));
  await page.getByText(`Order ${order.number} is now SHIPPED`).waitFor();
  await page.getByTestId('order-details').getByText('SHIPPED').first().waitFor();
  // the carrier's tracking page, from its template (the carrier is matched by name)
  const tracking = page.getByTestId('order-details').getByTestId('tracking').getByRole('link', { name: 'JD014600006281' });
  expect(await tracking.getAttribute('href')).toBe('https://track.example/dhl?n=JD014600006281');
  await shot('order');

  expect(await orderRow(shop.db.pool, order.id)).toMatchObject({ status: 'SHIPPED', carrier: 'DHL', trackingNumber: 'JD014600006281' });
  expect(pageErrors).toEqual([]); // no script failed on any page (CSP, bundle)
  expect(refusedByCsp).toEqual([]); // the panel's inline scripts run by nonce, with no 'unsafe-inline'
  expect(dialogs).toEqual([]); // the staff member's name never ran as script
});

test('when staff open a product with variants, then they see them, edit a variant’s price (its stock read only), and add a variant', async () => {
  // Arrange: a T-shirt in S/M/L × Red/Blue, three combinations made; staff signed in (the first test signed in this page)
  const stamp = uniqueId('tee').toUpperCase();
  const tee = await createProductWithVariants(shop.db.pool, {
    title: 'Coffee Crew T-shirt',
    sku: stamp,
    priceMinor: 1990,
    stock: 4,
    options: [
      { name: 'Size', values: ['S', 'M', 'L'] },
      { name: 'Colour', values: ['Red', 'Blue'] },
    ],
    variants: [
      { optionValues: { Size: 'S', Colour: 'Red' } },
      { optionValues: { Size: 'M', Colour: 'Red' }, compareAtPriceMinor: 2490 },
      { optionValues: { Size: 'M', Colour: 'Blue' } },
    ],
  });
  const [, medium] = tee.variants;
  const productPage = `${base}/admin/resources/Product/records/${tee.id}/show`;

  // The product page lists its options and its variants, titled in option order
  await page.goto(productPage);
  const variants = page.getByTestId('product-variants');
  await variants.getByTestId('option-Size').getByText('S, M, L').waitFor();
  await variants.getByTestId(`variant-${medium.sku}`).getByText('M / Red').waitFor();
  await variants.getByTestId(`variant-${medium.sku}`).getByText('$24.90').waitFor();
  expect(await variants.locator('[data-testid^="variant-"]').count()).toBe(3);
  await shot('product-variants');

  // Edit the M / Red variant's price; its stock is shown, changed only by "Adjust stock"
  await variants.getByTestId(`edit-variant-${medium.sku}`).click();
  await page.waitForURL(`${base}/admin/resources/ProductVariant/records/${medium.id}/edit`);
  await page.locator('select[name="optionValues.Size"]').waitFor();
  expect(await page.locator('select[name="optionValues.Size"]').inputValue()).toBe('M');
  await page.fill('input[name=priceMinor]', '21.50');
  await page.getByTestId('stock-read-only').getByText('4 in stock').waitFor();
  expect(await page.locator('input[name=stock]').count()).toBe(0);
  await shot('variant-form');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(new RegExp(`/admin/resources/Product/records/${tee.id}/show`));
  await page.getByTestId(`variant-${medium.sku}`).getByText('$21.50').waitFor();

  // Add the L / Blue variant from the product page (the form comes with the product chosen)
  const newSku = `${stamp}-L-BLUE`;
  await page.getByTestId('add-variant').click();
  await page.waitForURL(new RegExp(`/admin/resources/ProductVariant/actions/new\\?product=${tee.id}&active=true&position=3`));
  expect(await page.locator('input[name=position]').inputValue()).toBe('3');
  await page.locator('select[name="optionValues.Size"]').selectOption('L');
  await page.locator('select[name="optionValues.Colour"]').selectOption('Blue');
  await page.fill('input[name=sku]', newSku);
  await page.fill('input[name=priceMinor]', '22.00');
  await page.fill('input[name=stock]', '3');
  await shot('variant-new');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(new RegExp(`/admin/resources/Product/records/${tee.id}/show`));
  await page.getByTestId(`variant-${newSku}`).getByText('L / Blue').waitFor();
  await shot('product-variants-after');

  const after = await catalogOf(shop.db.pool, tee.id);
  expect(after.variants.find((v) => v.id === medium.id)).toMatchObject({
    priceMinor: 2150,
    stock: 4,
    compareAtPriceMinor: 2490,
    optionValues: { Size: 'M', Colour: 'Red' },
  });
  expect(after.variants.find((v) => v.sku === newSku)).toMatchObject({ priceMinor: 2200, stock: 3, optionValues: { Size: 'L', Colour: 'Blue' }, active: true });
  expect(after).toMatchObject({ priceMinMinor: 1990, priceMaxMinor: 2200 });
  expect(pageErrors).toEqual([]);
  expect(refusedByCsp).toEqual([]);
});

test('when staff set up delivery, then they create a zone and a method in the panel, see an order with its address and print its packing slip', async () => {
  // Arrange: a paid order (staff signed in by the first test)
  const stamp = uniqueId('ship').toUpperCase();
  const zoneName = `South Asia ${stamp}`;
  const methodName = `Dhaka courier ${stamp}`;
  const customer = await createUser(shop.db.pool);
  const beans = await createProduct(shop.db.pool, { title: 'Kenya AA 250g', priceMinor: 1800, stock: 20 });
  const order = await createOrder(shop.db.pool, { userId: customer.id, status: 'PAID', lines: [{ product: beans, quantity: 2 }] });

  // A zone, its countries typed as one line (lower case is fine)
  await page.goto(`${base}/admin/resources/ShippingZone/actions/new`);
  await page.fill('input[name=name]', zoneName);
  await page.fill('input[name=countries]', 'bd, IN');
  await shot('zone-new');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/resources\/ShippingZone(\?|$)/);
  await page
    .getByRole('row', { name: new RegExp(zoneName) })
    .getByText('BD, IN')
    .waitFor();

  // A method in that zone: the zone chosen from the list, prices typed as money; a bad bound first
  await page.goto(`${base}/admin/resources/ShippingMethod/actions/new`);
  await page.getByTestId('property-edit-zone').locator('input').fill(stamp);
  await page.getByText(zoneName, { exact: true }).click();
  await page.fill('input[name=name]', methodName);
  expect(await page.locator('input#active').isChecked()).toBe(true); // the form starts as the method will be saved
  expect(await page.locator('input#codEnabled').isChecked()).toBe(false);
  await page.fill('input[name=priceMinor]', '1.20');
  await page.fill('input[name=freeOverMinor]', '50.00');
  await page.fill('input[name=minDeliveryDays]', '3');
  await page.fill('input[name=maxDeliveryDays]', '1');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('cannot be fewer than the fewest delivery days').waitFor();
  await shot('method-refused');
  await page.fill('input[name=maxDeliveryDays]', '5');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/admin\/resources\/ShippingMethod(\?|$)/);
  await page
    .getByRole('row', { name: new RegExp(methodName) })
    .getByText('$1.20')
    .waitFor();
  await shot('method');
  const { zones, methods } = await deliveryRows(shop.db.pool);
  const zone = zones.find((z) => z.name === zoneName);
  const method = methods.find((m) => m.name === methodName);
  expect(zone).toMatchObject({ countries: ['BD', 'IN'] });
  expect(method).toMatchObject({ zoneId: zone.id, priceMinor: 120, freeOverMinor: 5000, minDeliveryDays: 3, maxDeliveryDays: 5, active: true });

  // The order, as checkout snapshots it: shipped by that method to an address whose name holds markup
  await setOrderDelivery(shop.db.pool, order.id, {
    address: {
      ...TEST_ADDRESS,
      recipientName: '<b>Rahim</b> Uddin',
      line1: 'House 12, Road 5',
      city: 'Dhaka',
      region: null,
      postalCode: '1207',
      country: 'BD',
    },
    email: 'rahim@shop.test',
    phone: '+8801712345678',
    method: { id: method.id, name: methodName },
    shippingMinor: 120,
  });

  // The orders to ship, by that zone; the order page shows where it goes and what it costs
  await page.goto(`${base}/admin/resources/Order?filters.status=PAID&filters.zone=${zone.id}`);
  await page.getByText(methodName).first().waitFor();
  expect(await page.locator('[data-testid="property-list-number"]').count()).toBe(1);
  await shot('orders-to-ship');
  await page.goto(`${base}/admin/resources/Order/records/${order.id}/show`);
  const details = page.getByTestId('order-details');
  await details.getByTestId('ship-to').getByText('House 12, Road 5').waitFor();
  await details.getByTestId('ship-to').getByText('<b>Rahim</b> Uddin').waitFor(); // as text
  await details.getByTestId('contact').getByText('+8801712345678').waitFor();
  await details.getByTestId('shipping-method').getByText(methodName).waitFor();
  await details.getByTestId('amount-shipping').getByText('$1.20').waitFor();
  await details.getByTestId('amount-total').getByText('$37.20').waitFor();
  await shot('order-delivery');

  // The packing slip opens in its own tab; its Print button works under its script-free-inline policy
  const [slip] = await Promise.all([page.context().waitForEvent('page'), details.getByTestId('packing-slip-link').click()]);
  const slipErrors: string[] = [];
  slip.on('pageerror', (err) => slipErrors.push(err.message));
  slip.on('console', (message) => void (/Content Security Policy/i.test(message.text()) && slipErrors.push(message.text())));
  await slip.waitForLoadState();
  expect(slip.url()).toBe(`${base}/admin/orders/${order.id}/packing-slip`);
  await slip.getByText(`Packing slip — order ${order.number}`).waitFor();
  await slip.getByTestId('ship-to').getByText('<b>Rahim</b> Uddin').waitFor();
  await slip.getByText('Bangladesh').waitFor();
  await slip.getByText(beans.sku).waitFor();
  await slip.screenshot({ path: screenshotPath('packing-slip'), fullPage: true });
  await slip.evaluate(() => {
    window.print = () => void (document.body.dataset.printed = 'yes');
  });
  await slip.getByRole('button', { name: 'Print' }).click();
  expect(await slip.evaluate(() => document.body.dataset.printed)).toBe('yes');
  await slip.emulateMedia({ media: 'print' });
  expect(await slip.getByRole('button', { name: 'Print' }).isHidden()).toBe(true);
  await slip.screenshot({ path: screenshotPath('packing-slip-print'), fullPage: true });
  await slip.close();

  expect(slipErrors).toEqual([]);
  expect(pageErrors).toEqual([]);
  expect(refusedByCsp).toEqual([]);
  expect(dialogs).toEqual([]);
});

test('when /docs is opened, then swagger-ui renders the contract under the strict CSP', async () => {
  await page.goto(`${base}/docs/`);
  await page.locator('.swagger-ui .info .title').getByText('Shop').first().waitFor();
  await page.locator('.opblock-summary-path').first().waitFor();
  await shot('docs');

  expect(pageErrors).toEqual([]);
  expect(refusedByCsp).toEqual([]);
});

test('when a background job failed, then staff see it on the dashboard and the jobs page, retry it, and see it wait for a worker that then runs it', async () => {
  // Arrange: a queue whose only job failed for good (staff signed in by the first test)
  const queue = uniqueId('e2e-mail').replaceAll('_', '-');
  await queueJobs(shop.jobs.boss, queue);
  const id = await failedJob(shop.jobs.boss, queue, { orderId: 'e2e-order-1' }, new Error('SMTP 421: try again later'));

  // The dashboard counts it; its link leads to the jobs page, which lists it with its error
  await page.goto(`${base}/admin`);
  const jobs = page.getByTestId('background-jobs');
  expect(Number(await jobs.getByTestId('jobs-failed').textContent())).toBeGreaterThanOrEqual(1);
  await jobs.screenshot({ path: screenshotPath('dashboard-jobs') });
  await page.getByRole('link', { name: 'Failed and retrying jobs' }).click();
  await page.waitForURL(`${base}/admin/resources/BackgroundJob`);
  await page.goto(`${base}/admin/resources/BackgroundJob?filters.queue=${queue}`);
  const row = page.getByRole('row', { name: /SMTP 421: try again later/ });
  await row.getByText(/^failed$/i).waitFor();
  await row.getByText('{"orderId":"e2e-order-1"}').waitFor();
  await shot('jobs');

  // Its page, then Retry: a confirmation, and the job waits to run again
  await row.getByText('SMTP 421: try again later').click();
  await page.waitForURL(`${base}/admin/resources/BackgroundJob/records/${id}/show`);
  await page.getByTestId('action-retry').click();
  await page.waitForURL(`${base}/admin/resources/BackgroundJob/records/${id}/retry`);
  await page.getByTestId('job-retry').getByText('SMTP 421: try again later').waitFor();
  await shot('job-retry');
  await page.getByRole('button', { name: 'Retry job' }).click();
  await page.waitForURL(`${base}/admin/resources/BackgroundJob/records/${id}/show`);
  await page.getByText(`Job queued again: a ${queue} worker runs it next`).waitFor();
  await page
    .getByTestId('property-show-state')
    .getByText(/^retry$/i)
    .waitFor();
  expect(await page.getByTestId('action-retry').count()).toBe(0); // nothing left to retry
  await shot('job-retried');
  expect(await jobRow(shop.db.pool, id)).toMatchObject({ state: 'retry', retryLimit: 1 });

  // A worker of its queue takes it: its page then shows it completed
  const worker = await shop.jobs.boss.work(queue, { pollingIntervalSeconds: 0.5 }, async () => undefined);
  try {
    await jobsFinished(shop.db.pool, [id]);
  } finally {
    await shop.jobs.boss.offWork({ id: worker });
  }
  await page.reload();
  await page
    .getByTestId('property-show-state')
    .getByText(/^completed$/i)
    .waitFor();
  await shot('job-completed');

  expect(await jobRow(shop.db.pool, id)).toMatchObject({ state: 'completed' });
  expect(pageErrors).toEqual([]);
  expect(refusedByCsp).toEqual([]);
});
