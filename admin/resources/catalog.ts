import { flat, type Action, type ActionRequest, type ActionResponse, type After, type Before, type RecordActionResponse, type RecordJSON } from 'adminjs';
import type pg from 'pg';
import type { Prisma } from '@prisma/client';
import { z } from 'zod';
import {
  lowStockThresholdRule,
  optionRules,
  optionValuesRule,
  priceRule,
  skuRule,
  stockRule,
  variantFieldsRules,
  variantTitle,
} from '../../src/catalog/variant-rules.js';
import { STAFF_STOCK_REASONS, STOCK_REASONS } from '../../src/catalog/stock.js';
import { adjustStock, listStockMovements } from '../../src/catalog/stock-adjustments.js';
import { stockAdjustmentBody } from '../../src/catalog/stock-schemas.js';
import { AppError } from '../../src/shared/errors.js';
import type { ComponentNames } from '../components.js';
import { createProductWithFirstVariant, move, optionsOf, optionWrites, variantWrites, type MovableTable } from '../catalog-writes.js';
import { loadProductCatalog } from '../product-catalog.js';
import { optionsOfProducts } from '../../src/catalog/product-options.js';
import { asValidationError, isProductId, NAVIGATION, onlyOnShow, prismaResource, productPartForm, READ_ONLY_ACTIONS, type ResourceKit } from './shared.js';
import { productRules, slugRule } from '../../src/catalog/product-rules.js';
import { productBulkActions, productExportAction, variantBulkActions } from './catalog-bulk.js';

// The panel's writes obey the same rules as the catalog API and the database's CHECKs:
// prices and stock are whole, non-negative numbers; currencies are ISO 4217 codes. A product's
// SKUs, prices and stock live on its variants (src/catalog/variant-rules.ts has their rules),
// managed from the product's page.

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `at most ${max} characters`);

const categoryRules = z.object({
  name: text(100),
  slug: slugRule,
  description: z.string().max(2000).optional(),
});

/** The first variant staff may give with a new product: SKU and price, stock 0 unless typed. */
const firstVariantRules = z.object({
  sku: skuRule,
  priceMinor: priceRule,
  stock: z.preprocess((v) => (v === '' || v === undefined || v === null ? '0' : v), stockRule),
});
const FIRST_VARIANT_FIELDS = ['sku', 'priceMinor', 'stock'] as const;

const given = (v: unknown) => v !== undefined && v !== null && v !== '';
const recordUrl = (resource: string, id: string, action = 'show') => `/admin/resources/${resource}/records/${id}/${action}`;
const saved = (response: RecordActionResponse) => Boolean(response.record?.id) && Object.keys(response.record?.errors ?? {}).length === 0;

/**
 * Validates the submitted fields (all of them when creating, those sent when editing) and
 * answers a failure as errors on the form's fields; passes the cleaned values on.
 */
function validatedWith(rules: z.ZodObject, defaults: Record<string, unknown> = {}): Before {
  return async (request: ActionRequest, context) => {
    if (request.method !== 'post') return request;
    const creating = context.action.name === 'new';
    const submitted = { ...(creating ? defaults : {}), ...request.payload };
    const schema = creating ? rules : rules.partial();
    const known = Object.fromEntries(Object.entries(submitted).filter(([key]) => key in rules.shape));
    const result = schema.safeParse(known);
    if (!result.success) throw asValidationError(result.error);
    return { ...request, payload: { ...submitted, ...result.data } };
  };
}

/** A new product, with its first variant when staff typed one (SKU and price; both, or neither). */
function newProductChecks(storeCurrency: string): Before {
  return async (request) => {
    if (request.method !== 'post') return request;
    const submitted: Record<string, unknown> = { currency: storeCurrency, ...request.payload };
    const product = productRules.safeParse(Object.fromEntries(Object.entries(submitted).filter(([key]) => key in productRules.shape)));
    const wantsVariant = FIRST_VARIANT_FIELDS.some((key) => given(submitted[key]));
    const variant = wantsVariant ? firstVariantRules.safeParse(Object.fromEntries(FIRST_VARIANT_FIELDS.map((key) => [key, submitted[key]]))) : undefined;
    const issues = [...(product.success ? [] : product.error.issues), ...(variant && !variant.success ? variant.error.issues : [])];
    if (issues.length) throw asValidationError(issues);
    const rest = Object.fromEntries(Object.entries(submitted).filter(([key]) => !(FIRST_VARIANT_FIELDS as readonly string[]).includes(key)));
    return { ...request, payload: { ...rest, ...product.data, ...(variant?.success ? { firstVariant: variant.data } : {}) } };
  };
}

