// The Delivery group: shipping zones, shipping methods, carriers, tax rates and the store's tax
// settings. Every write is checked against the same rules as the database's CHECKs
// (src/shipping/shipping-rules.ts, src/tax/tax-rules.ts) and a refusal is an error on the
// form's fields that changes nothing.
import { flat, type ActionResponse, type Before, type RecordJSON } from 'adminjs';
import type { Prisma } from '@prisma/client';
import type { z } from 'zod';
import { carrierRules, methodRules, zoneRules } from '../../src/shipping/shipping-rules.js';
import { storeSettingsRules, taxRateRules } from '../../src/tax/tax-rules.js';
import { ppmToPercent } from '../../src/tax/tax-math.js';
import { mailSettingsRules } from '../../src/notifications/mail-settings-rules.js';
import { fieldError } from '../catalog-writes.js';
import { uniqueViolationFields } from '../prisma-resource.js';
import { asValidationError, NAVIGATION, onlyOnShow, prismaResource, type ResourceKit } from './shared.js';

const pick = (values: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => k in values).map((k) => [k, values[k]]));

/**
 * Checks a new row's fields, or an edited row's (the submitted over the stored, so rules across
 * fields such as "the maximum is not below the minimum" see the whole row), and passes on only
 * the cleaned values of the rules' fields.
 */
function checkedWith(
  rules: z.ZodObject,
  { rename = {}, asTyped = (row) => row }: { rename?: Record<string, string>; asTyped?: (stored: Record<string, unknown>) => Record<string, unknown> } = {},
): Before {
  const keys = Object.keys(rules.shape);
  return async (request, context) => {
    if (request.method !== 'post') return request;
    const creating = context.action.name === 'new';
    const stored: Record<string, unknown> = creating ? {} : asTyped(flat.unflatten(context.record?.params ?? {}));
    const submitted: Record<string, unknown> = flat.unflatten(request.payload ?? {});
    const result = rules.safeParse(pick({ ...stored, ...submitted }, keys));
    if (!result.success) throw asValidationError(result.error);
    const cleaned = Object.fromEntries(Object.entries(result.data).map(([key, value]) => [rename[key] ?? key, value]));
    return { ...request, payload: cleaned };
  };
}

/** A tax rate's percent, for the list, the page and the edit form (the row keeps parts per million). */
const withPercent = async (response: ActionResponse) => {
  const records = ((response.records ?? (response.record ? [response.record] : [])) as RecordJSON[]).filter(Boolean);
  for (const record of records) {
    const ppm = Number(record.params.ratePpm);
    if (Number.isSafeInteger(ppm) && record.params.ratePercent === undefined) record.params.ratePercent = ppmToPercent(ppm);
  }
  return response;
};

const refused = { isAccessible: false };

