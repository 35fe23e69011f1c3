// What an import file would do to the catalog: every row checked with the catalog's own rules
// (product-rules.ts, variant-rules.ts) against the catalog as it stands, and the writes that
// would make the catalog match the file. A dry run reports it; an apply writes it (import-writes.ts).
import type { z } from 'zod';
import type { Queryable } from '../shared/db.js';
import { productRules } from './product-rules.js';
import { flagRule, optionRules, optionValuesRule, sameCombination, variantFieldsRules, type StoredVariantFields } from './variant-rules.js';
import { CATALOG_CSV_COLUMNS, type CatalogCsvColumn } from './catalog-csv.js';
import { optionsOfProducts } from './product-options.js';
import type { ImportRow } from './import-file.js';

export type FieldChange = { before: unknown; after: unknown };
export type Changes = Record<string, FieldChange>;
export type RowAction = 'create' | 'update' | 'unchanged' | 'invalid';
/** One row's outcome; the first row of each product also says what happens to the product. */
export type RowReport = {
  row: number;
  sku: string;
  productSlug: string;
  action: RowAction;
  changes?: Changes;
  product?: { action: Exclude<RowAction, 'invalid'>; changes?: Changes };
};
export type RowError = { row: number; column: CatalogCsvColumn | null; message: string };
type Counts = { create: number; update: number; unchanged: number };
export type ImportSummary = { rows: number; errors: number; products: Counts; variants: Counts };

type ProductFields = { slug: string; title: string; description: string; currency: string; active: boolean; categoryId: string | null };
type OptionRow = { name: string; position: number; values: string[] };

/** The writes that make the catalog match the file, each set written by one statement. */
export type ImportWrites = {
  newProducts: (ProductFields & { options: OptionRow[] })[];
  changedProducts: (ProductFields & { id: string })[];
  /** options of existing products that gain values the file uses */
  extendedOptions: { id: string; values: string[] }[];
  newVariants: (StoredVariantFields & { productSlug: string })[];
  changedVariants: (StoredVariantFields & { id: string })[];
};

export type ImportPlan = { rows: RowReport[]; errors: RowError[]; summary: ImportSummary; writes: ImportWrites };

type StoredProduct = ProductFields & { id: string; categorySlug: string | null; options: (OptionRow & { id: string })[] };
type StoredVariant = StoredVariantFields & { id: string; productId: string; productSlug: string };
type CatalogState = {
  products: Map<string, StoredProduct>;
  variantsBySku: Map<string, StoredVariant>;
  variantsByProduct: Map<string, StoredVariant[]>;
  categories: Map<string, string>;
};

/** A row whose cells passed the rules one by one; what depends on other rows is checked next. */
type CheckedRow = { row: number; product: Omit<ProductFields, 'categoryId'> & { categorySlug: string }; variant: StoredVariantFields };

const PRODUCT_COLUMNS: Record<string, CatalogCsvColumn> = {
  slug: 'product_slug',
  title: 'product_title',
  description: 'product_description',
  currency: 'currency',
};
const VARIANT_COLUMNS: Record<string, CatalogCsvColumn> = {
  sku: 'sku',
  priceMinor: 'price_minor',
  compareAtPriceMinor: 'compare_at_price_minor',
  stock: 'stock',
  active: 'variant_active',
  position: 'position',
};
const PRODUCT_CELLS = ['product_title', 'product_description', 'category_slug', 'currency', 'product_active'] as const;
const productFieldRules = productRules.pick({ slug: true, title: true, description: true, currency: true });
/** Rows checked between two progress reports. */
const PROGRESS_EVERY = 1000;
const OPTION_VALUES_SHAPE = 'a JSON object of option name to value, e.g. {"Size":"M","Colour":"Red"} (empty for a product without options)';

