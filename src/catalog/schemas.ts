import { z } from 'zod';

export const SORTS = ['newest', 'price_asc', 'price_desc', 'title'] as const;
export type Sort = (typeof SORTS)[number];

// Query strings arrive as text: accept plain digits only, so "1.5", "1e3", " 7" and "-1" are refused.
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

export const productListQuery = z
  .strictObject({
    limit: wholeNumber(1, 100).default(20),
    cursor: z.string().min(1).max(4096).optional(), // it carries a title when sorting by title
    sort: z.enum(SORTS).default('newest'),
    category: z.string().min(1).max(200).optional(),
    q: z.string().trim().min(1).max(100).optional(),
    minPrice: wholeNumber(0, 2_147_483_647).optional(),
    maxPrice: wholeNumber(0, 2_147_483_647).optional(),
    inStock: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  })
  .refine((query) => query.minPrice === undefined || query.maxPrice === undefined || query.minPrice <= query.maxPrice, {
    path: ['maxPrice'],
    message: 'must not be below minPrice',
  });

export type ProductListQuery = z.infer<typeof productListQuery>;

export const productRef = z.object({ idOrSlug: z.string().min(1).max(200) });
export const categoryRef = z.object({ slug: z.string().min(1).max(200) });
