import { fileURLToPath } from 'node:url';
import { ComponentLoader } from 'adminjs';

// The panel's own React components, bundled by AdminJS (rollup) into .adminjs/: at start-up in
// production (admin.initialize()), on first request elsewhere.
const source = (file: string) => fileURLToPath(new URL(`./components/${file}`, import.meta.url));

export function panelComponents() {
  const loader = new ComponentLoader();
  const names = {
    Dashboard: loader.add('Dashboard', source('dashboard.tsx')),
    MoneyValue: loader.add('MoneyValue', source('money-value.tsx')),
    MoneyInput: loader.add('MoneyInput', source('money-input.tsx')),
    JsonValue: loader.add('JsonValue', source('json-value.tsx')),
    OrderDetails: loader.add('OrderDetails', source('order-details.tsx')),
    OrderAction: loader.add('OrderAction', source('order-action.tsx')),
    PriceRange: loader.add('PriceRange', source('price-range.tsx')),
    ProductVariants: loader.add('ProductVariants', source('product-variants.tsx')),
    OptionValuesInput: loader.add('OptionValuesInput', source('option-values-input.tsx')),
    OptionValuesListInput: loader.add('OptionValuesListInput', source('option-values-list-input.tsx')),
    ListValue: loader.add('ListValue', source('list-value.tsx')),
    FlagInput: loader.add('FlagInput', source('flag-input.tsx')),
    JobRetry: loader.add('JobRetry', source('job-retry.tsx')),
  };
  return { loader, names };
}

export type ComponentNames = ReturnType<typeof panelComponents>['names'];
