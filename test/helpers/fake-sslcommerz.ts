// A fake SSLCommerz on loopback, spoken to by the real `sslcommerz-lts` SDK
// (SSLCOMMERZ_API_BASE_URL): session init (multipart), the validation API, the refund (of all
// or part of a transaction, refund_amount) and refund query APIs, the transaction query by tran_id,
// and the signed IPN / browser-return forms SSLCommerz would post to the shop.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';

export const STORE_ID = 'shoptest01';
export const STORE_PASSWORD = 'shoptest01@ssl';

type Transaction = {
  tranId: string;
  amount: string;
  currency: string;
  sessionkey: string;
  ipnUrl: string;
  valueA: string;
  /** what the transaction query lists once the buyer paid or failed */
  outcome?: Record<string, string>;
};
type Refund = { bankTranId: string; refundTransId: string; refeId: string; amount: string; refundRefId: string };
export type SslcommerzTrouble = 'http500' | 'malformed' | 'slow' | 'failed';

// SSLCommerz's v4 session fields and their lengths: string (50), the phone string (20), product_name string (255).
const FIELD_LENGTHS: Record<string, number> = {
  ...Object.fromEntries(
    ['cus_name', 'cus_email', 'cus_add1', 'cus_add2', 'cus_city', 'cus_state', 'cus_postcode', 'cus_country', 'shipping_method', 'product_category']
      .concat(['ship_name', 'ship_add1', 'ship_add2', 'ship_city', 'ship_state', 'ship_postcode', 'ship_country'])
      .map((name) => [name, 50]),
  ),
  cus_phone: 20,
  product_name: 255,
};

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const id = (prefix: string) => `${prefix}${randomBytes(8).toString('hex')}`;

/** verify_sign as SSLCommerz makes it: md5 over the listed fields plus md5(store password), sorted by key. */
export function signIpn(fields: Record<string, string>, password = STORE_PASSWORD): Record<string, string> {
  const keys = Object.keys(fields);
  const signed: Record<string, string> = { ...fields, store_passwd: md5(password) };
  const text = Object.keys(signed)
    .sort()
    .map((k) => `${k}=${signed[k]}`)
    .join('&');
  return { ...fields, verify_sign: md5(text), verify_key: keys.join(',') };
}

