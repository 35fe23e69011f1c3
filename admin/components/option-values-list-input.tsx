import React, { useState } from 'react';
import { FormGroup, FormMessage, Input, Label } from '@adminjs/design-system';
import { flat, useTranslation, type EditPropertyProps } from 'adminjs';

/** An option's values typed as one line, "S, M, L": their order is the order shoppers see. */
const OptionValuesListInput: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const { translateProperty } = useTranslation();
  const [text, setText] = useState(() => {
    const value = flat.get(record.params, property.path);
    return Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : '';
  });
  const error = record.errors?.[property.path];
  return (
    <FormGroup error={Boolean(error)}>
      <Label htmlFor={property.path} required>
        {translateProperty(property.label, property.resourceId)}
      </Label>
      <Input
        id={property.path}
        name={property.path}
        placeholder="S, M, L"
        value={text}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
          setText(e.target.value);
          onChange(property.path, e.target.value);
        }}
      />
      <FormMessage>{error?.message ?? property.description}</FormMessage>
    </FormGroup>
  );
};

export default OptionValuesListInput;
