// Money is stored as integer minor units; staff read and type it as an amount in its currency.

const LOCALE = 'en-US';

/** How many minor-unit digits a currency has (2 for USD, 0 for JPY); 2 for an unknown code. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(minor: unknown, currency: unknown): string {
  if (minor === undefined || minor === null || minor === '') return '';
  const amount = Number(minor);
  const code = typeof currency === 'string' && currency ? currency : 'USD';
  if (!Number.isFinite(amount)) return String(minor);
  const major = amount / 10 ** minorDigits(code);
  try {
    return new Intl.NumberFormat(LOCALE, { style: 'currency', currency: code }).format(major);
  } catch {
    return `${major.toFixed(minorDigits(code))} ${code}`;
  }
}

/** The amount typed for minor units in the form, e.g. 1250 USD -> "12.50". */
export function amountText(minor: unknown, currency: string): string {
  if (minor === undefined || minor === null || minor === '' || !Number.isFinite(Number(minor))) return '';
  const digits = minorDigits(currency);
  return (Number(minor) / 10 ** digits).toFixed(digits);
}

/** "12.5" USD -> 1250; undefined when it is not a plain amount with at most the currency's decimals. */
export function parseAmount(text: string, currency: string): number | undefined {
  const digits = minorDigits(currency);
  const match = text.trim().match(/^(\d{1,10})(?:[.,](\d*))?$/);
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}

export const currencyOf = (params: Record<string, unknown> | undefined, fallback = 'USD') =>
  typeof params?.currency === 'string' && params.currency ? params.currency : fallback;

type Populated = { populated?: Record<string, { params?: Record<string, unknown> } | null | undefined> } | undefined;

/**
 * A record's currency: its own, else its order's or product's (an order line, a variant), else
 * `fallback` (the store's, for rows without a currency: shipping methods), else USD.
 */
export const recordCurrency = (record: ({ params?: Record<string, unknown> } & Populated) | undefined, fallback?: unknown) =>
  currencyOf(
    record?.params,
    currencyOf(
      record?.populated?.order?.params ?? record?.populated?.product?.params ?? undefined,
      typeof fallback === 'string' && fallback ? fallback : 'USD',
    ),
  );

/** The currency a money property names for rows without one (property.custom.currency). */
export const propertyCurrency = (property: { custom?: Record<string, unknown> }) => property.custom?.currency;
