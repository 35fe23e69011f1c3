import { createTestDatabase, useTestDatabase } from '../helpers/test-app.js';
import { createDb } from '../../src/shared/db.js';
import { seedDemoCatalog } from '../../prisma/demo-catalog.js';
import { seedDemoOrders } from '../../prisma/demo-orders.js';
import { canTransition, HOLDS_STOCK, type OrderStatus } from '../../src/orders/statuses.js';
import { inTransaction } from '../../src/shared/db.js';
import { transition } from '../../src/orders/state-machine.js';

const database = useTestDatabase(3);

describe('seedDemoOrders (npm start with the embedded database)', () => {
  test('when the shop has a catalog and no orders, then it gets orders in every state the panel acts on, with consistent history; a second run adds none', async () => {
    await seedDemoCatalog(database.db.prisma, 'USD');

    const made = await seedDemoOrders(database.db.pool);
    const again = await seedDemoOrders(database.db.pool);

    expect(made).toBe(60);
    expect(again).toBe(0);
    const byStatus = Object.fromEntries(
      (await database.db.pool.query<{ status: string; n: number }>(`SELECT status, COUNT(*)::int AS n FROM orders GROUP BY status`)).rows.map((r) => [
        r.status,
        r.n,
      ]),
    );
    for (const status of ['PAID', 'ON_HOLD', 'SHIPPED', 'DELIVERED', 'AWAITING_PAYMENT', 'CANCELLED', 'REFUNDED']) expect(byStatus[status]).toBeGreaterThan(0);
    const history = await database.db.pool.query<{ status: OrderStatus; steps: (OrderStatus | null)[][] }>(
      `SELECT o.status, json_agg(json_build_array(c.from_status, c.to_status) ORDER BY c.created_at, c.id) AS steps
         FROM orders o JOIN order_status_changes c ON c.order_id = o.id GROUP BY o.id, o.status`,
    );
    for (const { status, steps } of history.rows) {
      expect(steps[steps.length - 1][1]).toBe(status);
      for (const [from, to] of steps.slice(1)) expect(canTransition(from!, to!)).toBe(true);
    }
    // money is captured for paid orders and for held ones (a risky payment, not yet released)
    const unpaidWithPayment = await database.db.pool.query(
      `SELECT 1 FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.paid_at IS NULL AND o.status <> 'ON_HOLD'`,
    );
    expect(unpaidWithPayment.rowCount).toBe(0);
    // each line names the variant sold, with its title and option values as they were
    const lines = await database.db.pool.query<{ sku: string; variantTitle: string | null; optionValues: Record<string, string>; matches: boolean }>(
      `SELECT i.sku, i.variant_title AS "variantTitle", i.option_values AS "optionValues",
              (v.sku = i.sku AND v.option_values = i.option_values AND v.product_id = i.product_id AND v.price_minor = i.unit_price_minor) AS matches
         FROM order_items i JOIN product_variants v ON v.id = i.variant_id`,
    );
    expect(lines.rowCount).toBe((await database.db.pool.query(`SELECT 1 FROM order_items`)).rowCount);
    expect(lines.rows.every((l) => l.matches)).toBe(true);
    expect(lines.rows.filter((l) => l.variantTitle !== null).length).toBeGreaterThan(0);
    const tee = lines.rows.find((l) => l.sku === 'DEMO-TEE-M-RED');
    if (tee) expect(tee).toMatchObject({ variantTitle: 'M / Red', optionValues: { Size: 'M', Colour: 'Red' } });
    // the stock ledger tells the demo's story: initial stock, then what its orders hold, by the seed
    const ledger = await database.db.pool.query<{ reason: string; actor: string; withOrder: boolean }>(
      `SELECT DISTINCT reason, actor, order_id IS NOT NULL AS "withOrder" FROM stock_movements ORDER BY reason`,
    );
    expect(ledger.rows).toEqual([
      { reason: 'checkout', actor: 'system:demo', withOrder: true },
      { reason: 'initial', actor: 'system:demo', withOrder: false },
    ]);
  });

  test('when staff cancel every demo order that holds stock, then the catalog has the stock it was seeded with again', async () => {
    const fresh = await createTestDatabase();
    const other = createDb(fresh.url, 2);
    try {
      const stockOf = async () => (await other.pool.query<{ id: string; stock: number }>(`SELECT id, stock FROM product_variants ORDER BY id`)).rows;
      await seedDemoCatalog(other.prisma, 'USD');
      const seeded = await stockOf();
      await seedDemoOrders(other.pool);

      const held = await other.pool.query<{ id: string; status: OrderStatus }>(`SELECT id, status FROM orders WHERE status = ANY($1::"OrderStatus"[])`, [
        [...HOLDS_STOCK],
      ]);
      for (const order of held.rows) {
        await inTransaction(other.pool, (tx) => transition(tx, order.id, 'CANCELLED', { actor: 'test', reason: 'demo cleanup' }));
      }

      expect(new Set(held.rows.map((o) => o.status))).toEqual(new Set(['AWAITING_PAYMENT', 'ON_HOLD', 'PAID']));
      expect(await stockOf()).toEqual(seeded);
    } finally {
      await other.close();
      await fresh.drop();
    }
  });
});