/** What staff may write of a product: not the price range and SKU list its variants' triggers keep. */
const KEPT_BY_TRIGGERS = ['priceMinMinor', 'priceMaxMinor', 'variantSkus', 'optionPairs'];
const ownFields = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([key]) => !KEPT_BY_TRIGGERS.includes(key)));

/** After a save, back to the product's page, where its options and variants are listed. */
const toProductPage =
  (productOf: (record: RecordJSON) => unknown): After<ActionResponse> =>
  async (response) => {
    const record = (response as RecordActionResponse).record;
    const productId = record && productOf(record);
    if (saved(response as RecordActionResponse) && typeof productId === 'string') response.redirectUrl = recordUrl('Product', productId);
    return response;
  };

/** After deleting an option or variant, back to its product's page. */
const afterDelete: After<ActionResponse> = async (response) => {
  const { notice, record } = response as RecordActionResponse;
  if (notice?.type !== 'error' && typeof record?.params?.product === 'string') response.redirectUrl = recordUrl('Product', record.params.product);
  return response;
};

const VARIANT_FIELDS = Object.keys(variantFieldsRules.shape);

/**
 * A variant's fields (the submitted ones over the stored ones when editing) against the rules,
 * and its option values against its product's options, all findings at once. The product of a
 * variant is fixed once made. The write re-checks the option values in its transaction.
 */
