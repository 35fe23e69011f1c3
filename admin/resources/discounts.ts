// The Sales group's discount codes: the same rules as the staff REST routes (src/promotions/
// schemas.ts), checked on the code as it would be stored; a refusal is an error on the form's
// fields that changes nothing. No delete: a code is deactivated, its orders keep their snapshot.
import { flat, type Before } from 'adminjs';
import { checkCodeRules, createCodeBody } from '../../src/promotions/schemas.js';
import { ValidationFailed } from '../../src/shared/errors.js';
import { fieldError } from '../catalog-writes.js';
import { asValidationError, NAVIGATION, onlyOnShow, prismaResource, type ResourceKit } from './shared.js';

const refused = { isAccessible: false };
const EDITABLE = ['code', 'type', 'value', 'minSubtotalMinor', 'productIds', 'categoryIds', 'startsAt', 'endsAt', 'usageLimit', 'perCustomerLimit', 'active'];

// A form sends text: empty means "none" (null, or the default), numbers and flags are typed here
// so that the REST routes' zod rules read the panel's input as they read JSON.
const blank = (v: unknown) => v === undefined || v === null || v === '';
const num = (v: unknown) => (blank(v) ? null : Number(v));
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => !blank(x)) : blank(v) ? [] : [v]);
const instant = (v: unknown) => (blank(v) ? null : new Date(String(v)).toISOString());
const flag = (v: unknown) => v === true || v === 'true';

const fromForm = (row: Record<string, unknown>) => ({
  code: row.code,
  type: row.type,
  value: num(row.value) ?? 0,
  minSubtotalMinor: num(row.minSubtotalMinor) ?? 0,
  productIds: list(row.productIds),
  categoryIds: list(row.categoryIds),
  startsAt: instant(row.startsAt),
  endsAt: instant(row.endsAt),
  usageLimit: num(row.usageLimit),
  perCustomerLimit: num(row.perCustomerLimit),
  active: row.active === undefined ? true : flag(row.active),
});

const checked: Before = async (request, context) => {
  if (request.method !== 'post') return request;
  const stored: Record<string, unknown> = context.action.name === 'new' ? {} : flat.unflatten(context.record?.params ?? {});
  const submitted: Record<string, unknown> = flat.unflatten(request.payload ?? {});
  const merged = { ...stored, ...submitted };
  const result = createCodeBody.safeParse(fromForm(merged));
  if (!result.success) throw asValidationError(result.error);
  try {
    checkCodeRules(result.data, Number(stored.usedCount ?? 0));
  } catch (err) {
    if (!(err instanceof ValidationFailed)) throw err;
    const [first] = (err.extras.errors as { path: string; message: string }[]) ?? [];
    throw fieldError(first.path, first.message);
  }
  return { ...request, payload: result.data };
};

export function discountResources(kit: ResourceKit, storeCurrency: string) {
  const { components } = kit;
  const money = (description: string) => ({
    description,
    isRequired: false,
    custom: { currency: storeCurrency },
    components: { list: components.MoneyValue, show: components.MoneyValue, edit: components.MoneyInput },
  });
  const ids = (description: string) => ({
    description,
    components: { edit: components.OptionValuesListInput, list: components.ListValue, show: components.ListValue },
  });
  return [
    prismaResource(
      kit,
      'DiscountCode',
      {
        navigation: NAVIGATION.sales,
        properties: {
          id: { isVisible: onlyOnShow },
          code: { isTitle: true, description: 'Letters, digits, - and _ (2 to 40); shoppers may type it in any case' },
          type: { description: 'percentage, fixed_amount (off the covered lines, never below zero) or free_shipping' },
          value: {
            type: 'number',
            isRequired: false,
            description: 'Percent (1 to 100) for a percentage; minor units (cents) for a fixed amount; empty for free shipping',
          },
          minSubtotalMinor: money('Optional: the cart subtotal it needs'),
          productIds: ids('Optional: only these products’ lines (ids, separated by commas)'),
          categoryIds: ids('Optional: only lines of products in these categories (ids, separated by commas)'),
          startsAt: { isRequired: false, description: 'Optional: valid from' },
          endsAt: { isRequired: false, description: 'Optional: valid until (after the start)' },
          usageLimit: { isRequired: false, description: 'Optional: orders in all' },
          perCustomerLimit: { isRequired: false, description: 'Optional: orders per customer' },
          usedCount: {
            isVisible: { list: true, show: true, edit: false, filter: false },
            description: 'Orders that used it (uses given back by unpaid orders that let go do not count)',
          },
          active: { description: 'Deactivate rather than delete', custom: { default: true }, components: { edit: components.FlagInput } },
        },
        listProperties: ['code', 'type', 'value', 'usedCount', 'usageLimit', 'active', 'endsAt'],
        filterProperties: ['code', 'type', 'active'],
        showProperties: [...EDITABLE, 'usedCount', 'createdAt', 'updatedAt', 'id'],
        editProperties: EDITABLE,
        sort: { sortBy: 'createdAt', direction: 'desc' },
        actions: { new: { before: checked }, edit: { before: checked }, delete: refused, bulkDelete: refused },
      },
      { uniqueMessages: { code: { field: 'code', message: 'Another code has this text (codes are case-insensitive)' } }, hide: ['uses', 'carts'] },
    ),
  ];
}
