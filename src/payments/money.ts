// Gateways that speak decimal amounts ("1250.00") meet our integer minor units here.

const fractionDigits = (currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** 125000 BDT minor units -> "1250.00" */
export function toDecimal(amountMinor: number, currency: string): string {
  const digits = fractionDigits(currency);
  if (digits === 0) return String(amountMinor);
  const text = String(amountMinor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** "1250.00" -> 125000; null when it is not an exact amount in that currency. */
export function fromDecimal(amount: unknown, currency: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(String(amount ?? '').trim());
  if (!match) return null;
  const digits = fractionDigits(currency);
  const fraction = (match[2] ?? '').padEnd(digits, '0');
  if (/[^0]/.test(fraction.slice(digits))) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction.slice(0, digits) || '0');
}