function variantChecks(pool: pg.Pool): Before {
  return async (request, context) => {
    if (request.method !== 'post') return request;
    // once made, a variant's stock moves only by adjustments (the write leaves it alone too)
    const { merged, productId } = productPartForm(request, context, ['stock']);
    const issues: z.core.$ZodIssue[] = [];
    const fields = variantFieldsRules.safeParse(Object.fromEntries(VARIANT_FIELDS.map((key) => [key, merged[key]])));
    if (!fields.success) issues.push(...fields.error.issues);
    const threshold = lowStockThresholdRule.safeParse(merged.lowStockThreshold);
    if (!threshold.success) issues.push(...threshold.error.issues.map((issue) => ({ ...issue, path: ['lowStockThreshold', ...issue.path] })));
    let optionValues: Record<string, string> | undefined;
    if (!isProductId(productId)) {
      issues.push({ code: 'custom', path: ['product'], message: 'Choose the product this variant belongs to', input: productId });
    } else {
      const values =
        typeof merged.optionValues === 'string' && merged.optionValues.trim().startsWith('{') ? safeJson(merged.optionValues) : merged.optionValues;
      const checked = optionValuesRule(await optionsOf(pool, productId)).safeParse(values ?? {});
      if (checked.success) optionValues = checked.data;
      else issues.push(...checked.error.issues.map((issue) => ({ ...issue, path: ['optionValues', ...issue.path] })));
    }
    if (issues.length) throw asValidationError(issues);
    return { ...request, payload: { ...(fields.success ? fields.data : {}), lowStockThreshold: threshold.data, optionValues, product: productId } };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An option's fields (the submitted over the stored when editing); the product is fixed once made. */
function optionChecks(): Before {
  return async (request, context) => {
    if (request.method !== 'post') return request;
    const { merged, productId } = productPartForm(request, context);
    const issues: z.core.$ZodIssue[] = [];
    const fields = optionRules.safeParse({ name: merged.name, values: merged.values, position: merged.position });
    if (!fields.success) issues.push(...fields.error.issues);
    if (!isProductId(productId)) {
      issues.push({ code: 'custom', path: ['product'], message: 'Choose the product this option belongs to', input: productId });
    }
    if (issues.length) throw asValidationError(issues);
    return { ...request, payload: { ...(fields.success ? fields.data : {}), product: productId } };
  };
}

/** Up or down among the product's variants (options, images): the product page's arrows. POST only. */
export function moveAction(pool: pg.Pool, table: MovableTable) {
  return {
    actionType: 'record' as const,
    icon: 'ArrowUp',
    isVisible: false,
    handler: async (request: ActionRequest, _response: unknown, context: Parameters<Before>[1]): Promise<RecordActionResponse> => {
      const { record, currentAdmin } = context;
      if (!record) throw new Error('a move needs a record');
      if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
      const direction = request.payload?.direction === 'down' ? 'down' : 'up';
      await move(pool, table, String(record.id()), direction);
      const fresh = (await context.resource.findOne(String(record.id()))) ?? record;
      return { record: fresh.toJSON(currentAdmin), notice: { message: `Moved ${direction}`, type: 'success' } };
    },
  };
}

// The form sends text: the change as typed ("12", "-3"), then the API's own rules.
const adjustmentForm = z
  .object({
    change: z
      .string({ error: 'the change is required' })
      .trim()
      .regex(/^[+-]?\d{1,10}$/, 'a whole number of units, e.g. 12 or -3')
      .transform(Number),
    reason: z.unknown(),
    note: z.unknown().optional(),
  })
  .pipe(stockAdjustmentBody);

/**
 * "Adjust stock" on a variant's page: a change, a reason and a note, sent as a POST (opening
 * the action changes nothing); the same adjustment as the staff API, so it is in the ledger
 * and the audit trail. A refusal (the stock would go below 0) comes back as an error notice.
 */
function adjustStockAction(pool: pg.Pool, components: ComponentNames): Action<ActionResponse> {
  return {
    name: 'adjustStock',
    actionType: 'record',
    icon: 'Package',
    component: components.StockAdjustment,
    custom: { reasons: STAFF_STOCK_REASONS },
    handler: async (request, _response, context): Promise<RecordActionResponse> => {
      const { record, currentAdmin, h, resource } = context;
      if (!record || !currentAdmin?.id) throw new Error('a stock adjustment needs a variant and a signed-in staff member');
      if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
      const input = adjustmentForm.safeParse(request.payload ?? {});
      if (!input.success) throw asValidationError(input.error);
      const variantId = String(record.id());
      let stock: number;
      try {
        ({ stock } = await adjustStock(pool, variantId, String(currentAdmin.id), input.data));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { record: record.toJSON(currentAdmin), notice: { message: err.detail ?? err.title, type: 'error' } };
      }
      const fresh = (await resource.findOne(variantId)) ?? record;
      return {
        record: fresh.toJSON(currentAdmin),
        notice: { message: `The stock of ${String(fresh.get('sku'))} is now ${stock}`, type: 'success' },
        redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: variantId, actionName: 'show' }),
      };
    },
  };
}

/** How many movements a variant's page shows; the rest are in Stock movements, filtered by it. */
const HISTORY_ON_PAGE = 20;

