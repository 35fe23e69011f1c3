// The zero-setup default: without SMTP_URL every mail is delivered to the mailbox in the database,
// which staff read in the panel (Mailbox); and the mail settings in the panel's Store settings.
import { adminApi, panelPerFile } from '../helpers/admin-fixtures.js';
import { placeOrder } from '../helpers/orders-fixtures.js';
import { createOrder, createProduct, createUser } from '../helpers/fixtures.js';
import { mailRows, mailsSettled } from '../helpers/mail-fixtures.js';
import { recordEvent } from '../../src/jobs/outbox.js';
import { PAYMENT_REFUNDED } from '../../src/payments/refunds.js';
import { pino } from 'pino';
import { createMailer } from '../../src/notifications/mailer.js';
import { sendOnce } from '../../src/notifications/outgoing-mails.js';

const panel = panelPerFile({ jobs: true });
const pool = () => panel.shop.db.pool;

const settings = async () =>
  (
    await pool().query(
      `SELECT store_name AS "storeName", staff_email AS "staffEmail", low_stock_threshold AS "lowStockThreshold", prices_include_tax AS "pricesIncludeTax" FROM store_settings`,
    )
  ).rows;
const editSettings = (form: Record<string, string>) =>
  panel.staff
    .post(adminApi.recordAction('StoreSettings', 'true', 'edit'))
    .type('form')
    .send(form)
    .expect(200);

describe('the mailbox (no SMTP_URL)', () => {
  test('when a buyer checks out, then the mail is delivered to the mailbox, and staff list it with its status and read its text', async () => {
    const buyer = await createUser(pool());
    const product = await createProduct(pool(), { title: 'Teapot', priceMinor: 3000, stock: 4 });
    const order = await placeOrder(panel.shop.request, pool(), buyer, [{ variantId: product.variantId, quantity: 1 }]);

    const [row] = await mailsSettled(pool(), `order:${order.id}:`, 1);
    const list = await panel.staff.get(adminApi.list('Mail', `filters.dedupeKey=order:${order.id}`)).expect(200);
    const [listed] = list.body.records;
    const shown = await panel.staff.get(adminApi.recordAction('Mail', listed.id, 'show')).expect(200);

    expect(row).toMatchObject({ kind: 'order_placed', delivery: 'MAILBOX', status: 'SENT', recipients: buyer.email });
    expect(listed.params).toMatchObject({ kind: 'order_placed', status: 'SENT', delivery: 'MAILBOX', recipients: buyer.email });
    expect(listed.params.subject).toMatch(/^We have your order \(order #\d+\) - Shop$/);
    expect(listed.recordActions.map((a: { name: string }) => a.name)).toEqual(['show']);
    expect(shown.body.record.params.textBody).toContain('- Teapot x 1: $30.00');
    expect(shown.body.record.params.textBody).toContain('Pay for it from your orders in the shop.');
  });

  test('when the same refund event comes twice, then the mailbox holds one mail for it', async () => {
    const buyer = await createUser(pool());
    const product = await createProduct(pool(), { stock: 4 });
    const order = await createOrder(pool(), { userId: buyer.id, status: 'PAID', lines: [{ product, quantity: 1 }] });
    const { rows } = await pool().query(`SELECT id FROM payments WHERE order_id = $1`, [order.id]);
    const event = { paymentId: rows[0].id, orderId: order.id, amountMinor: order.totalMinor, currency: 'USD' };

    await Promise.all([recordEvent(pool(), PAYMENT_REFUNDED, event), recordEvent(pool(), PAYMENT_REFUNDED, event)]);
    await mailsSettled(pool(), `payment:${event.paymentId}:`, 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(await mailRows(pool(), `payment:${event.paymentId}:`)).toEqual([expect.objectContaining({ kind: 'refunded', delivery: 'MAILBOX', status: 'SENT' })]);
  });

  test('when a mail is delivered to the mailbox, then one line is logged with its id and kind, never its recipient, subject or body', async () => {
    const lines: string[] = [];
    const mailbox = createMailer({ MAIL_FROM: 'shop@shop.test' });
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const draft = {
      dedupeKey: `test:log:${Date.now()}`,
      kind: 'test',
      to: ['private@buyer.test'],
      subject: 'Secret subject',
      text: 'BODY-TEXT',
      html: '<p>BODY-HTML</p>',
    };

    const outcomes = [await sendOnce({ pool: pool(), mailer: mailbox, logger }, draft), await sendOnce({ pool: pool(), mailer: mailbox, logger }, draft)];

    const [row] = (await pool().query(`SELECT id FROM mails WHERE dedupe_key = $1`, [draft.dedupeKey])).rows;
    expect(outcomes).toEqual(['stored', 'duplicate']);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ mailId: row.id, kind: 'test' });
    expect(lines[0]).not.toMatch(/private@buyer|Secret subject|BODY-/);
  });

  test('when staff try to write, edit or delete a mail, then each is refused and the mail is unchanged', async () => {
    const [first] = (await panel.staff.get(adminApi.list('Mail')).expect(200)).body.records;
    const before = await mailRows(pool(), '');

    const made = await panel.staff.post(adminApi.resourceAction('Mail', 'new')).type('form').send({ subject: 'forged' });
    const edited = await panel.staff
      .post(adminApi.recordAction('Mail', first.id, 'edit'))
      .type('form')
      .send({ status: 'SENT' });
    const removed = await panel.staff.post(adminApi.recordAction('Mail', first.id, 'delete'));

    expect([made.body.notice?.type, edited.body.notice?.type, removed.body.notice?.type]).toEqual(['error', 'error', 'error']);
    expect(await mailRows(pool(), '')).toEqual(before);
  });
});

describe('Store settings: the mail settings', () => {
  test('when staff set the store name, the staff emails and the low-stock threshold, then the row has them, tidied', async () => {
    const res = await editSettings({ storeName: '  Tea & Co ', staffEmail: 'a@shop.test ,b@shop.test', lowStockThreshold: '2' });

    expect(res.body.notice.type).toBe('success');
    expect(await settings()).toEqual([{ storeName: 'Tea & Co', staffEmail: 'a@shop.test, b@shop.test', lowStockThreshold: 2, pricesIncludeTax: false }]);
    await editSettings({ storeName: 'Shop', staffEmail: '', lowStockThreshold: '5' });
    expect(await settings()).toEqual([{ storeName: 'Shop', staffEmail: null, lowStockThreshold: 5, pricesIncludeTax: false }]);
  });

  test.each([
    ['an empty store name', { storeName: ' ' }, 'storeName'],
    ['a staff email that is no address', { staffEmail: 'a@shop.test, nobody' }, 'staffEmail'],
    ['a negative threshold', { lowStockThreshold: '-1' }, 'lowStockThreshold'],
    ['a threshold that is no whole number', { lowStockThreshold: '2.5' }, 'lowStockThreshold'],
  ])('when staff send %s, then the field is refused and the settings are unchanged', async (_what, form, field) => {
    const before = await settings();

    const res = await editSettings(form);

    expect(Object.keys(res.body.record.errors)).toEqual([field]);
    expect(await settings()).toEqual(before);
  });
});
