// The product CSV: one row per variant, with its product's fields repeated on each of its rows.
// The export writes it and the import reads it, so an exported file imports back unchanged.
// Money is in minor units (integers), as everywhere in the shop; option_values is the variant's
// option values as a JSON object in the product's option order ({"Size":"M","Colour":"Red"}),
// empty for a product without options.

export const CATALOG_CSV_COLUMNS = [
  'product_slug',
  'product_title',
  'product_description',
  'category_slug',
  'currency',
  'product_active',
  'option_values',
  'sku',
  'price_minor',
  'compare_at_price_minor',
  'stock',
  'variant_active',
  'position',
] as const;

export type CatalogCsvColumn = (typeof CATALOG_CSV_COLUMNS)[number];
export type CatalogCsvRow = Record<CatalogCsvColumn, string>;

/** The first data row, as a spreadsheet numbers it (the header is row 1). */
export const FIRST_DATA_ROW = 2;
