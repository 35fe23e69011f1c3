// The panel's Delivery group: shipping zones, methods, carriers, tax rates and the store's tax
// settings, each written through the same rules as the database's CHECKs. A refusal is an error
// on the form's field, never a crash, and changes nothing.
import { uniqueId } from '../helpers/test-app.js';
import { adminApi, deliveryRows, panelPerFile } from '../helpers/admin-fixtures.js';
import { createShippingMethod, createTaxRate } from '../helpers/delivery-fixtures.js';

const panel = panelPerFile();
const pool = () => panel.shop.db.pool;
const create = (resource: string, form: Record<string, string>) =>
  panel.staff.post(adminApi.resourceAction(resource, 'new')).type('form').send(form).expect(200);
const edit = (resource: string, id: string, form: Record<string, string>) =>
  panel.staff
    .post(adminApi.recordAction(resource, id, 'edit'))
    .type('form')
    .send(form)
    .expect(200);
const errorFields = (res: { body: { record: { errors: Record<string, unknown> } } }) => Object.keys(res.body.record.errors).sort();

async function zone(countries = ['BD']) {
  const { rows } = await pool().query<{ id: string; name: string }>(`INSERT INTO shipping_zones (name, countries) VALUES ($1, $2) RETURNING id, name`, [
    uniqueId('Zone'),
    countries,
  ]);
  return rows[0];
}
async function carrier(name = uniqueId('Carrier')) {
  const { rows } = await pool().query<{ id: string; name: string }>(`INSERT INTO carriers (name) VALUES ($1) RETURNING id, name`, [name]);
  return rows[0];
}

describe('Delivery navigation', () => {
  test('when staff open the panel, then the five delivery resources are listed under Delivery', async () => {
    const res = await panel.staff.get('/admin').expect(200);

    const state = JSON.parse(/window\.REDUX_STATE = ([^\n]*);\n/.exec(res.text)![1]);
    const delivery = state.resources.filter((r: { navigation?: { name?: string } }) => r.navigation?.name === 'Delivery');
    expect(delivery.map((r: { id: string }) => r.id)).toEqual(['ShippingZone', 'ShippingMethod', 'Carrier', 'TaxRate', 'StoreSettings']);
    expect(state.locale.translations.en.labels).toMatchObject({
      ShippingZone: 'Shipping zones',
      ShippingMethod: 'Shipping methods',
      Carrier: 'Carriers',
      TaxRate: 'Tax rates',
      StoreSettings: 'Store settings',
    });
  });
});