export function deliveryResources(kit: ResourceKit, storeCurrency: string) {
  const { components } = kit;
  const money = (description?: string) => ({
    description,
    custom: { currency: storeCurrency },
    components: { list: components.MoneyValue, show: components.MoneyValue, edit: components.MoneyInput },
  });
  const optionalMoney = (description: string) => ({ ...money(description), isRequired: false });
  // checkboxes that start as the column's default on a new row, and send it
  const flag = (value: boolean) => ({ custom: { default: value }, components: { edit: components.FlagInput } });
  const days = (description: string) => ({ type: 'number' as const, isRequired: false, description });
  const zoneChecks = checkedWith(zoneRules);
  const methodChecks = checkedWith(methodRules);
  const carrierChecks = checkedWith(carrierRules);
  const taxChecks = checkedWith(taxRateRules, {
    rename: { ratePercent: 'ratePpm' },
    asTyped: (row) => ({ ...row, ratePercent: ppmToPercent(Number(row.ratePpm)) }),
  });
  const settingsRules = storeSettingsRules.extend(mailSettingsRules.shape);
  const settingsChecks = checkedWith(settingsRules);

  // A rate per country, or per region of it: the database's unique index (country, lower(region)).
  const rateTaken = (data: Record<string, unknown>) => (err: unknown) => {
    if (uniqueViolationFields(err) === undefined) throw err;
    const where = data.region ? `${String(data.country)} / ${String(data.region)}` : `${String(data.country)} (the whole country)`;
    throw fieldError(data.region ? 'region' : 'country', `There is already a rate for ${where}: edit that one instead`);
  };

  return [
    prismaResource(
      kit,
      'ShippingZone',
      {
        navigation: NAVIGATION.delivery,
        properties: {
          id: { isVisible: onlyOnShow },
          name: { isTitle: true, description: 'Unique, e.g. Bangladesh or South Asia' },
          countries: {
            description: 'ISO 3166-1 alpha-2 codes, separated by commas, e.g. BD, IN',
            custom: { placeholder: 'BD, IN' },
            components: { edit: components.OptionValuesListInput, list: components.ListValue, show: components.ListValue },
          },
        },
        listProperties: ['name', 'countries', 'updatedAt'],
        filterProperties: ['name', 'countries'],
        showProperties: ['name', 'countries', 'createdAt', 'updatedAt', 'id'],
        sort: { sortBy: 'name', direction: 'asc' },
        actions: {
          new: { layout: ['name', 'countries'], before: zoneChecks },
          edit: { layout: ['name', 'countries'], before: zoneChecks },
          bulkDelete: refused,
        },
      },
      {
        uniqueMessages: { name: { field: 'name', message: 'Another zone already has this name' } },
        // the zones that ship to a country ("bd" or "BD"); the adapter's text filter cannot search a list column
        customFilters: { countries: (value) => ({ countries: { has: String(value).trim().toUpperCase().slice(0, 2) } }) },
        inUseMessage: 'This zone still has shipping methods: delete them or move them to another zone first',
      },
    ),
    prismaResource(
      kit,
      'ShippingMethod',
      {
        navigation: NAVIGATION.delivery,
        properties: {
          id: { isVisible: onlyOnShow },
          name: { isTitle: true, description: 'What shoppers choose, e.g. Standard (3-5 days)' },
          zone: { isRequired: true, description: 'Where it ships: the zone’s countries' },
          carrier: { description: 'Optional: who carries it (its tracking link)' },
          priceMinor: money('What a cart pays for it; type the amount, e.g. 4.99'),
          freeOverMinor: optionalMoney('Optional: free from this subtotal on (goods, after discounts); empty for never'),
          minSubtotalMinor: optionalMoney('Optional: offered only from this subtotal on'),
          maxSubtotalMinor: optionalMoney('Optional: offered only up to this subtotal (not below the minimum)'),
          minDeliveryDays: days('Optional: the fewest days to arrive'),
          maxDeliveryDays: days('Optional: the most days to arrive (not fewer than the fewest)'),
          codEnabled: { description: 'Cash on delivery can be chosen with this method', ...flag(false) },
          codFeeMinor: { ...money('Added to the order when paid on delivery (0 for none; needs cash on delivery)'), isRequired: false },
          active: { description: 'Only active methods are offered at checkout', ...flag(true) },
          position: { isRequired: false, description: 'Order among the zone’s methods at checkout (0 first; empty: 0)' },
        },
        listProperties: ['name', 'zone', 'carrier', 'priceMinor', 'freeOverMinor', 'codEnabled', 'active', 'position'],
        filterProperties: ['zone', 'carrier', 'name', 'active', 'codEnabled'],
        showProperties: [
          'name',
          'zone',
          'carrier',
          'priceMinor',
          'freeOverMinor',
          'minSubtotalMinor',
          'maxSubtotalMinor',
          'minDeliveryDays',
          'maxDeliveryDays',
          'codEnabled',
          'codFeeMinor',
          'active',
          'position',
          'createdAt',
          'updatedAt',
          'id',
        ],
        sort: { sortBy: 'position', direction: 'asc' },
        actions: {
          new: { before: methodChecks },
          edit: { before: methodChecks },
          bulkDelete: refused,
        },
      },
      // orders keep the method's name as placed: deleting a method leaves them their snapshot
    ),
    prismaResource(
      kit,
      'Carrier',
      {
        navigation: NAVIGATION.delivery,
        properties: {
          id: { isVisible: onlyOnShow },
          name: { isTitle: true, description: 'Unique, e.g. DHL' },
          trackingUrlTemplate: {
            description: 'Optional: the tracking page, with {tracking} where the number goes, e.g. https://track.example/?n={tracking}',
          },
        },
        listProperties: ['name', 'trackingUrlTemplate', 'updatedAt'],
        filterProperties: ['name'],
        showProperties: ['name', 'trackingUrlTemplate', 'createdAt', 'updatedAt', 'id'],
        sort: { sortBy: 'name', direction: 'asc' },
        actions: {
          new: { layout: ['name', 'trackingUrlTemplate'], before: carrierChecks },
          edit: { layout: ['name', 'trackingUrlTemplate'], before: carrierChecks },
          bulkDelete: refused,
        },
      },
      { uniqueMessages: { name: { field: 'name', message: 'Another carrier already has this name' } } },
    ),
    prismaResource(
      kit,
      'TaxRate',
      {
        navigation: NAVIGATION.delivery,
        properties: {
          id: { isVisible: onlyOnShow },
          name: { isTitle: true, description: 'Shown on receipts, e.g. VAT or NY sales tax' },
          country: { description: 'ISO 3166-1 alpha-2 code, e.g. BD or US' },
          region: { description: 'Optional: a region of the country, e.g. NY (its rate wins over the country’s); empty for the whole country' },
          // stored in parts per million, typed and shown as a percent
          ratePpm: { isVisible: false },
          ratePercent: {
            type: 'string',
            isRequired: true,
            isSortable: false,
            description: 'A percent from 0 to 100, up to 4 decimals, e.g. 15 or 8.875',
            isVisible: { list: true, filter: false, show: true, edit: true },
          },
        },
        listProperties: ['name', 'country', 'region', 'ratePercent'],
        filterProperties: ['country', 'region', 'name'],
        showProperties: ['name', 'country', 'region', 'ratePercent', 'createdAt', 'updatedAt', 'id'],
        sort: { sortBy: 'country', direction: 'asc' },
        actions: {
          list: { after: withPercent },
          show: { after: withPercent },
          new: { layout: ['name', 'country', 'region', 'ratePercent'], before: taxChecks, after: withPercent },
          edit: { layout: ['name', 'country', 'region', 'ratePercent'], before: taxChecks, after: withPercent },
          bulkDelete: refused,
        },
      },
      {
        writes: {
          create: (data) => kit.prisma.taxRate.create({ data: data as Prisma.TaxRateUncheckedCreateInput }).catch(rateTaken(data)),
          update: (id, data) => kit.prisma.taxRate.update({ where: { id }, data: data as Prisma.TaxRateUncheckedUpdateInput }).catch(rateTaken(data)),
        },
      },
    ),
    prismaResource(
      kit,
      'StoreSettings',
      {
        navigation: NAVIGATION.delivery,
        properties: {
          id: { isVisible: false },
          pricesIncludeTax: {
            description: 'Catalog and shipping prices already include tax (the tax is shown inside them); otherwise tax is added at checkout',
          },
          taxShipping: { description: 'Shipping is taxed at the address’s rate, like the goods' },
          storeName: { description: 'The shop’s name, shown in every mail' },
          staffEmail: { description: 'Where staff mails go (new orders, low stock, failed jobs); several comma-separated. Empty: every staff account' },
          lowStockThreshold: { description: 'Staff are mailed when a variant’s stock falls to this or below' },
        },
        listProperties: ['storeName', 'pricesIncludeTax', 'taxShipping', 'updatedAt'],
        showProperties: ['storeName', 'staffEmail', 'lowStockThreshold', 'pricesIncludeTax', 'taxShipping', 'updatedAt'],
        actions: {
          // the one row: edited, never made or removed
          new: refused,
          delete: refused,
          bulkDelete: refused,
          edit: { layout: ['storeName', 'staffEmail', 'lowStockThreshold', 'pricesIncludeTax', 'taxShipping'], before: settingsChecks },
        },
      },
      {
        writes: {
          update: (_id, data) => kit.prisma.storeSettings.update({ where: { id: true }, data: pick(data, Object.keys(settingsRules.shape)) }),
        },
      },
    ),
  ];
}
