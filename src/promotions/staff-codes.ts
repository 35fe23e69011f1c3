import type { Queryable } from '../shared/db.js';
import { checkCodeRules, type DiscountCodeInput } from './schemas.js';
import { DiscountCodeNotFound, DiscountCodeTaken } from './errors.js';

// Staff's discount codes: the REST routes and the panel both write through here. There is no
// delete: a code that orders used is deactivated (active: false); its uses keep it.

export type DiscountCodeView = DiscountCodeInput & { id: string; usedCount: number; createdAt: Date; updatedAt: Date };

const COLUMNS = `id, code, type, value, min_subtotal_minor AS "minSubtotalMinor", product_ids AS "productIds", category_ids AS "categoryIds",
  starts_at AS "startsAt", ends_at AS "endsAt", usage_limit AS "usageLimit", per_customer_limit AS "perCustomerLimit",
  used_count AS "usedCount", active, created_at AS "createdAt", updated_at AS "updatedAt"`;

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

export async function listCodes(db: Queryable): Promise<DiscountCodeView[]> {
  const { rows } = await db.query<DiscountCodeView>(`SELECT ${COLUMNS} FROM discount_codes ORDER BY created_at DESC, id`);
  return rows;
}

async function readCode(db: Queryable, id: string): Promise<DiscountCodeView> {
  const { rows } = await db.query<DiscountCodeView>(`SELECT ${COLUMNS} FROM discount_codes WHERE id = $1`, [id]);
  if (!rows.length) throw new DiscountCodeNotFound();
  return rows[0];
}

const VALUES = (c: DiscountCodeInput) => [
  c.code,
  c.type,
  c.value,
  c.minSubtotalMinor,
  c.productIds,
  c.categoryIds,
  c.startsAt,
  c.endsAt,
  c.usageLimit,
  c.perCustomerLimit,
  c.active,
];

export async function createCode(db: Queryable, input: DiscountCodeInput): Promise<DiscountCodeView> {
  checkCodeRules(input);
  try {
    const { rows } = await db.query<DiscountCodeView>(
      `INSERT INTO discount_codes (code, type, value, min_subtotal_minor, product_ids, category_ids, starts_at, ends_at, usage_limit, per_customer_limit, active)
       VALUES ($1, $2::"DiscountType", $3, $4, $5::uuid[], $6::uuid[], $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      VALUES(input),
    );
    return rows[0];
  } catch (err) {
    if (isUniqueViolation(err)) throw new DiscountCodeTaken(input.code);
    throw err;
  }
}

/** Changes the fields given; the merged code must keep the rules. */
export async function updateCode(db: Queryable, id: string, changes: Partial<DiscountCodeInput>): Promise<DiscountCodeView> {
  const stored = await readCode(db, id);
  const merged = { ...stored, ...changes };
  checkCodeRules(merged, stored.usedCount);
  try {
    const { rows } = await db.query<DiscountCodeView>(
      `UPDATE discount_codes SET code = $1, type = $2::"DiscountType", value = $3, min_subtotal_minor = $4, product_ids = $5::uuid[], category_ids = $6::uuid[],
              starts_at = $7, ends_at = $8, usage_limit = $9, per_customer_limit = $10, active = $11, updated_at = now()
        WHERE id = $12 RETURNING ${COLUMNS}`,
      [...VALUES(merged), id],
    );
    if (!rows.length) throw new DiscountCodeNotFound();
    return rows[0];
  } catch (err) {
    if (isUniqueViolation(err)) throw new DiscountCodeTaken(merged.code);
    throw err;
  }
}
