import type { Prisma } from '@prisma/client';

// The demo shop's delivery: zones and methods a buyer can pick at checkout, carriers with
// tracking links, and tax rates. Amounts are minor units of the store currency. Loaded with the
// demo catalog; a zone, carrier or rate that exists already (same name, or country and region)
// is left as it is.

const CARRIERS = [
  { name: 'Pathao Courier', trackingUrlTemplate: 'https://merchant.pathao.com/tracking?consignment_id={tracking}' },
  { name: 'DHL', trackingUrlTemplate: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id={tracking}' },
];

type MethodDemo = { name: string; priceMinor: number; freeOverMinor?: number; days: [number, number]; carrier: string; cod?: { feeMinor: number } };

const ZONES: { name: string; countries: string[]; methods: MethodDemo[] }[] = [
  {
    name: 'Bangladesh',
    countries: ['BD'],
    methods: [
      { name: 'Standard (Bangladesh)', priceMinor: 150, freeOverMinor: 5000, days: [2, 4], carrier: 'Pathao Courier', cod: { feeMinor: 50 } },
      { name: 'Express (Bangladesh)', priceMinor: 400, days: [1, 1], carrier: 'Pathao Courier' },
    ],
  },
  {
    name: 'North America',
    countries: ['US', 'CA'],
    methods: [
      { name: 'Ground', priceMinor: 599, freeOverMinor: 7500, days: [3, 6], carrier: 'DHL' },
      { name: 'Express', priceMinor: 1999, days: [1, 2], carrier: 'DHL' },
    ],
  },
  {
    name: 'Europe',
    countries: ['DE', 'FR', 'GB', 'NL', 'IT', 'ES', 'IE'],
    methods: [{ name: 'International', priceMinor: 1499, days: [5, 10], carrier: 'DHL' }],
  },
];

const TAX_RATES = [
  { name: 'VAT Bangladesh', country: 'BD', region: null, ratePpm: 150_000 },
  { name: 'New York sales tax', country: 'US', region: 'NY', ratePpm: 88_750 },
  { name: 'MwSt Germany', country: 'DE', region: null, ratePpm: 190_000 },
];

/** Adds the demo delivery inside the caller's transaction; answers how many methods it created. */
export async function seedDemoDelivery(tx: Prisma.TransactionClient): Promise<number> {
  await tx.carrier.createMany({ data: CARRIERS, skipDuplicates: true });
  const carriers = new Map((await tx.carrier.findMany({ where: { name: { in: CARRIERS.map((c) => c.name) } } })).map((c) => [c.name, c.id]));
  let methods = 0;
  for (const zone of ZONES) {
    if (await tx.shippingZone.findUnique({ where: { name: zone.name } })) continue;
    await tx.shippingZone.create({
      data: {
        name: zone.name,
        countries: zone.countries,
        methods: {
          create: zone.methods.map((m, position) => ({
            name: m.name,
            priceMinor: m.priceMinor,
            freeOverMinor: m.freeOverMinor ?? null,
            minDeliveryDays: m.days[0],
            maxDeliveryDays: m.days[1],
            carrierId: carriers.get(m.carrier),
            codEnabled: m.cod !== undefined,
            codFeeMinor: m.cod?.feeMinor ?? 0,
            position,
          })),
        },
      },
    });
    methods += zone.methods.length;
  }
  for (const rate of TAX_RATES) {
    const exists = await tx.taxRate.findFirst({ where: { country: rate.country, region: rate.region } });
    if (!exists) await tx.taxRate.create({ data: rate });
  }
  return methods;
}
