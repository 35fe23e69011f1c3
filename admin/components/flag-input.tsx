import React, { useEffect } from 'react';
import { CheckBox, FormGroup, FormMessage, Label } from '@adminjs/design-system';
import { useTranslation, type EditPropertyProps } from 'adminjs';

const parse = (value: unknown) => value === true || value === 'true';

/**
 * A checkbox that starts as the column's default on a new record (property.custom.default) and
 * sends it: AdminJS's own starts unchecked and sends nothing, so a new shipping method would look
 * inactive in the form and be saved active.
 */
const FlagInput: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const { translateProperty } = useTranslation();
  const raw = record.params?.[property.path];
  const fallback = Boolean((property.custom as { default?: boolean } | undefined)?.default);
  const checked = raw === undefined || raw === null || raw === '' ? fallback : parse(raw);
  useEffect(() => {
    if (raw === undefined || raw === null || raw === '') onChange(property.path, fallback);
  }, []); // once, on the form's first render
  const error = record.errors?.[property.path];
  return (
    <FormGroup error={Boolean(error)}>
      <CheckBox id={property.path} name={property.path} checked={checked} onChange={() => onChange(property.path, !checked)} />
      <Label inline htmlFor={property.path} ml="default">
        {translateProperty(property.label, property.resourceId)}
      </Label>
      <FormMessage>{error?.message ?? property.description}</FormMessage>
    </FormGroup>
  );
};

export default FlagInput;