describe('Shipping zones', () => {
  test('when staff create a zone with “bd, IN”, then its countries are stored as upper-case ISO codes', async () => {
    const name = uniqueId('South Asia');

    const res = await create('ShippingZone', { name, countries: 'bd, IN' });

    expect(res.body.notice.type).toBe('success');
    const { zones } = await deliveryRows(pool());
    expect(zones.find((z) => z.name === name)).toEqual({ id: res.body.record.id, name, countries: ['BD', 'IN'] });
    expect(res.body.record.params).toMatchObject({ 'countries.0': 'BD', 'countries.1': 'IN' });
  });

  test('when staff edit a zone’s countries, or send them unchanged with a new name, then the zone has them', async () => {
    const existing = await zone(['BD']);

    const typed = await edit('ShippingZone', existing.id, { name: existing.name, countries: 'BD, np, LK' });
    const unchanged = await edit('ShippingZone', existing.id, {
      name: `${existing.name} renamed`,
      'countries.0': 'BD',
      'countries.1': 'NP',
      'countries.2': 'LK',
    });

    expect([typed.body.notice.type, unchanged.body.notice.type]).toEqual(['success', 'success']);
    const { zones } = await deliveryRows(pool());
    expect(zones.find((z) => z.id === existing.id)).toEqual({ id: existing.id, name: `${existing.name} renamed`, countries: ['BD', 'NP', 'LK'] });
  });

  test.each([
    ['a code that is no country', { countries: 'BD, XX' }, 'countries', /XX is not an ISO 3166-1 alpha-2 code/],
    ['a three-letter code', { countries: 'BGD' }, 'countries', /BGD is not/],
    ['no country', { countries: ' , ' }, 'countries', /at least one country/],
    ['a country twice', { countries: 'BD, bd' }, 'countries', /BD listed twice/],
    ['an empty name', { name: '  ' }, 'name', /required/],
  ])('when a new zone has %s, then that field gets an error and nothing is stored', async (_case, change, field, message) => {
    const before = await deliveryRows(pool());

    const res = await create('ShippingZone', { name: uniqueId('Zone'), countries: 'BD', ...change });

    expect(res.body.notice.type).toBe('error');
    expect(errorFields(res)).toEqual([field]);
    expect(res.body.record.errors[field].message).toMatch(message);
    expect(await deliveryRows(pool())).toEqual(before);
  });

  test('when a zone’s name is taken, or an edit empties its countries, then the form says so and nothing changes', async () => {
    const existing = await zone(['BD']);
    const before = await deliveryRows(pool());

    const taken = await create('ShippingZone', { name: existing.name, countries: 'IN' });
    const emptied = await edit('ShippingZone', existing.id, { name: existing.name, countries: '' });

    expect(taken.body.record.errors.name.message).toBe('Another zone already has this name');
    expect(errorFields(emptied)).toEqual(['countries']);
    expect(await deliveryRows(pool())).toEqual(before);
  });

  test('when staff filter zones by a country, then the zones that ship there come back', async () => {
    const nepal = await zone(['NP', 'BT']);
    const bhutanOnly = await zone(['BT']);

    const res = await panel.staff.get(adminApi.list('ShippingZone', 'filters.countries=np&perPage=100')).expect(200);

    const found = res.body.records.map((r: { id: string }) => r.id);
    expect(found).toContain(nepal.id);
    expect(found).not.toContain(bhutanOnly.id);
  });

  test('when staff delete a zone that still has methods, then it is refused with the reason; an empty zone is deleted', async () => {
    const used = await createShippingMethod(pool(), { countries: ['LK'] });
    const empty = await zone(['NP']);

    const refused = await panel.staff.post(adminApi.recordAction('ShippingZone', used.zoneId, 'delete')).expect(200);
    const deleted = await panel.staff.post(adminApi.recordAction('ShippingZone', empty.id, 'delete')).expect(200);

    expect(refused.body.notice).toEqual({ type: 'error', message: 'This zone still has shipping methods: delete them or move them to another zone first' });
    expect(deleted.body.notice.type).toBe('success');
    const { zones, methods } = await deliveryRows(pool());
    expect(zones.map((z) => z.id)).toContain(used.zoneId);
    expect(zones.map((z) => z.id)).not.toContain(empty.id);
    expect(methods.map((m) => m.id)).toContain(used.id);
  });
});

