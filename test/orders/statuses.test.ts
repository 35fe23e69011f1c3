import { loadFullDmmf } from '../../admin/dmmf.js';
import { loadOpenApi } from '../../src/shared/openapi.js';
import { canTransition, CASH_ON_DELIVERY_ONLY, ORDER_STATUSES, PATH_TO, PAYMENT_STATUSES, TRANSITIONS } from '../../src/orders/statuses.js';
import { staffOrderListQuery } from '../../src/orders/schemas.js';
import { useTestShop } from '../helpers/test-app.js';

// src/orders/statuses.ts is the source: the schema, the migrated database, the zod schemas and
// the contract must list exactly its values, so that adding a status anywhere but there fails here.

const shop = useTestShop();
const sorted = (values: readonly string[]) => [...values].sort();

/** Every `enum` in the contract, with where it is. */
function contractEnums(node: unknown, at = '#'): { at: string; values: string[] }[] {
  if (!node || typeof node !== 'object') return [];
  const own = Array.isArray((node as { enum?: unknown }).enum) ? [{ at, values: (node as { enum: string[] }).enum }] : [];
  return [...own, ...Object.entries(node).flatMap(([key, child]) => contractEnums(child, `${at}/${key}`))];
}

describe.each([
  ['OrderStatus', ORDER_STATUSES, PAYMENT_STATUSES],
  ['PaymentStatus', PAYMENT_STATUSES, ORDER_STATUSES],
] as const)('the %s values', (name, source, other) => {
  test('when read from schema.prisma, then they are the source values', async () => {
    const dmmf = await loadFullDmmf();

    const values = dmmf.datamodel.enums.find((e) => e.name === name)?.values.map((v) => v.name);

    expect(values).toEqual([...source]);
  });

  test('when read from the migrated database, then they are the source values', async () => {
    const { rows } = await shop.db.pool.query<{ label: string }>(
      `SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 ORDER BY e.enumsortorder`,
      [name],
    );

    expect(rows.map((r) => r.label)).toEqual([...source]);
  });

  test('when read from the contract, then every enum that lists any of them lists exactly them', () => {
    // a value only this kind has tells the two apart (both have CANCELLED, EXPIRED, REFUNDED)
    const own = source.filter((v) => !(other as readonly string[]).includes(v));
    const found = contractEnums(loadOpenApi()).filter((e) => e.values.some((v) => (own as readonly string[]).includes(v)));

    expect(found.length).toBeGreaterThan(0);
    expect(found.map((e) => ({ at: e.at, values: sorted(e.values) }))).toEqual(found.map((e) => ({ at: e.at, values: sorted(source) })));
  });
});

describe('the order statuses in code', () => {
  test('when the transitions table and the staff list filter are read, then they name exactly the source statuses', () => {
    const filter = staffOrderListQuery.shape.status.unwrap();

    expect(Object.keys(TRANSITIONS)).toEqual([...ORDER_STATUSES]);
    expect(filter.options).toEqual([...ORDER_STATUSES]);
  });

  test.each(ORDER_STATUSES)('when the usual path to %s is followed from checkout, then every step is an allowed transition and it ends there', (status) => {
    const path = PATH_TO[status];

    // checkout makes an order AWAITING_PAYMENT, or CONFIRMED for cash on delivery
    expect(CASH_ON_DELIVERY_ONLY.has(status) ? 'CONFIRMED' : 'AWAITING_PAYMENT').toBe(path[0]);
    expect(path.at(-1)).toBe(status);
    for (const [at, to] of path.entries()) if (at > 0) expect(canTransition(path[at - 1], to)).toBe(true);
  });
});