export function catalogResources(kit: ResourceKit, pool: pg.Pool, storeCurrency: string) {
  const { components } = kit;
  const categoryChecks = validatedWith(categoryRules);
  const productEditChecks = validatedWith(productRules);
  const money = (description?: string) => ({
    description,
    components: { list: components.MoneyValue, show: components.MoneyValue, edit: components.MoneyInput },
  });
  const productOf = (record: RecordJSON) => record.params.product;
  const titled = async (response: ActionResponse) => {
    const records = ((response.records ?? (response.record ? [response.record] : [])) as RecordJSON[]).filter(Boolean);
    const options = await optionsOfProducts(pool, [...new Set(records.map((r) => String(r.params.product)))]);
    for (const record of records) {
      const values = flat.get(record.params, 'optionValues') as Record<string, string> | undefined;
      record.params.title = variantTitle(options.get(String(record.params.product)) ?? [], values ?? {}) ?? '(no options)';
    }
    return response;
  };
  return [
    prismaResource(kit, 'Category', {
      navigation: NAVIGATION.catalog,
      properties: {
        id: { isVisible: { list: false, filter: false, show: true, edit: false } },
        name: { isTitle: true },
        description: { type: 'textarea' },
      },
      listProperties: ['name', 'slug', 'createdAt'],
      sort: { sortBy: 'name', direction: 'asc' },
      actions: { new: { before: categoryChecks }, edit: { before: categoryChecks } },
    }),
    prismaResource(
      kit,
      'Product',
      {
        navigation: NAVIGATION.catalog,
        properties: {
          id: { isVisible: onlyOnShow },
          title: { isTitle: true },
          description: { type: 'textarea', isVisible: { list: false, filter: false, show: true, edit: true } },
          currency: { description: 'ISO 4217 code, e.g. USD' },
          imageUrl: { isVisible: { list: false, filter: false, show: true, edit: true } },
          // kept by the database from the active variants: shown, never typed
          priceMinMinor: {
            isVisible: { list: true, filter: true, show: true, edit: false },
            components: { list: components.PriceRange, show: components.PriceRange },
          },
          priceMaxMinor: { isVisible: false },
          variantSkus: { isVisible: { list: false, filter: true, show: false, edit: false } },
          optionPairs: { isVisible: false }, // the listing's option filter reads it ("Size=M")
          catalog: { type: 'string', isVisible: onlyOnShow, components: { show: components.ProductVariants } },
          // the first variant, on the new product form only (virtual: not product columns)
          sku: { type: 'string', description: 'First variant (optional): its SKU, e.g. TEE-M-RED. Leave SKU and price empty to add options first.' },
          priceMinor: money('First variant: its price; type the amount, e.g. 12.50'),
          stock: { type: 'number', description: 'First variant: units in stock (0 if left empty)' },
        },
        listProperties: ['title', 'priceMinMinor', 'active', 'category', 'createdAt'],
        filterProperties: ['title', 'slug', 'variantSkus', 'active', 'category', 'priceMinMinor', 'createdAt'],
        showProperties: [
          'title',
          'slug',
          'priceMinMinor',
          'currency',
          'active',
          'category',
          'description',
          'imageUrl',
          'catalog',
          'createdAt',
          'updatedAt',
          'id',
        ],
        sort: { sortBy: 'createdAt', direction: 'desc' },
        actions: {
          new: {
            layout: ['slug', 'title', 'description', 'currency', 'active', 'category', 'imageUrl', 'sku', 'priceMinor', 'stock'],
            before: newProductChecks(storeCurrency),
            after: toProductPage((record) => record.id),
          },
          edit: { layout: ['slug', 'title', 'description', 'currency', 'active', 'category', 'imageUrl'], before: productEditChecks },
          ...productBulkActions(pool, components),
          exportCsv: productExportAction(components),
          show: {
            after: async (response: ActionResponse) => {
              const product = response.record as RecordJSON & { catalog?: unknown };
              if (product?.id) product.catalog = await loadProductCatalog(pool, String(product.id));
              return response;
            },
          },
        },
      },
      {
        writes: {
          async create(data, params, staff) {
            const first = flat.get(params as Parameters<typeof flat.get>[0], 'firstVariant') as { sku: string; priceMinor: number; stock: number } | undefined;
            const product = { ...ownFields(data), ...(first ? { variants: { create: first } } : {}) } as Prisma.ProductUncheckedCreateInput;
            return createProductWithFirstVariant(kit.prisma, product, staff);
          },
          async update(id, data) {
            return kit.prisma.product.update({ where: { id }, data: ownFields(data) as Prisma.ProductUncheckedUpdateInput });
          },
        },
      },
    ),
    prismaResource(
      kit,
      'ProductOption',
      {
        navigation: NAVIGATION.catalog,
        properties: {
          id: { isVisible: onlyOnShow },
          name: { isTitle: true, description: 'e.g. Size or Colour; unique per product' },
          values: {
            description: 'The values in order, separated by commas, e.g. S, M, L',
            components: { edit: components.OptionValuesListInput, list: components.ListValue, show: components.ListValue },
          },
          position: { isRequired: false, description: 'Order among the product’s options (0 first): variant titles follow it, e.g. M / Red' },
        },
        listProperties: ['product', 'name', 'values', 'position'],
        filterProperties: ['product', 'name'],
        sort: { sortBy: 'position', direction: 'asc' },
        actions: {
          new: { layout: ['product', 'name', 'values', 'position'], before: optionChecks(), after: toProductPage(productOf) },
          edit: { layout: ['name', 'values', 'position'], before: optionChecks(), after: toProductPage(productOf) },
          delete: { after: afterDelete },
          bulkDelete: { isAccessible: false },
          move: moveAction(pool, 'product_options'),
        },
      },
      { writes: optionWrites(pool) },
    ),
    prismaResource(
      kit,
      'ProductVariant',
      {
        navigation: NAVIGATION.catalog,
        properties: {
          id: { isVisible: onlyOnShow },
          sku: { isTitle: true, description: 'Unique across the shop: letters, digits, dot, dash and underscore' },
          title: { type: 'string', isVisible: { list: true, filter: false, show: true, edit: false } },
          optionValues: { isVisible: { list: false, filter: false, show: false, edit: true }, components: { edit: components.OptionValuesInput } },
          priceMinor: money('Stored as whole minor units (cents); type the amount, e.g. 12.50'),
          compareAtPriceMinor: money('Optional “was” price, above the price; leave empty for none'),
          stock: {
            description: 'Units in stock (0 or more). Once the variant is made, change it with “Adjust stock”, which records why.',
            components: { edit: components.StockInput },
          },
          lowStockThreshold: {
            isRequired: false,
            description: 'Staff are mailed when the stock falls to this or below; empty: the store’s threshold (Store settings)',
          },
          stockHistory: { type: 'string', isVisible: onlyOnShow, components: { show: components.StockHistory } },
          position: { isRequired: false, description: 'Order among the product’s variants (0 first; empty: 0)' },
          active: { description: 'Only active variants are sold and count for the product’s price range' },
          imageUrl: { description: 'Optional: a picture of this variant (http or https)', isVisible: { list: false, filter: false, show: true, edit: true } },
        },
        listProperties: ['product', 'sku', 'title', 'priceMinor', 'compareAtPriceMinor', 'stock', 'active', 'position'],
        filterProperties: ['product', 'sku', 'active', 'stock', 'priceMinor'],
        showProperties: [
          'product',
          'sku',
          'title',
          'priceMinor',
          'compareAtPriceMinor',
          'stock',
          'lowStockThreshold',
          'active',
          'position',
          'imageUrl',
          'stockHistory',
          'createdAt',
          'updatedAt',
          'id',
        ],
        sort: { sortBy: 'sku', direction: 'asc' },
        actions: {
          list: { after: titled },
          show: {
            after: async (response: ActionResponse) => {
              const variant = response.record as RecordJSON & { stockHistory?: unknown };
              if (variant?.id) variant.stockHistory = await listStockMovements(pool, String(variant.id), { limit: HISTORY_ON_PAGE });
              return titled(response);
            },
          },
          new: {
            layout: ['product', 'optionValues', 'sku', 'priceMinor', 'compareAtPriceMinor', 'stock', 'lowStockThreshold', 'active', 'position', 'imageUrl'],
            before: variantChecks(pool),
            after: toProductPage(productOf),
          },
          edit: {
            layout: ['optionValues', 'sku', 'priceMinor', 'compareAtPriceMinor', 'stock', 'lowStockThreshold', 'active', 'position', 'imageUrl'],
            before: variantChecks(pool),
            after: toProductPage(productOf),
          },
          adjustStock: adjustStockAction(pool, components),
          delete: { after: afterDelete },
          bulkDelete: { isAccessible: false },
          move: moveAction(pool, 'product_variants'),
          ...variantBulkActions(pool, components),
        },
      },
      { writes: variantWrites(pool) },
    ),
    // The ledger, written by the database's triggers on every stock change: read only.
    prismaResource(kit, 'StockMovement', {
      navigation: NAVIGATION.catalog,
      properties: {
        id: { isVisible: onlyOnShow },
        reason: { isTitle: true, availableValues: STOCK_REASONS.map((reason) => ({ value: reason, label: reason.replaceAll('_', ' ') })) },
        actor: { description: 'staff:<user>, customer:<user>, provider:<gateway>, system:<job>, or db:<role> for a change made outside the shop' },
      },
      listProperties: ['createdAt', 'variant', 'change', 'stockAfter', 'reason', 'actor', 'order'],
      filterProperties: ['variant', 'reason', 'order', 'actor', 'createdAt'],
      showProperties: ['variant', 'change', 'stockAfter', 'reason', 'actor', 'order', 'note', 'createdAt', 'id'],
      sort: { sortBy: 'id', direction: 'desc' },
      actions: READ_ONLY_ACTIONS,
    }),
  ];
}