describe('Shipping methods', () => {
  const form = (zoneId: string, overrides: Record<string, string> = {}) => ({
    zone: zoneId,
    name: uniqueId('Standard'),
    priceMinor: '499',
    ...overrides,
  });

  test('when staff create a method with every field, then it is stored in minor units with its zone and carrier', async () => {
    const z = await zone(['BD']);
    const c = await carrier();
    const fields = form(z.id, {
      carrier: c.id,
      freeOverMinor: '5000',
      minSubtotalMinor: '1000',
      maxSubtotalMinor: '100000',
      minDeliveryDays: '2',
      maxDeliveryDays: '5',
      codEnabled: 'true',
      codFeeMinor: '150',
      active: 'true',
      position: '3',
    });

    const res = await create('ShippingMethod', fields);

    expect(res.body.notice.type).toBe('success');
    const { methods } = await deliveryRows(pool());
    expect(methods.find((m) => m.name === fields.name)).toEqual({
      id: res.body.record.id,
      zoneId: z.id,
      carrierId: c.id,
      name: fields.name,
      priceMinor: 499,
      freeOverMinor: 5000,
      minSubtotalMinor: 1000,
      maxSubtotalMinor: 100000,
      minDeliveryDays: 2,
      maxDeliveryDays: 5,
      codEnabled: true,
      codFeeMinor: 150,
      active: true,
      position: 3,
    });
  });

  test('when only the zone, name and price are given, then the rest take their defaults (no carrier, no bounds, no COD, active, first)', async () => {
    const z = await zone(['BD']);
    const fields = form(z.id, { carrier: '', freeOverMinor: '', minDeliveryDays: '', codFeeMinor: '' });

    await create('ShippingMethod', fields);

    const { methods } = await deliveryRows(pool());
    expect(methods.find((m) => m.name === fields.name)).toMatchObject({
      carrierId: null,
      freeOverMinor: null,
      minSubtotalMinor: null,
      maxSubtotalMinor: null,
      minDeliveryDays: null,
      maxDeliveryDays: null,
      codEnabled: false,
      codFeeMinor: 0,
      active: true,
      position: 0,
    });
  });

  test('when staff edit a method’s price and switch it off, then only those change', async () => {
    const method = await createShippingMethod(pool(), { priceMinor: 500, position: 2 });

    const res = await edit('ShippingMethod', method.id, { priceMinor: '750', active: 'false' });

    expect(res.body.notice.type).toBe('success');
    const { methods } = await deliveryRows(pool());
    expect(methods.find((m) => m.id === method.id)).toMatchObject({ zoneId: method.zoneId, name: method.name, priceMinor: 750, active: false, position: 2 });
  });

  test.each([
    ['a negative price', { priceMinor: '-1' }, 'priceMinor'],
    ['a price that is no amount (the money input passes text it cannot read)', { priceMinor: '12.505' }, 'priceMinor'],
    ['no price', { priceMinor: '' }, 'priceMinor'],
    ['no zone', { zone: '' }, 'zone'],
    ['a zone that is no id', { zone: 'not-a-zone' }, 'zone'],
    ['a carrier that is no id', { carrier: 'DHL' }, 'carrier'],
    ['a negative free-shipping threshold', { freeOverMinor: '-100' }, 'freeOverMinor'],
    ['a maximum subtotal below the minimum', { minSubtotalMinor: '5000', maxSubtotalMinor: '4999' }, 'maxSubtotalMinor'],
    ['a negative minimum subtotal', { minSubtotalMinor: '-5' }, 'minSubtotalMinor'],
    ['fewer most days than fewest days', { minDeliveryDays: '5', maxDeliveryDays: '2' }, 'maxDeliveryDays'],
    ['negative delivery days', { minDeliveryDays: '-1' }, 'minDeliveryDays'],
    ['delivery days that are not whole', { maxDeliveryDays: '2.5' }, 'maxDeliveryDays'],
    ['a COD fee without cash on delivery', { codEnabled: 'false', codFeeMinor: '100' }, 'codFeeMinor'],
    ['a negative COD fee', { codEnabled: 'true', codFeeMinor: '-100' }, 'codFeeMinor'],
    ['a price beyond the column', { priceMinor: '99999999999' }, 'priceMinor'],
    ['an active flag that is no boolean', { active: 'maybe' }, 'active'],
    ['an empty name', { name: ' ' }, 'name'],
  ])('when a new method has %s, then that field gets an error and nothing is stored', async (_case, change, field) => {
    const z = await zone(['BD']);
    const before = await deliveryRows(pool());

    const res = await create('ShippingMethod', form(z.id, change));

    expect(res.body.notice.type).toBe('error');
    expect(errorFields(res)).toEqual([field]);
    expect(await deliveryRows(pool())).toEqual(before);
  });

  test('when an edit would put the maximum subtotal below the stored minimum, then it is refused and the method is unchanged', async () => {
    const method = await createShippingMethod(pool(), { minSubtotalMinor: 2000 });
    const before = await deliveryRows(pool());

    const res = await edit('ShippingMethod', method.id, { maxSubtotalMinor: '1000' });

    expect(errorFields(res)).toEqual(['maxSubtotalMinor']);
    expect(await deliveryRows(pool())).toEqual(before);
  });

  test('when staff list methods, then each shows its zone and carrier by name', async () => {
    const c = await carrier();
    const method = await createShippingMethod(pool(), { countries: ['BD'] });
    await pool().query(`UPDATE shipping_methods SET carrier_id = $2 WHERE id = $1`, [method.id, c.id]);

    const res = await panel.staff.get(adminApi.list('ShippingMethod', `filters.carrier=${c.id}`)).expect(200);

    expect(res.body.records).toHaveLength(1);
    expect(res.body.records[0].params).toMatchObject({ name: method.name, zone: method.zoneId, carrier: c.id });
    expect(res.body.records[0].populated.carrier.title).toBe(c.name);
    expect(res.body.records[0].populated.zone.params).toMatchObject({ name: expect.any(String), 'countries.0': 'BD' });
  });
});

