import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { formatMoney, propertyCurrency, recordCurrency } from './money.ts';

/** An integer minor-units column shown as money, in the row's currency (or its order's). */
const MoneyValue: React.FC<BasePropertyProps> = ({ property, record, where }) => {
  const currency = recordCurrency(record, propertyCurrency(property));
  const text = formatMoney(record?.params?.[property.path], currency);
  const { translateProperty } = useTranslation();
  return where === 'show' ? (
    <ValueGroup label={translateProperty(property.label, property.resourceId)}>{text}</ValueGroup>
  ) : (
    <span style={{ whiteSpace: 'nowrap' }}>{text}</span>
  );
};

export default MoneyValue;
