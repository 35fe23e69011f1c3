// Bulk catalog work in a real browser: a CSV import from the panel (a dry run with an error,
// the fixed file's dry run, its report, then the apply), and a bulk price change from the list.
// Run with `npm run test:e2e` (test/e2e/install-chromium.sh installs the browser).
import type { Page } from 'playwright-core';
import { useTestShop } from '../helpers/test-app.js';
import { createStaff } from '../helpers/admin-fixtures.js';
import { createProductWithVariants } from '../helpers/fixtures.js';
import { catalogCsv } from '../helpers/catalog-csv-fixtures.js';
import { useBrowserPage } from './browser.js';

const shop = useTestShop({ adminPanel: true });
const browser = useBrowserPage({ viewport: { width: 1400, height: 1400 } });
const { pageErrors, refusedByCsp, shot } = browser;
let base: string;
let page: Page;

beforeAll(async () => {
  base = await shop.listen();
  page = browser.page;
  const staff = await createStaff(shop.db.pool);
  await browser.signIn(base, staff.email, staff.password);
});

const RUN_PAGE = /\/admin\/resources\/ProductImport\/records\/([^/]+)\/show/;

async function uploadFile(csv: string, name: string) {
  await page.goto(`${base}/admin/resources/ProductImport/actions/upload`);
  await page.getByTestId('product-import-upload').waitFor();
  await page.setInputFiles('#csv-file', { name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await shot(`import-upload-${name.replace('.csv', '')}`);
  await page.getByRole('button', { name: 'Check (dry run)' }).click();
  await page.waitForURL(RUN_PAGE);
  return RUN_PAGE.exec(page.url())![1];
}

test('when staff import a CSV, then the dry run reports each row and error, and the fixed file applies', async () => {
  // Arrange: a product the file updates (a new price, a new size), and a file with one bad row
  await createProductWithVariants(shop.db.pool, {
    slug: 'e2e-hoodie',
    title: 'Hoodie',
    description: 'Warm',
    options: [{ name: 'Size', values: ['M'] }],
    variants: [{ sku: 'E2E-HOODIE-M', optionValues: { Size: 'M' }, priceMinor: 4000, stock: 2 }],
  });
  const hoodie = { product_slug: 'e2e-hoodie', product_title: 'Hoodie', product_description: 'Warm', currency: 'USD' };
  const rows = [
    { ...hoodie, option_values: '{"Size":"M"}', sku: 'E2E-HOODIE-M', price_minor: '4500', stock: '2' },
    { ...hoodie, option_values: '{"Size":"L"}', sku: 'E2E-HOODIE-L', price_minor: '4500', stock: '6', position: '1' },
    { product_slug: 'e2e-beanie', product_title: 'Beanie', currency: 'USD', sku: 'E2E-BEANIE', price_minor: 'twelve', stock: '3' },
  ];

  // Act 1: a dry run of the file with the bad row
  const badRun = await uploadFile(catalogCsv(rows), 'with-error.csv');

  // Assert 1: the error names its row and column; nothing can be applied
  await page.getByTestId('import-errors').getByText('the price in minor units (cents) as a whole number').waitFor();
  await page.getByTestId('import-errors').getByText('price_minor').waitFor();
  expect(await page.getByRole('button', { name: 'Apply this file' }).count()).toBe(0);
  await shot('import-dry-run-errors');

  // Act 2: the fixed file's dry run, then Apply from its report
  rows[2].price_minor = '1200';
  const checkedRun = await uploadFile(catalogCsv(rows), 'fixed.csv');
  expect(checkedRun).not.toBe(badRun);
  await page.getByTestId('import-summary').getByText('Variants: 2 to create, 1 to update, 0 unchanged. Errors: 0.').waitFor();
  await page.getByTestId('import-rows').getByText('update: priceMinor: 4000 → 4500').waitFor();
  await page.getByTestId('import-rows').getByText('update: options.Size: ["M"] → ["M","L"]').waitFor();
  await shot('import-dry-run-report');
  await page.getByRole('button', { name: 'Apply this file' }).click();
  await page.waitForURL((url) => RUN_PAGE.test(url.pathname) && !url.pathname.includes(checkedRun));
  await page.getByText('Apply: Applied: every row was written').waitFor();
  await shot('import-applied');

  // Assert 2: the catalog is the file's; the stock the file set is in the ledger as an import
  const variants = (await shop.db.pool.query(`SELECT sku, price_minor AS "priceMinor", stock FROM product_variants WHERE sku LIKE 'E2E-%' ORDER BY sku`)).rows;
  expect(variants).toEqual([
    { sku: 'E2E-BEANIE', priceMinor: 1200, stock: 3 },
    { sku: 'E2E-HOODIE-L', priceMinor: 4500, stock: 6 },
    { sku: 'E2E-HOODIE-M', priceMinor: 4500, stock: 2 },
  ]);
  const ledger = (await shop.db.pool.query(`SELECT count(*)::int AS n FROM stock_movements WHERE reason = 'import'`)).rows[0].n;
  expect(ledger).toBe(2);

  // The imports list shows the three runs
  await page.goto(`${base}/admin/resources/ProductImport`);
  await page.getByText('with-error.csv').waitFor();
  await shot('import-list');

  expect(pageErrors).toEqual([]);
  expect(refusedByCsp).toEqual([]);
});

test('when staff raise the selected products’ prices by 10% from the list, then the notice says how many changed', async () => {
  const tee = await createProductWithVariants(shop.db.pool, {
    slug: 'e2e-tee',
    title: 'E2E tee',
    options: [{ name: 'Size', values: ['S', 'M'] }],
    variants: [
      { sku: 'E2E-TEE-S', optionValues: { Size: 'S' }, priceMinor: 1995 },
      { sku: 'E2E-TEE-M', optionValues: { Size: 'M' }, priceMinor: 2000 },
    ],
  });

  await page.goto(`${base}/admin/resources/Product`);
  await page.getByText('E2E tee').waitFor();
  await page.locator('tr', { hasText: 'E2E tee' }).locator('input[type=checkbox]').first().check({ force: true });
  await page.getByText('Selected (1)').waitFor();
  await page.getByText('Adjust prices', { exact: true }).click();
  await page.getByTestId('bulk-adjustPrices').waitFor();
  await page.fill('input[name=percentage]', '10');
  await shot('bulk-adjust-prices');
  await page.getByTestId('bulk-adjustPrices').getByRole('button', { name: 'Adjust prices' }).click();
  await page.getByText('2 variant prices changed').waitFor();
  await shot('bulk-adjust-prices-done');

  const prices = (await shop.db.pool.query(`SELECT price_minor AS p FROM product_variants WHERE product_id = $1 ORDER BY sku`, [tee.id])).rows.map((r) => r.p);
  expect(prices).toEqual([2200, 2195]); // M: 2200; S: 2194.5 -> 2195
  expect(pageErrors).toEqual([]);
});
