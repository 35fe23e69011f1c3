import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { currencyOf, formatMoney } from './money.ts';

/** An integer minor-units column shown as money, in the row's currency (or its order's). */
const MoneyValue: React.FC<BasePropertyProps> = ({ property, record, where }) => {
  const currency = currencyOf(record?.params, currencyOf(record?.populated?.order?.params));
  const text = formatMoney(record?.params?.[property.path], currency);
  const { translateProperty } = useTranslation();
  return where === 'show' ? (
    <ValueGroup label={translateProperty(property.label, property.resourceId)}>{text}</ValueGroup>
  ) : (
    <span style={{ whiteSpace: 'nowrap' }}>{text}</span>
  );
};

export default MoneyValue;
