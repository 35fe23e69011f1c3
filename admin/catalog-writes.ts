// The panel's writes of options and variants, each in one transaction with what it implies for
// the product's other rows: a new option gives the existing variants its first value, a renamed
// one renames the key in them, a removed one drops it (refused when variants would then be the
// same). Variant writes re-check the option values against the options, locked, so an option
// edit racing a variant save cannot leave a variant with a value its option no longer has.
import { ValidationError, type CurrentAdmin } from 'adminjs';
import type pg from 'pg';
import type { Prisma, PrismaClient } from '@prisma/client';
import { inTransaction, type Queryable, type Tx } from '../src/shared/db.js';
import { describeStockMovement, type StockMovement } from '../src/catalog/stock.js';
import { optionValuesRule, removedValuesInUse, type OptionSpec } from '../src/catalog/variant-rules.js';
import { uniqueViolationFields, type ModelWrites } from './prisma-resource.js';

type Row = Record<string, unknown>;

export const OPTION_COLUMNS = `id, product_id AS "productId", name, position, values`;
export const VARIANT_COLUMNS = `id, product_id AS "productId", sku, option_values AS "optionValues", price_minor AS "priceMinor",
  compare_at_price_minor AS "compareAtPriceMinor", stock, active, position, image_url AS "imageUrl", low_stock_threshold AS "lowStockThreshold",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const SAME_COMBINATION = 'Another variant of this product already has these option values';
const NO_OPTIONS_ONE_VARIANT = 'This product has no options, so it has one variant only: add an option (e.g. Size) to the product first';

/** A refusal shown on one field of the form (and as the notice). */
export function fieldError(field: string, message: string): ValidationError {
  return new ValidationError({ [field]: { message, type: 'invalid' } }, { message, type: 'invalid' });
}

/** A product's options, in position order. */
export async function optionsOf(db: Pick<pg.Pool, 'query'>, productId: string, lock = false): Promise<(OptionSpec & { id: string; position: number })[]> {
  const { rows } = await db.query<OptionSpec & { id: string; position: number }>(
    `SELECT id, name, position, values FROM product_options WHERE product_id = $1 ORDER BY position, name${lock ? ' FOR SHARE' : ''}`,
    [productId],
  );
  return rows;
}

/** Why these option values cannot be a variant of a product with these options, or undefined. */
export function optionValuesProblem(options: OptionSpec[], values: unknown): string | undefined {
  const result = optionValuesRule(options).safeParse(values ?? {});
  return result.success ? undefined : result.error.issues.map((i) => i.message).join('; ');
}

const sameCombinationMessage = (options: OptionSpec[]) => (options.length ? SAME_COMBINATION : NO_OPTIONS_ONE_VARIANT);

/** The variant of `productId` that already has these option values (other than `exceptId`). */
async function takenBy(tx: Tx, productId: string, values: Record<string, string>, exceptId?: string) {
  const { rows } = await tx.query<{ sku: string }>(
    `SELECT sku FROM product_variants WHERE product_id = $1 AND option_values = $2::jsonb AND ($3::uuid IS NULL OR id <> $3) LIMIT 1`,
    [productId, JSON.stringify(values), exceptId ?? null],
  );
  return rows[0]?.sku;
}

const isUniqueOn = (err: unknown, constraint: string) =>
  (err as { code?: string; constraint?: string })?.code === '23505' && (err as { constraint?: string }).constraint === constraint;

/** A new variant's stock, typed by staff in the panel: theirs in the ledger. */
const initialStock = (staff: CurrentAdmin): StockMovement => ({ reason: 'initial', actor: `staff:${staff.id}` });

// Prisma's interactive transaction, for the one domain call the product form makes through it.
const prismaQueryable = (tx: Prisma.TransactionClient): Queryable =>
  ({ query: async (text: string, values: unknown[] = []) => ({ rows: await tx.$queryRawUnsafe(text, ...values) }) }) as unknown as Queryable;

/** A new product, with its first variant when given: the variant's stock is the staff member's 'initial' movement. */
export function createProductWithFirstVariant(prisma: PrismaClient, data: Prisma.ProductUncheckedCreateInput, staff?: CurrentAdmin) {
  return prisma.$transaction(async (tx) => {
    if (staff && data.variants) await describeStockMovement(prismaQueryable(tx), initialStock(staff));
    return tx.product.create({ data });
  });
}

export function variantWrites(pool: pg.Pool): ModelWrites {
  // Not the stock: once made, a variant's stock changes only by adjustments (stock-adjustments.ts),
  // which name their reason; a form saved with the stock it showed would undo the sales made meanwhile.
  const columns = ['sku', 'priceMinor', 'compareAtPriceMinor', 'active', 'position', 'imageUrl', 'lowStockThreshold'] as const;
  const sqlName: Record<(typeof columns)[number], string> = {
    sku: 'sku',
    priceMinor: 'price_minor',
    compareAtPriceMinor: 'compare_at_price_minor',
    active: 'active',
    position: 'position',
    imageUrl: 'image_url',
    lowStockThreshold: 'low_stock_threshold',
  };
  const checkValues = async (tx: Tx, productId: string, values: unknown, exceptId?: string) => {
    const options = await optionsOf(tx, productId, true);
    const problem = optionValuesProblem(options, values);
    if (problem) throw fieldError('optionValues', problem);
    const other = await takenBy(tx, productId, values as Record<string, string>, exceptId);
    if (other) throw fieldError('optionValues', options.length ? `${SAME_COMBINATION} (SKU ${other})` : `${NO_OPTIONS_ONE_VARIANT} (SKU ${other})`);
    return options;
  };
  const write = async <T>(work: () => Promise<T>, productId: () => string | undefined): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (isUniqueOn(err, 'product_variants_sku_key')) throw fieldError('sku', 'This SKU is already used by another variant');
      if (isUniqueOn(err, 'product_variants_product_id_option_values_key')) {
        const id = productId();
        throw fieldError('optionValues', sameCombinationMessage(id ? await optionsOf(pool, id) : []));
      }
      throw err;
    }
  };
  return {
    async create(data, _params, staff) {
      const productId = typeof data.productId === 'string' ? data.productId : undefined;
      if (!productId) throw fieldError('product', 'Choose the product this variant belongs to');
      return write(
        () =>
          inTransaction(pool, async (tx) => {
            await checkValues(tx, productId, data.optionValues);
            if (staff) await describeStockMovement(tx, initialStock(staff));
            const { rows } = await tx.query<Row>(
              `INSERT INTO product_variants (product_id, sku, option_values, price_minor, compare_at_price_minor, stock, active, position, image_url, low_stock_threshold)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${VARIANT_COLUMNS}`,
              [
                productId,
                data.sku,
                JSON.stringify(data.optionValues ?? {}),
                data.priceMinor,
                data.compareAtPriceMinor ?? null,
                data.stock,
                data.active ?? true,
                data.position ?? 0,
                data.imageUrl ?? null,
                data.lowStockThreshold ?? null,
              ],
            );
            return rows[0];
          }),
        () => productId,
      );
    },
    async update(id, data) {
      let productId: string | undefined;
      return write(
        () =>
          inTransaction(pool, async (tx) => {
            const current = (await tx.query<{ productId: string }>(`SELECT product_id AS "productId" FROM product_variants WHERE id = $1 FOR UPDATE`, [id]))
              .rows[0];
            if (!current) throw fieldError('sku', 'This variant no longer exists');
            productId = current.productId;
            if (data.optionValues !== undefined) await checkValues(tx, productId, data.optionValues, id);
            const sets: string[] = [];
            const values: unknown[] = [id];
            for (const column of columns) {
              if (data[column] === undefined) continue;
              values.push(data[column]);
              sets.push(`${sqlName[column]} = $${values.length}`);
            }
            if (data.optionValues !== undefined) {
              values.push(JSON.stringify(data.optionValues));
              sets.push(`option_values = $${values.length}::jsonb`);
            }
            const { rows } = await tx.query<Row>(
              `UPDATE product_variants SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${VARIANT_COLUMNS}`,
              values,
            );
            return rows[0];
          }),
        () => productId,
      );
    },
  };
}

export function optionWrites(pool: pg.Pool): ModelWrites {
  const nameTaken = (err: unknown) => isUniqueOn(err, 'product_options_product_id_name_key') || uniqueViolationFields(err) !== undefined;
  const taken = () => fieldError('name', 'This product already has an option with this name');
  return {
    async create(data) {
      const productId = typeof data.productId === 'string' ? data.productId : undefined;
      if (!productId) throw fieldError('product', 'Choose the product this option belongs to');
      const values = data.values as string[];
      try {
        return await inTransaction(pool, async (tx) => {
          const { rows } = await tx.query<Row>(
            `INSERT INTO product_options (product_id, name, position, values) VALUES ($1, $2, $3, $4) RETURNING ${OPTION_COLUMNS}`,
            [productId, data.name, data.position ?? 0, values],
          );
          // the variants the product has already get the option's first value (staff change it per variant)
          await tx.query(
            `UPDATE product_variants SET option_values = option_values || jsonb_build_object($2::text, $3::text), updated_at = now() WHERE product_id = $1`,
            [productId, data.name, values[0]],
          );
          return rows[0];
        });
      } catch (err) {
        if (nameTaken(err)) throw taken();
        throw err;
      }
    },
    async update(id, data) {
      try {
        return await inTransaction(pool, async (tx) => {
          const before = (
            await tx.query<{ productId: string; name: string; values: string[] }>(`SELECT ${OPTION_COLUMNS} FROM product_options WHERE id = $1 FOR UPDATE`, [
              id,
            ])
          ).rows[0];
          if (!before) throw fieldError('name', 'This option no longer exists');
          const name = typeof data.name === 'string' ? data.name : before.name;
          const values = Array.isArray(data.values) ? (data.values as string[]) : before.values;
          // lock the product's variants: none may take a value this edit removes meanwhile
          const used = (
            await tx.query<{ value: string; skus: string[] }>(
              `SELECT option_values ->> $2 AS value, array_agg(sku ORDER BY position, sku) AS skus
                 FROM (SELECT option_values, sku, position FROM product_variants WHERE product_id = $1 FOR UPDATE) v
                WHERE option_values ? $2 GROUP BY 1`,
              [before.productId, before.name],
            )
          ).rows;
          const stillUsed = removedValuesInUse(
            before.values,
            values,
            used.map((u) => u.value),
          );
          if (stillUsed.length) {
            const skus = used.filter((u) => stillUsed.includes(u.value)).flatMap((u) => u.skus);
            throw fieldError(
              'values',
              `${stillUsed.join(', ')} ${stillUsed.length > 1 ? 'are' : 'is'} still used by variant${skus.length > 1 ? 's' : ''} ${skus.join(', ')}: change or delete ${skus.length > 1 ? 'them' : 'it'} first`,
            );
          }
          const { rows } = await tx.query<Row>(
            `UPDATE product_options SET name = $2, position = coalesce($3, position), values = $4 WHERE id = $1 RETURNING ${OPTION_COLUMNS}`,
            [id, name, data.position ?? null, values],
          );
          if (name !== before.name) {
            await tx.query(
              `UPDATE product_variants SET option_values = (option_values - $2::text) || jsonb_build_object($3::text, option_values -> $2::text), updated_at = now()
                WHERE product_id = $1 AND option_values ? $2`,
              [before.productId, before.name, name],
            );
          }
          return rows[0];
        });
      } catch (err) {
        if (nameTaken(err)) throw taken();
        throw err;
      }
    },
    async delete(id) {
      try {
        await inTransaction(pool, async (tx) => {
          const gone = (
            await tx.query<{ productId: string; name: string }>(`DELETE FROM product_options WHERE id = $1 RETURNING product_id AS "productId", name`, [id])
          ).rows[0];
          if (!gone) return;
          await tx.query(
            `UPDATE product_variants SET option_values = option_values - $2::text, updated_at = now() WHERE product_id = $1 AND option_values ? $2`,
            [gone.productId, gone.name],
          );
        });
      } catch (err) {
        if (isUniqueOn(err, 'product_variants_product_id_option_values_key')) {
          const message = 'Without this option some variants would be the same: delete the variants that differ only in it first';
          throw new ValidationError({}, { message, type: 'invalid' });
        }
        throw err;
      }
    },
  };
}

/** What the arrows move, with the order that breaks equal positions (the listing's and the panel's). */
const TIEBREAKS = { product_variants: 'sku', product_options: 'name', product_images: 'created_at, id' };
export type MovableTable = keyof typeof TIEBREAKS;

/**
 * Moves a variant, option or image one place up or down among its product's: the positions are
 * renumbered 0, 1, 2... in their current order first, so equal positions still move.
 */

export async function move(pool: pg.Pool, table: MovableTable, id: string, direction: 'up' | 'down'): Promise<void> {
  const tiebreak = TIEBREAKS[table];
  await inTransaction(pool, async (tx) => {
    const owner = (await tx.query<{ productId: string }>(`SELECT product_id AS "productId" FROM ${table} WHERE id = $1`, [id])).rows[0];
    if (!owner) return;
    const ids = (
      await tx.query<{ id: string }>(`SELECT id FROM ${table} WHERE product_id = $1 ORDER BY position, ${tiebreak} FOR UPDATE`, [owner.productId])
    ).rows.map((r) => r.id);
    const at = ids.indexOf(id);
    const to = direction === 'up' ? at - 1 : at + 1;
    if (to >= 0 && to < ids.length) [ids[at], ids[to]] = [ids[to], ids[at]];
    await tx.query(
      `UPDATE ${table} t SET position = o.position - 1 FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, position) WHERE t.id = o.id AND t.position <> o.position - 1`,
      [ids],
    );
  });
}
