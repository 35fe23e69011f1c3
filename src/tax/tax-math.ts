// How tax is computed, in integer minor units only (never floats). The one rounding rule:
//
//   Tax is computed PER LINE (and once for shipping when shipping is taxed) and each amount is
//   rounded to the minor unit HALF TO EVEN ("banker's rounding": 2.5 -> 2, 3.5 -> 4, 2.51 -> 3).
//   The order's tax is the sum of the rounded amounts, so the lines always add up to the total.
//
// Rates are integers in parts per million of the amount (15% = 150_000, 8.875% = 88_750), so
// a rate with up to four decimals of a percent is exact.
//
//   prices exclude tax: tax = amount × rate / 1_000_000
//   prices include tax: tax = amount × rate / (1_000_000 + rate)   (the tax inside the price)

export const PPM = 1_000_000;

/** numerator / denominator rounded half to even; both non-negative integers. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder < denominator) return quotient;
  return quotient % 2n === 0n ? quotient : quotient + 1n;
}

/** The tax on (exclusive) or in (inclusive) an amount of minor units at `ratePpm`. */
export function taxOn(amountMinor: number, ratePpm: number, pricesIncludeTax: boolean): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new RangeError(`amount must be a whole number of minor units, not ${amountMinor}`);
  if (!Number.isSafeInteger(ratePpm) || ratePpm < 0 || ratePpm > PPM) throw new RangeError(`rate must be 0..${PPM} ppm, not ${ratePpm}`);
  const amount = BigInt(amountMinor);
  const rate = BigInt(ratePpm);
  return Number(divideHalfEven(amount * rate, pricesIncludeTax ? BigInt(PPM) + rate : BigInt(PPM)));
}

/** "15.5" (percent, up to 4 decimals) -> 155_000 ppm; null when it is not such a number. */
export function percentToPpm(percent: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(percent.trim());
  if (!match) return null;
  const ppm = Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0'));
  return ppm <= PPM ? ppm : null;
}

/** 155_000 -> "15.5" */
export function ppmToPercent(ppm: number): string {
  const whole = Math.floor(ppm / 10_000);
  const fraction = String(ppm % 10_000)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}
