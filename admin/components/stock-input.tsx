import React from 'react';
import { FormGroup, FormMessage, Input, Label, Text } from '@adminjs/design-system';
import { useTranslation, type EditPropertyProps } from 'adminjs';

/**
 * A variant's stock on its form: typed when the variant is new (its initial stock), shown read
 * only once it exists. Changes then go through "Adjust stock", which records a reason.
 */
const StockInput: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const { translateProperty } = useTranslation();
  const label = translateProperty(property.label, property.resourceId);
  const error = record.errors?.[property.path];
  if (record.id) {
    return (
      <FormGroup>
        <Label>{label}</Label>
        <Text data-testid="stock-read-only" mb="sm">{`${record.params[property.path] ?? 0} in stock`}</Text>
        <FormMessage>Change it with “Adjust stock” on the variant’s page: every change is kept with its reason.</FormMessage>
      </FormGroup>
    );
  }
  return (
    <FormGroup error={Boolean(error)}>
      <Label htmlFor={property.path} required={property.isRequired}>
        {label}
      </Label>
      <Input
        id={property.path}
        name={property.path}
        inputMode="numeric"
        value={record.params[property.path] ?? ''}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(property.path, e.target.value)}
      />
      <FormMessage>{error?.message ?? property.description}</FormMessage>
    </FormGroup>
  );
};

export default StockInput;
