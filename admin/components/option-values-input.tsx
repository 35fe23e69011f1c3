import React, { useEffect, useState } from 'react';
import { Box, FormGroup, FormMessage, Label, Text } from '@adminjs/design-system';
import { ApiClient, flat, type EditPropertyProps } from 'adminjs';
import type { ProductCatalog } from '../product-catalog.ts';

const api = new ApiClient();
type Options = ProductCatalog['options'];

const selectStyle: React.CSSProperties = { width: '100%', padding: '8px', fontSize: 14, border: '1px solid #C0C0CA', borderRadius: 2, background: '#fff' };

/**
 * A variant's option values: one choice per option of its product, among that option's values
 * (the product's page lists them). Loads the product's options when the product is chosen.
 */
const OptionValuesInput: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const productId = typeof record.params.product === 'string' ? record.params.product : undefined;
  const [options, setOptions] = useState<Options>();
  const [productTitle, setProductTitle] = useState<string>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    setOptions(undefined);
    setFailed(false);
    if (!productId) return;
    api
      .recordAction({ resourceId: 'Product', recordId: productId, actionName: 'show' })
      .then((response) => {
        const catalog = (response.data.record as { catalog?: ProductCatalog }).catalog;
        setOptions(catalog?.options ?? []);
        setProductTitle(catalog?.title);
      })
      .catch(() => setFailed(true));
  }, [productId]);
  const current = (flat.get(record.params, property.path) as Record<string, string> | undefined) ?? {};
  const error = record.errors?.[property.path];
  const choose = (name: string, value: string) => onChange(property.path, { ...current, [name]: value });

  let body: React.ReactNode;
  if (!productId) body = <Text>Choose the product first: its options are offered here.</Text>;
  else if (failed) body = <Text>The product’s options could not be loaded; reload the page.</Text>;
  else if (!options) body = <Text>Loading the product’s options…</Text>;
  else if (options.length === 0) body = <Text>This product has no options: its one variant has no option values.</Text>;
  else
    body = (
      <Box flex flexWrap="wrap">
        {options.map((option) => (
          <Box key={option.id} mr="xl" mb="sm" minWidth={160}>
            <Label htmlFor={`optionValues.${option.name}`} required>
              {option.name}
            </Label>
            <select
              id={`optionValues.${option.name}`}
              name={`optionValues.${option.name}`}
              style={selectStyle}
              value={current[option.name] ?? ''}
              onChange={(e) => choose(option.name, e.target.value)}
            >
              <option value="">{`Choose a ${option.name}`}</option>
              {option.values.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </Box>
        ))}
      </Box>
    );
  return (
    <FormGroup error={Boolean(error)} data-testid="option-values-input">
      {record.id && productTitle ? (
        <Text mb="lg">
          {'Variant of '}
          <a href={`/admin/resources/Product/records/${productId}/show`}>{productTitle}</a>
        </Text>
      ) : null}
      <Label>Option values</Label>
      {body}
      <FormMessage>{error?.message}</FormMessage>
    </FormGroup>
  );
};

export default OptionValuesInput;