/** A cell typed in a spreadsheet: TRUE, True and true are one; empty means the rules' default. */
const flagCell = (cell: string) => (cell.trim() === '' ? undefined : cell.trim().toLowerCase());
const combinationKey = (values: Record<string, string>) => JSON.stringify(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * Checks every row and plans the writes. Reads the catalog rows the file names; with `lock`
 * (an apply) it locks them, in id order, until the caller's transaction ends.
 */
export async function planImport(
  db: Queryable,
  rows: ImportRow[],
  options: { lock: boolean; onProgress?: (checked: number) => Promise<void> },
): Promise<ImportPlan> {
  const errors: RowError[] = [];
  const fail = (row: number, column: CatalogCsvColumn | null, message: string) => errors.push({ row, column, message });
  const checked: CheckedRow[] = [];
  for (const [index, row] of rows.entries()) {
    const result = checkCells(row, fail);
    if (result) checked.push(result);
    if (options.onProgress && (index + 1) % PROGRESS_EVERY === 0) await options.onProgress(index + 1);
  }
  await options.onProgress?.(rows.length);
  const state = await loadCatalogState(
    db,
    [...new Set(checked.map((r) => r.product.slug))],
    checked.map((r) => r.variant.sku),
    options.lock,
  );
  const writes: ImportWrites = { newProducts: [], changedProducts: [], extendedOptions: [], newVariants: [], changedVariants: [] };
  checkAcrossRows(rows, fail);
  const reports = new Map<number, RowReport>();
  for (const group of groupByProduct(checked)) planProduct(group, state, { fail, writes, reports });
  const failedRows = new Set(errors.map((e) => e.row));
  const report = rows.map(
    ({ row, cells }) =>
      (!failedRows.has(row) && reports.get(row)) || { row, sku: cells.sku.trim(), productSlug: cells.product_slug.trim(), action: 'invalid' as const },
  );
  errors.sort((a, b) => a.row - b.row);
  return { rows: report, errors, summary: summarize(report, errors.length), writes };
}

function checkCells(row: ImportRow, fail: (row: number, column: CatalogCsvColumn | null, message: string) => void): CheckedRow | undefined {
  const { cells } = row;
  if (row.cellCount !== CATALOG_CSV_COLUMNS.length) {
    fail(row.row, null, `has ${row.cellCount} cells; the header has ${CATALOG_CSV_COLUMNS.length}`);
    return undefined;
  }
  let ok = true;
  const issues = (error: z.ZodError, columns: Record<string, CatalogCsvColumn>) => {
    ok = false;
    for (const issue of error.issues) fail(row.row, columns[String(issue.path[0])] ?? null, issue.message);
  };
  const product = productFieldRules.safeParse({
    slug: cells.product_slug,
    title: cells.product_title,
    description: cells.product_description,
    currency: cells.currency,
  });
  if (!product.success) issues(product.error, PRODUCT_COLUMNS);
  const productActive = flagRule.default(true).safeParse(flagCell(cells.product_active));
  if (!productActive.success) {
    ok = false;
    fail(row.row, 'product_active', productActive.error.issues[0].message);
  }
  const variant = variantFieldsRules.safeParse({
    sku: cells.sku,
    priceMinor: cells.price_minor,
    compareAtPriceMinor: cells.compare_at_price_minor,
    stock: cells.stock,
    active: flagCell(cells.variant_active),
    position: cells.position.trim() === '' ? undefined : cells.position,
  });
  if (!variant.success) issues(variant.error, VARIANT_COLUMNS);
  const optionValues = parseOptionValues(cells.option_values);
  if (!optionValues) {
    ok = false;
    fail(row.row, 'option_values', OPTION_VALUES_SHAPE);
  }
  if (!ok || !product.success || !productActive.success || !variant.success || !optionValues) return undefined;
  const { sku, priceMinor, compareAtPriceMinor, stock, active, position } = variant.data;
  return {
    row: row.row,
    product: { ...product.data, description: product.data.description ?? '', active: productActive.data, categorySlug: cells.category_slug.trim() },
    variant: { sku, priceMinor, compareAtPriceMinor, stock, active, position, optionValues },
  };
}

function parseOptionValues(cell: string): Record<string, string> | undefined {
  if (cell.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(cell);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return Object.values(value).every((v) => typeof v === 'string') ? (value as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

function groupByProduct(rows: CheckedRow[]): CheckedRow[][] {
  const groups = new Map<string, CheckedRow[]>();
  for (const row of rows) groups.set(row.product.slug, [...(groups.get(row.product.slug) ?? []), row]);
  return [...groups.values()];
}

type Planning = {
  fail: (row: number, column: CatalogCsvColumn | null, message: string) => void;
  writes: ImportWrites;
  reports: Map<number, RowReport>;
};

/** One product's rows: they must agree on the product, and its variants on its options. */
function planProduct(group: CheckedRow[], state: CatalogState, { fail, writes, reports }: Planning): void {
  const [first] = group;
  const slug = first.product.slug;
  const stored = state.products.get(slug);
  let valid = true;
  const refuse = (row: number, column: CatalogCsvColumn | null, message: string) => {
    valid = false;
    fail(row, column, message);
  };
  const categorySlug = first.product.categorySlug || null;
  const categoryId = categorySlug ? state.categories.get(categorySlug) : null;
  if (categoryId === undefined) refuse(first.row, 'category_slug', `no category has the slug ${categorySlug}`);

  const options = stored ? extendedOptions(stored.options, group) : newOptions(group, refuse);
  for (const row of group) {
    const result = optionValuesRule(options).safeParse(row.variant.optionValues);
    if (!result.success) for (const issue of result.error.issues) refuse(row.row, 'option_values', issue.message);
  }

  // an existing SKU only on its own product's rows
  for (const row of group) {
    const owner = state.variantsBySku.get(row.variant.sku);
    if (owner && owner.productSlug !== slug)
      refuse(row.row, 'sku', `SKU ${row.variant.sku} is a variant of product ${owner.productSlug}: a variant does not move to another product`);
  }
  // option combinations: once per product, counting the variants the file leaves as they are
  const fileSkus = new Set(group.map((r) => r.variant.sku));
  const combinations = new Map<string, string>();
  for (const variant of stored ? (state.variantsByProduct.get(stored.id) ?? []) : []) {
    if (!fileSkus.has(variant.sku)) combinations.set(combinationKey(variant.optionValues), `variant ${variant.sku}`);
  }
  for (const row of group) {
    const key = combinationKey(row.variant.optionValues);
    const other = combinations.get(key);
    if (other)
      refuse(
        row.row,
        'option_values',
        options.length ? `the same option values as ${other}` : `product ${slug} has no options, so it has one variant only (${other})`,
      );
    else combinations.set(key, `row ${row.row}`);
  }
  if (!valid) return;

  const product: ProductFields = { ...first.product, categoryId: categoryId ?? null };
  const productChanges = stored ? productDiff(stored, product, categorySlug, options) : undefined;
  if (!stored) writes.newProducts.push({ ...product, options });
  else if (Object.keys(productChanges!).length) {
    writes.changedProducts.push({ ...product, id: stored.id });
    for (const option of options) {
      const before = stored.options.find((o) => o.name === option.name)!;
      if (before.values.length !== option.values.length) writes.extendedOptions.push({ id: before.id, values: option.values });
    }
  }
  for (const row of group) {
    const existing = state.variantsBySku.get(row.variant.sku);
    const changes = existing ? variantDiff(existing, row.variant) : undefined;
    if (!existing) writes.newVariants.push({ ...row.variant, productSlug: slug });
    else if (Object.keys(changes!).length) writes.changedVariants.push({ ...row.variant, id: existing.id });
    const action = !existing ? 'create' : Object.keys(changes!).length ? 'update' : 'unchanged';
    reports.set(row.row, { row: row.row, sku: row.variant.sku, productSlug: slug, action, ...(action === 'update' ? { changes } : {}) });
  }
  const productAction = !stored ? 'create' : Object.keys(productChanges!).length ? 'update' : 'unchanged';
  reports.get(first.row)!.product = { action: productAction, ...(productAction === 'update' ? { changes: productChanges } : {}) };
}

/** A product cell as the rules read it (trimmed, a code in capitals, a flag in any case). */
const productCell = (cells: ImportRow['cells'], column: (typeof PRODUCT_CELLS)[number]) =>
  column === 'product_description'
    ? cells[column]
    : column === 'currency'
      ? cells[column].trim().toUpperCase()
      : column === 'product_active'
        ? (flagCell(cells[column]) ?? 'true')
        : cells[column].trim();

/**
 * What rows must agree on, over every row (those with errors of their own too): a SKU once in
 * the file, and one product's cells the same on each of its rows as on its first.
 */
function checkAcrossRows(rows: ImportRow[], fail: Planning['fail']): void {
  const skus = new Map<string, number>();
  const firstOfProduct = new Map<string, ImportRow>();
  for (const row of rows) {
    const sku = row.cells.sku.trim();
    const earlier = skus.get(sku);
    if (sku && earlier !== undefined) fail(row.row, 'sku', `SKU ${sku} is also on row ${earlier}`);
    else if (sku) skus.set(sku, row.row);
    const slug = row.cells.product_slug.trim();
    const first = firstOfProduct.get(slug);
    if (!first) firstOfProduct.set(slug, row);
    else {
      for (const column of PRODUCT_CELLS) {
        if (productCell(row.cells, column) !== productCell(first.cells, column))
          fail(row.row, column, `differs from row ${first.row}, the first row of product ${slug}`);
      }
    }
  }
}

/** A new product's options: named as its first row names them, values in the order the rows use them. */
function newOptions(group: CheckedRow[], refuse: Planning['fail']): OptionRow[] {
  const [first] = group;
  const names = Object.keys(first.variant.optionValues);
  const options = names.map((name, position) => ({ name, position, values: [] as string[] }));
  for (const row of group) {
    for (const option of options) {
      const value = row.variant.optionValues[option.name];
      if (typeof value === 'string' && value.trim() !== '' && !option.values.includes(value)) option.values.push(value);
    }
  }
  for (const option of options) {
    const result = optionRules.safeParse({ name: option.name, values: option.values, position: option.position });
    if (!result.success) for (const issue of result.error.issues) refuse(first.row, 'option_values', `option ${option.name}: ${issue.message}`);
  }
  return options;
}

/** An existing product's options, each with the values the file adds to it at its end. */
function extendedOptions(stored: StoredProduct['options'], group: CheckedRow[]): OptionRow[] {
  return stored.map((option) => {
    const values = [...option.values];
    for (const row of group) {
      const value = row.variant.optionValues[option.name];
      if (typeof value === 'string' && value.trim() !== '' && value.length <= 100 && !values.includes(value)) values.push(value);
    }
    return { name: option.name, position: option.position, values };
  });
}

function productDiff(stored: StoredProduct, after: ProductFields, categorySlug: string | null, options: OptionRow[]): Changes {
  const changes: Changes = {};
  for (const field of ['title', 'description', 'currency', 'active'] as const) {
    if (stored[field] !== after[field]) changes[field] = { before: stored[field], after: after[field] };
  }
  if (stored.categorySlug !== categorySlug) changes.category = { before: stored.categorySlug, after: categorySlug };
  for (const option of options) {
    const before = stored.options.find((o) => o.name === option.name)!.values;
    if (before.length !== option.values.length) changes[`options.${option.name}`] = { before, after: option.values };
  }
  return changes;
}

function variantDiff(stored: StoredVariant, after: StoredVariantFields): Changes {
  const changes: Changes = {};
  for (const field of ['priceMinor', 'compareAtPriceMinor', 'stock', 'active', 'position'] as const) {
    if (stored[field] !== after[field]) changes[field] = { before: stored[field], after: after[field] };
  }
  if (!sameCombination(stored.optionValues, after.optionValues)) changes.optionValues = { before: stored.optionValues, after: after.optionValues };
  return changes;
}

function summarize(rows: RowReport[], errors: number): ImportSummary {
  const counts = (): Counts => ({ create: 0, update: 0, unchanged: 0 });
  const summary: ImportSummary = { rows: rows.length, errors, products: counts(), variants: counts() };
  for (const row of rows) {
    if (row.action !== 'invalid') summary.variants[row.action] += 1;
    if (row.product) summary.products[row.product.action] += 1;
  }
  return summary;
}

async function loadCatalogState(db: Queryable, slugs: string[], skus: string[], lock: boolean): Promise<CatalogState> {
  const products = (
    await db.query<StoredProduct>(
      `SELECT p.id, p.slug, p.title, p.description, p.currency, p.active, p.category_id AS "categoryId",
              (SELECT slug FROM categories WHERE id = p.category_id) AS "categorySlug", '[]'::json AS options
         FROM products p WHERE p.slug = ANY($1::text[]) ORDER BY p.id ${lock ? 'FOR UPDATE OF p' : ''}`,
      [slugs],
    )
  ).rows;
  const productIds = products.map((p) => p.id);
  // one after another: `db` may be a transaction's one connection
  const options = await optionsOfProducts(db, productIds, lock);
  const variants = await db.query<StoredVariant>(
    `SELECT v.id, v.product_id AS "productId", p.slug AS "productSlug", v.sku, v.option_values AS "optionValues", v.price_minor AS "priceMinor",
              v.compare_at_price_minor AS "compareAtPriceMinor", v.stock, v.active, v.position
         FROM product_variants v JOIN products p ON p.id = v.product_id
        WHERE v.sku = ANY($1::text[]) OR v.product_id = ANY($2::uuid[]) ORDER BY v.id ${lock ? 'FOR UPDATE OF v' : ''}`,
    [skus, productIds],
  );
  const categories = await db.query<{ id: string; slug: string }>(`SELECT id, slug FROM categories`);
  const byId = new Map(products.map((p) => [p.id, { ...p, options: options.get(p.id) ?? [] }]));
  const variantsByProduct = new Map<string, StoredVariant[]>();
  for (const variant of variants.rows) variantsByProduct.set(variant.productId, [...(variantsByProduct.get(variant.productId) ?? []), variant]);
  return {
    products: new Map([...byId.values()].map((p) => [p.slug, p])),
    variantsBySku: new Map(variants.rows.map((v) => [v.sku, v])),
    variantsByProduct,
    categories: new Map(categories.rows.map((c) => [c.slug, c.id])),
  };
}
