import React, { useState } from 'react';
import { FormGroup, FormMessage, Input, Label } from '@adminjs/design-system';
import { useTranslation, type EditPropertyProps } from 'adminjs';
import { amountText, parseAmount, propertyCurrency, recordCurrency } from './money.ts';

/**
 * Staff type an amount ("12.50"); the record gets whole minor units (1250). Text that is not an
 * amount is passed on as typed, so the server's validation names the field.
 */
const MoneyInput: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const currency = recordCurrency(record, propertyCurrency(property));
  const [text, setText] = useState(() => amountText(record.params[property.path], currency));
  const error = record.errors?.[property.path];
  const { translateProperty } = useTranslation();
  const update = (value: string) => {
    setText(value);
    const minor = parseAmount(value, currency);
    onChange(property.path, minor === undefined ? value : String(minor));
  };
  return (
    <FormGroup error={Boolean(error)}>
      <Label htmlFor={property.path} required={property.isRequired}>{`${translateProperty(property.label, property.resourceId)} (${currency})`}</Label>
      <Input
        id={property.path}
        name={property.path}
        inputMode="decimal"
        placeholder="0.00"
        value={text}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => update(e.target.value)}
      />
      <FormMessage>{error?.message ?? property.description}</FormMessage>
    </FormGroup>
  );
};

export default MoneyInput;
