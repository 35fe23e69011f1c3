import { z } from 'zod';
import { ValidationFailed, type FieldError } from '../shared/errors.js';

export const DISCOUNT_TYPES = ['percentage', 'fixed_amount', 'free_shipping'] as const;

/** Letters, digits, '-' and '_'; matched without regard to case. */
const codeText = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{2,40}$/, '2 to 40 letters, digits, - or _');

export const applyCodeBody = z.strictObject({ code: z.string().trim().min(1).max(100) });

const minor = z.number().int().min(0).max(2_147_483_647);
const limit = z.number().int().min(1).max(2_147_483_647).nullable();
const instant = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v))
  .nullable();

const fields = {
  code: codeText,
  type: z.enum(DISCOUNT_TYPES),
  /** percent (1..100) for a percentage, minor units of the store currency for a fixed amount, 0 for free shipping */
  value: minor,
  minSubtotalMinor: minor,
  productIds: z.array(z.guid()).max(1000),
  categoryIds: z.array(z.guid()).max(1000),
  startsAt: instant,
  endsAt: instant,
  usageLimit: limit,
  perCustomerLimit: limit,
  active: z.boolean(),
};

export const createCodeBody = z.strictObject({
  ...fields,
  value: fields.value.default(0),
  minSubtotalMinor: fields.minSubtotalMinor.default(0),
  productIds: fields.productIds.default([]),
  categoryIds: fields.categoryIds.default([]),
  startsAt: fields.startsAt.default(null),
  endsAt: fields.endsAt.default(null),
  usageLimit: fields.usageLimit.default(null),
  perCustomerLimit: fields.perCustomerLimit.default(null),
  active: fields.active.default(true),
});
export const updateCodeBody = z.strictObject(fields).partial();
export const codeIdParams = z.object({ id: z.guid() });

export type DiscountCodeInput = z.infer<typeof createCodeBody>;

/** The rules across fields, on the code as it would be stored (a PATCH merged onto the stored code). */
export function checkCodeRules(code: DiscountCodeInput, usedCount = 0): void {
  const errors: FieldError[] = [];
  if (code.type === 'percentage' && (code.value < 1 || code.value > 100)) errors.push({ path: 'value', message: 'a percentage is 1 to 100' });
  if (code.type === 'fixed_amount' && code.value < 1) errors.push({ path: 'value', message: 'a fixed amount is at least 1 minor unit' });
  if (code.type === 'free_shipping' && code.value !== 0) errors.push({ path: 'value', message: 'free shipping takes no value (0)' });
  if (code.startsAt && code.endsAt && code.endsAt <= code.startsAt) errors.push({ path: 'endsAt', message: 'must be after startsAt' });
  if (code.usageLimit !== null && code.usageLimit < usedCount) errors.push({ path: 'usageLimit', message: `already used ${usedCount} times` });
  if (errors.length) throw new ValidationFailed(errors);
}
