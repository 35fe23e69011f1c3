import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';
import { currencyOf, formatMoney } from './money.ts';

/** An integer minor-units column shown as money, in the row's currency (or its order's). */
const MoneyValue: React.FC<BasePropertyProps> = ({ property, record, where }) => {
  const currency = currencyOf(record?.params, currencyOf(record?.populated?.order?.params));
  const text = formatMoney(record?.params?.[property.path], currency);
  return where === 'show' ? <ValueGroup label={property.label}>{text}</ValueGroup> : <span>{text}</span>;
};

export default MoneyValue;