export async function startFakeSslcommerz() {
  const transactions = new Map<string, Transaction>();
  const sessionFields = new Map<string, Record<string, string>>(); // tran_id -> the non-empty fields the session was made with (but the password)
  const validations = new Map<string, Record<string, string>>(); // val_id -> the validation API's answer
  const refunds: Refund[] = [];
  const requests: string[] = [];
  let trouble: SslcommerzTrouble | undefined;

  const app = express();
  app.use((req, res, next) => {
    requests.push(`${req.method} ${req.path}`);
    if (trouble === 'slow') return;
    if (trouble === 'http500') return void res.status(500).type('html').send('<h1>500 Internal Server Error</h1>');
    if (trouble === 'malformed') return void res.json({ status: 'SUCCESS' });
    const q = req.query as Record<string, string>;
    if (req.path.startsWith('/validator/') && (q.store_id !== STORE_ID || q.store_passwd !== STORE_PASSWORD))
      return void res.json({ status: 'INVALID_REQUEST', APIConnect: 'INVALID_REQUEST' });
    next();
  });

  app.post('/gwprocess/v4/api.php', express.raw({ type: 'multipart/form-data' }), async (req, res) => {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': req.headers['content-type']! }, body: req.body }).formData();
    const field = (name: string) => String(form.get(name) ?? '');
    if (field('store_id') !== STORE_ID || field('store_passwd') !== STORE_PASSWORD)
      return void res.json({ status: 'FAILED', failedreason: 'Store Credential Error Or Store is De-active' });
    if (trouble === 'failed') return void res.json({ status: 'FAILED', failedreason: "Invalid Information! 'cus_email' is missing." });
    const required = [
      'tran_id',
      'total_amount',
      'currency',
      'success_url',
      'fail_url',
      'cancel_url',
      'cus_name',
      'cus_email',
      'cus_add1',
      'cus_city',
      'cus_country',
      'cus_phone',
      'shipping_method',
      'product_name',
      'product_category',
      'product_profile',
    ];
    // the shipment's address is required unless nothing is shipped
    if (field('shipping_method') && field('shipping_method') !== 'NO') required.push('ship_name', 'ship_add1', 'ship_city', 'ship_postcode', 'ship_country');
    const missing = required.find((name) => !field(name));
    if (missing) return void res.json({ status: 'FAILED', failedreason: `Invalid Information! '${missing}' is missing.` });
    const tooLong = Object.entries(FIELD_LENGTHS).find(([name, max]) => field(name).length > max);
    if (tooLong) return void res.json({ status: 'FAILED', failedreason: `Invalid Information! '${tooLong[0]}' is longer than ${tooLong[1]} characters.` });
    if (!/^\d+$/.test(field('num_of_item'))) return void res.json({ status: 'FAILED', failedreason: "Invalid Information! 'num_of_item' is not a number." });
    const tx: Transaction = {
      tranId: field('tran_id'),
      amount: field('total_amount'),
      currency: field('currency'),
      sessionkey: id('SK'),
      ipnUrl: field('ipn_url'),
      valueA: field('value_a'),
    };
    transactions.set(tx.tranId, tx);
    const fields: Record<string, string> = {};
    // the SDK posts every field it knows, empty when not given: an empty one counts as absent
    form.forEach((value, name) => {
      if (name !== 'store_passwd' && String(value) !== '') fields[name] = String(value);
    });
    sessionFields.set(tx.tranId, fields);
    res.json({
      status: 'SUCCESS',
      failedreason: '',
      sessionkey: tx.sessionkey,
      GatewayPageURL: `https://sandbox.sslcommerz.test/EasyCheckOut/${tx.sessionkey}`,
      storeBanner: '',
      storeLogo: '',
      desc: [],
    });
  });

  app.post('/validator/api/validationserverAPI.php', (req, res) => {
    res.json(validations.get(String(req.query.val_id)) ?? { status: 'INVALID_TRANSACTION', APIConnect: 'DONE' });
  });

  // One endpoint, four APIs told apart by their parameters: refund, refund query, transaction query by tran_id or sessionkey.
  app.post('/validator/api/merchantTransIDvalidationAPI.php', (req, res) => {
    const q = req.query as Record<string, string>;
    if (q.refund_amount) {
      if (!q.refund_trans_id) return void res.json({ APIConnect: 'DONE', status: 'failed', errorReason: 'refund_trans_id is required' });
      // refund_trans_id identifies the refund: asked again, SSLCommerz answers about the same refund
      const known = refunds.find((r) => r.refundTransId === q.refund_trans_id);
      // a refund of part of the transaction, up to what its earlier refunds left
      const cents = (amount: string) => Math.round(Number(amount) * 100);
      const paid = transactions.get(q.refe_id);
      const left = paid ? cents(paid.amount) - refunds.filter((r) => r.refeId === q.refe_id).reduce((sum, r) => sum + cents(r.amount), 0) : 0;
      if (!known && !(cents(q.refund_amount) > 0 && cents(q.refund_amount) <= left))
        return void res.json({ APIConnect: 'DONE', status: 'failed', errorReason: 'refund_amount exceeds the amount left to refund' });
      const refund = known ?? {
        bankTranId: q.bank_tran_id,
        refundTransId: q.refund_trans_id,
        refeId: q.refe_id,
        amount: q.refund_amount,
        refundRefId: id('RF'),
      };
      if (!refunds.includes(refund)) refunds.push(refund);
      return void res.json({
        APIConnect: 'DONE',
        bank_tran_id: refund.bankTranId,
        trans_id: refund.refeId,
        refund_ref_id: refund.refundRefId,
        status: 'success',
        errorReason: '',
      });
    }
    if (q.refund_ref_id) {
      const refund = refunds.find((r) => r.refundRefId === q.refund_ref_id);
      if (!refund) return void res.json({ APIConnect: 'DONE', status: 'cancelled', errorReason: 'Invalid refund_ref_id' });
      const at = '2026-11-26 10:00:00';
      return void res.json({
        APIConnect: 'DONE',
        bank_tran_id: refund.bankTranId,
        tran_id: refund.refeId,
        refund_ref_id: refund.refundRefId,
        initiated_on: at,
        refunded_on: at,
        status: 'refunded',
        errorReason: '',
      });
    }
    const outcome = q.tran_id ? transactions.get(q.tran_id)?.outcome : undefined;
    res.json(outcome ? { APIConnect: 'DONE', no_of_trans_found: 1, element: [outcome] } : { APIConnect: 'DONE', no_of_trans_found: 0, element: [] });
  });

  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function transaction(tranId: string) {
    const tx = transactions.get(tranId);
    if (!tx) throw new Error(`fake SSLCommerz: no session for tran_id ${tranId}`);
    return tx;
  }

  return {
    url,
    env: { SSLCOMMERZ_STORE_ID: STORE_ID, SSLCOMMERZ_STORE_PASSWORD: STORE_PASSWORD, SSLCOMMERZ_API_BASE_URL: url },
    transactions,
    sessionFields,
    validations,
    refunds,
    requests,
    setTrouble(next: SslcommerzTrouble | undefined) {
      trouble = next;
    },
    /**
     * The buyer pays: the validation API will confirm it (with `validation` changes, to play a
     * gateway that reports something else), and the signed IPN SSLCommerz posts is returned.
     */
    paid(tranId: string, { riskLevel = '0', validation = {} as Record<string, string> } = {}) {
      const tx = transaction(tranId);
      const valId = id('VAL');
      const bankTranId = id('BT');
      const common = {
        tran_id: tx.tranId,
        val_id: valId,
        amount: tx.amount,
        currency: 'BDT',
        bank_tran_id: bankTranId,
        currency_type: tx.currency,
        currency_amount: tx.amount,
        value_a: tx.valueA,
      };
      const answer = {
        status: 'VALID',
        APIConnect: 'DONE',
        ...common,
        store_amount: tx.amount,
        card_type: 'VISA-Dutch Bangla',
        card_no: '432149XXXXXX0667',
        tran_date: '2026-11-26 10:00:00',
        risk_level: riskLevel,
        risk_title: riskLevel === '1' ? 'Risky' : 'Safe',
        ...validation,
      };
      validations.set(valId, answer);
      // the transaction query lists the same fields (APIConnect is the answer's, not the element's)
      const { APIConnect: _connect, ...element } = answer;
      tx.outcome = { ...element, status: 'VALIDATED' };
      return signIpn({
        ...common,
        status: 'VALID',
        tran_date: '2026-11-26 10:00:00',
        card_type: 'VISA-Dutch Bangla',
        card_no: '432149XXXXXX0667',
        risk_level: riskLevel,
      });
    },
    /** An IPN for an attempt that did not pay: FAILED, CANCELLED, UNATTEMPTED or EXPIRED. */
    unpaid(tranId: string, status: string) {
      const tx = transaction(tranId);
      tx.outcome = {
        tran_id: tx.tranId,
        status,
        amount: tx.amount,
        currency: 'BDT',
        currency_type: tx.currency,
        currency_amount: tx.amount,
        error: `Transaction ${status.toLowerCase()}`,
      };
      return signIpn({ tran_id: tx.tranId, status, amount: tx.amount, currency: tx.currency, error: `Transaction ${status.toLowerCase()}` });
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeSslcommerz = Awaited<ReturnType<typeof startFakeSslcommerz>>;