describe('Carriers', () => {
  test('when staff create a carrier with a tracking link template, then it is stored; an edit can clear the template', async () => {
    const name = uniqueId('DHL');

    const made = await create('Carrier', { name, trackingUrlTemplate: ' https://track.example/?n={tracking} ' });
    const cleared = await edit('Carrier', made.body.record.id, { name, trackingUrlTemplate: '' });

    expect([made.body.notice.type, cleared.body.notice.type]).toEqual(['success', 'success']);
    const { carriers } = await deliveryRows(pool());
    expect(carriers.find((c) => c.name === name)).toEqual({ id: made.body.record.id, name, trackingUrlTemplate: null });
  });

  test.each([
    ['a template without {tracking}', { trackingUrlTemplate: 'https://track.example/' }, 'trackingUrlTemplate', /\{tracking\}/],
    ['a template that is not http(s)', { trackingUrlTemplate: 'javascript:alert(1)//{tracking}' }, 'trackingUrlTemplate', /http\(s\)/],
    ['a template of ftp', { trackingUrlTemplate: 'ftp://track.example/{tracking}' }, 'trackingUrlTemplate', /http\(s\)/],
    [
      'a template with an upper-case scheme (the CHECK wants it lower-case)',
      { trackingUrlTemplate: 'HTTPS://t.example/{tracking}' },
      'trackingUrlTemplate',
      /http\(s\)/,
    ],
    ['no name', { name: '' }, 'name', /required/],
  ])('when a new carrier has %s, then that field gets an error and nothing is stored', async (_case, change, field, message) => {
    const before = await deliveryRows(pool());

    const res = await create('Carrier', { name: uniqueId('Carrier'), trackingUrlTemplate: 'https://t.example/{tracking}', ...change });

    expect(errorFields(res)).toEqual([field]);
    expect(res.body.record.errors[field].message).toMatch(message);
    expect(await deliveryRows(pool())).toEqual(before);
  });

  test('when a carrier’s name is taken, then the form says so and nothing is stored', async () => {
    const existing = await carrier();
    const before = await deliveryRows(pool());

    const res = await create('Carrier', { name: existing.name });

    expect(res.body.record.errors.name.message).toBe('Another carrier already has this name');
    expect(await deliveryRows(pool())).toEqual(before);
  });
});

