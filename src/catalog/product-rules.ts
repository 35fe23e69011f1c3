// A product's own fields, shared by the staff panel's forms (admin/resources/catalog.ts) and the
// CSV import (product-import.ts). Its variants' rules are in variant-rules.ts.
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `at most ${max} characters`);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? null : v), schema.nullable().optional());

export const slugRule = text(120).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single dashes, e.g. house-blend');

export const productRules = z.object({
  slug: slugRule,
  title: text(200),
  description: z.string().max(10_000).optional(),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code like USD'),
  imageUrl: optional(z.url({ protocol: /^https?$/, error: 'a full http(s) address' }).max(2000)),
  category: optional(z.uuid()),
});
