import type { ActionRequest, Before } from 'adminjs';
import { z } from 'zod';
import { asValidationError, NAVIGATION, prismaResource, type ResourceKit } from './shared.js';

// The panel's writes obey the same rules as the catalog API and the database's CHECKs:
// prices and stock are whole, non-negative numbers; currencies are ISO 4217 codes.

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `at most ${max} characters`);
const slug = text(120).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single dashes, e.g. house-blend');
const wholeNumber = (meaning: string) =>
  z
    .preprocess(
      (v) => (typeof v === 'number' ? String(v) : v),
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, `${meaning} as a whole number`),
    )
    .transform(Number)
    .pipe(z.number().min(0, 'cannot be negative').max(2_000_000_000, 'is too large'));
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? null : v), schema.nullable().optional());

const categoryRules = z.object({
  name: text(100),
  slug,
  description: z.string().max(2000).optional(),
});

const productRules = z.object({
  sku: text(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore'),
  slug,
  title: text(200),
  description: z.string().max(10_000).optional(),
  priceMinor: wholeNumber('the price in minor units (cents)'),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code like USD'),
  stock: wholeNumber('the stock'),
  imageUrl: optional(z.url({ protocol: /^https?$/, error: 'a full http(s) address' }).max(2000)),
  category: optional(z.uuid()),
});

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

export function catalogResources(kit: ResourceKit, storeCurrency: string) {
  const { components } = kit;
  const categoryChecks = validatedWith(categoryRules);
  const productChecks = validatedWith(productRules, { currency: storeCurrency, stock: '0' });
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
    prismaResource(kit, 'Product', {
      navigation: NAVIGATION.catalog,
      properties: {
        id: { isVisible: { list: false, filter: false, show: true, edit: false } },
        title: { isTitle: true },
        description: { type: 'textarea', isVisible: { list: false, filter: false, show: true, edit: true } },
        priceMinor: {
          description: 'Stored as whole minor units (cents); type the amount, e.g. 12.50',
          components: { list: components.MoneyValue, show: components.MoneyValue, edit: components.MoneyInput },
        },
        currency: { description: 'ISO 4217 code, e.g. USD' },
        imageUrl: { isVisible: { list: false, filter: false, show: true, edit: true } },
      },
      listProperties: ['sku', 'title', 'priceMinor', 'stock', 'active', 'category', 'createdAt'],
      filterProperties: ['sku', 'title', 'slug', 'active', 'category', 'stock', 'createdAt'],
      editProperties: ['sku', 'slug', 'title', 'description', 'priceMinor', 'currency', 'stock', 'active', 'category', 'imageUrl'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      actions: { new: { before: productChecks }, edit: { before: productChecks } },
    }),
  ];
}
