// Stock in the staff panel, in a real browser: staff adjust a variant's stock with a reason from
// its page and see the movement in its history; the edit form shows the stock read only.
// Run with `npm run test:e2e` (test/e2e/install-chromium.sh installs the browser).
import { useTestShop } from '../helpers/test-app.js';
import { createStaff } from '../helpers/admin-fixtures.js';
import { createProduct, stockOf } from '../helpers/fixtures.js';
import { useBrowserPage } from './browser.js';

const shop = useTestShop({ adminPanel: true });
const browser = useBrowserPage();
let base: string;
beforeAll(async () => {
  base = await shop.listen();
});

test('when staff adjust a variant’s stock on its page, then the new stock and the movement show in its history', async () => {
  // Arrange: a variant with 12 in stock, a staff member signed in
  const staff = await createStaff(shop.db.pool, 'keeper@shop.test');
  const mug = await createProduct(shop.db.pool, { title: 'Stoneware mug', priceMinor: 1400, stock: 12 });
  const { page } = browser;
  await browser.signIn(base, staff.email, staff.password);
  const variantPage = `${base}/admin/resources/ProductVariant/records/${mug.variantId}/show`;

  // The variant's page shows its history so far: the stock it was made with
  await page.goto(variantPage);
  const history = page.getByTestId('stock-history');
  await history.getByText('initial').waitFor();
  await browser.shot('stock-variant-before');

  // Act: Adjust stock, take away 3 damaged ones with a note
  await page.getByRole('link', { name: 'Adjust stock' }).first().click();
  await page.waitForURL(`${base}/admin/resources/ProductVariant/records/${mug.variantId}/adjustStock`);
  const form = page.getByTestId('stock-adjustment');
  await form.getByText(`${mug.sku}: 12 in stock`).waitFor();
  await form.locator('input[name=change]').fill('-3');
  await form.locator('#reason').click();
  await page.getByText('Damaged (written off)', { exact: true }).click();
  await form.locator('input[name=note]').fill('dropped in the warehouse');
  await browser.shot('stock-adjust-form');
  await form.getByRole('button', { name: 'Adjust stock' }).click();

  // Assert: back on the variant's page, the notice, and the movement on top of the history
  await page.waitForURL(variantPage);
  await page.getByText(`The stock of ${mug.sku} is now 9`).waitFor();
  const newest = page.getByTestId('stock-history').locator('tbody tr').first();
  await newest.getByText('-3', { exact: true }).waitFor();
  expect(await newest.innerText()).toMatch(/-3\s+9\s+damaged\s+keeper@shop\.test\s+dropped in the warehouse/);
  await browser.shot('stock-variant-after');
  expect(await stockOf(shop.db.pool, mug)).toBe(9);
  const { rows } = await shop.db.pool.query(`SELECT change, stock_after, reason, actor, note FROM stock_movements WHERE variant_id = $1 ORDER BY id`, [
    mug.variantId,
  ]);
  expect(rows.at(-1)).toEqual({ change: -3, stock_after: 9, reason: 'damaged', actor: `staff:${staff.id}`, note: 'dropped in the warehouse' });

  // A refusal: more than there is comes back as an error notice, and nothing changes
  await page.goto(`${base}/admin/resources/ProductVariant/records/${mug.variantId}/adjustStock`);
  await page.getByTestId('stock-adjustment').locator('input[name=change]').fill('-10');
  await page.getByTestId('stock-adjustment').getByRole('button', { name: 'Adjust stock' }).click();
  await page.getByText('The stock is 9: a change of -10 would take it below 0').waitFor();
  expect(await stockOf(shop.db.pool, mug)).toBe(9);

  // The edit form shows the stock, read only
  await page.goto(`${base}/admin/resources/ProductVariant/records/${mug.variantId}/edit`);
  await page.getByTestId('stock-read-only').getByText('9 in stock').waitFor();
  expect(await page.locator('input[name=stock]').count()).toBe(0);
  await browser.shot('stock-variant-edit');

  // The ledger's own list, filtered by the variant
  await page.goto(`${base}/admin/resources/StockMovement?filters.variant=${mug.variantId}`);
  await page.locator('tbody tr').nth(1).waitFor();
  expect(await page.locator('tbody tr').count()).toBe(2);
  await browser.shot('stock-movements-list');

  expect(browser.pageErrors).toEqual([]);
  expect(browser.refusedByCsp).toEqual([]);
});