describe('Tax rates', () => {
  test('when staff create a rate of 8.875 %, then it is stored as 88 750 ppm and shown as 8.875 in the list and on its page', async () => {
    const name = uniqueId('NY sales tax');

    const res = await create('TaxRate', { name, country: 'us', region: 'NY', ratePercent: '8.875' });

    expect(res.body.notice.type).toBe('success');
    const { rates } = await deliveryRows(pool());
    expect(rates.find((r) => r.name === name)).toEqual({ id: res.body.record.id, name, country: 'US', region: 'NY', ratePpm: 88_750 });
    const list = await panel.staff.get(adminApi.list('TaxRate', `filters.name=${encodeURIComponent(name)}`)).expect(200);
    expect(list.body.records.map((r: { params: Record<string, unknown> }) => r.params.ratePercent)).toEqual(['8.875']);
    const shown = await panel.staff.get(adminApi.recordAction('TaxRate', res.body.record.id, 'show')).expect(200);
    expect(shown.body.record.params.ratePercent).toBe('8.875');
    const form = await panel.staff.get(adminApi.recordAction('TaxRate', res.body.record.id, 'edit')).expect(200);
    expect(form.body.record.params.ratePercent).toBe('8.875');
  });

  test('when staff edit a rate to 15 %, or rename it without touching the rate, then the stored rate follows', async () => {
    const id = await createTaxRate(pool(), 'GB', 200_000);

    const changed = await edit('TaxRate', id, { name: 'VAT', country: 'GB', region: '', ratePercent: '15' });
    const renamed = await edit('TaxRate', id, { name: 'UK VAT' });

    expect([changed.body.notice.type, renamed.body.notice.type]).toEqual(['success', 'success']);
    const { rates } = await deliveryRows(pool());
    expect(rates.find((r) => r.id === id)).toEqual({ id, name: 'UK VAT', country: 'GB', region: null, ratePpm: 150_000 });
  });

  test.each([
    ['a rate above 100 %', { ratePercent: '100.5' }, 'ratePercent'],
    ['a rate with five decimals', { ratePercent: '8.87501' }, 'ratePercent'],
    ['a negative rate', { ratePercent: '-1' }, 'ratePercent'],
    ['a rate that is no number', { ratePercent: 'ten' }, 'ratePercent'],
    ['no rate', { ratePercent: '' }, 'ratePercent'],
    ['a country that is no ISO code', { country: 'XX' }, 'country'],
    ['a country name', { country: 'Germany' }, 'country'],
    ['no name', { name: '' }, 'name'],
  ])('when a new rate has %s, then that field gets an error and nothing is stored', async (_case, change, field) => {
    const before = await deliveryRows(pool());

    const res = await create('TaxRate', { name: 'VAT', country: 'DE', ratePercent: '19', ...change });

    expect(errorFields(res)).toEqual([field]);
    expect(await deliveryRows(pool())).toEqual(before);
  });

  test('when a rate for the same country and region exists (whatever the case of the region), then the field says so and nothing is stored', async () => {
    await createTaxRate(pool(), 'CA', 50_000);
    await createTaxRate(pool(), 'CA', 80_000, 'ON');
    const before = await deliveryRows(pool());

    const sameRegion = await create('TaxRate', { name: 'HST', country: 'CA', region: 'on', ratePercent: '13' });
    const sameCountry = await create('TaxRate', { name: 'GST', country: 'ca', region: '', ratePercent: '5' });

    expect(sameRegion.body.record.errors).toEqual({
      region: expect.objectContaining({ message: 'There is already a rate for CA / on: edit that one instead' }),
    });
    expect(sameCountry.body.record.errors).toEqual({
      country: expect.objectContaining({ message: 'There is already a rate for CA (the whole country): edit that one instead' }),
    });
    expect(await deliveryRows(pool())).toEqual(before);
  });
});

describe('Store settings', () => {
  test('when staff open the settings, then there is the one row, with edit and no new or delete', async () => {
    const list = await panel.staff.get(adminApi.list('StoreSettings')).expect(200);

    expect(list.body.records).toHaveLength(1);
    const [row] = list.body.records;
    expect(row.id).toBe(true); // the one row's id; its pages are /records/true/...
    expect(row.recordActions.map((a: { name: string }) => a.name).sort()).toEqual(['edit', 'show']);
    const shown = await panel.staff.get(adminApi.recordAction('StoreSettings', 'true', 'show')).expect(200);
    expect(shown.body.record.params).toMatchObject({ pricesIncludeTax: false, taxShipping: false });
  });

  test('when staff switch on “prices include tax” and “tax shipping”, then the row has them', async () => {
    const res = await edit('StoreSettings', 'true', { pricesIncludeTax: 'true', taxShipping: 'true' });
    const back = await edit('StoreSettings', 'true', { pricesIncludeTax: 'false' });

    expect([res.body.notice.type, back.body.notice.type]).toEqual(['success', 'success']);
    expect((await deliveryRows(pool())).settings).toEqual([{ pricesIncludeTax: false, taxShipping: true }]);
    await edit('StoreSettings', 'true', { taxShipping: 'false' });
  });

  test('when staff try to add or delete settings, or send a value that is no boolean, then each is refused and the row is unchanged', async () => {
    const before = await deliveryRows(pool());

    const made = await panel.staff.post(adminApi.resourceAction('StoreSettings', 'new')).type('form').send({ pricesIncludeTax: 'true' });
    const removed = await panel.staff.post(adminApi.recordAction('StoreSettings', 'true', 'delete'));
    const bad = await edit('StoreSettings', 'true', { pricesIncludeTax: 'maybe' });

    expect(made.body.notice.type).toBe('error');
    expect(removed.body.notice.type).toBe('error');
    expect(errorFields(bad)).toEqual(['pricesIncludeTax']);
    expect(await deliveryRows(pool())).toEqual(before);
  });
});
