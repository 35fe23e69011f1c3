import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { currencyOf, formatMoney } from './money.ts';

/** A product's price range, kept by the database from its active variants: "$12.00 – $18.00". */
export function priceRangeText(params: Record<string, unknown> | undefined): string {
  const currency = currencyOf(params);
  const min = params?.priceMinMinor;
  const max = params?.priceMaxMinor;
  if (min === null || min === undefined || min === '') return 'Not for sale (no active variant)';
  if (max === null || max === undefined || max === '' || Number(max) === Number(min)) return formatMoney(min, currency);
  return `${formatMoney(min, currency)} – ${formatMoney(max, currency)}`;
}

const PriceRange: React.FC<BasePropertyProps> = ({ property, record, where }) => {
  const { translateProperty } = useTranslation();
  const text = priceRangeText(record?.params);
  return where === 'show' ? (
    <ValueGroup label={translateProperty(property.label, property.resourceId)}>{text}</ValueGroup>
  ) : (
    <span style={{ whiteSpace: 'nowrap' }}>{text}</span>
  );
};

export default PriceRange;
