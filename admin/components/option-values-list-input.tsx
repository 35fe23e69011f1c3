import React, { useState } from 'react';
import { FormGroup, FormMessage, Input, Label } from '@adminjs/design-system';
import { flat, useTranslation, type EditPropertyProps } from 'adminjs';

/**
 * A list typed as one line, "S, M, L": an option's values (their order is the order shoppers
 * see), a zone's countries ("BD, IN"; property.custom.placeholder names the example).
 */
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
        placeholder={(property.custom as { placeholder?: string } | undefined)?.placeholder ?? 'S, M, L'}
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
