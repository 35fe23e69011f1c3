import { stringify } from 'csv-stringify/sync';
import { CATALOG_CSV_COLUMNS, type CatalogCsvRow } from '../../src/catalog/catalog-csv.js';

/** A product CSV of these rows (cells not given are empty), with the header. */
export function catalogCsv(rows: Partial<CatalogCsvRow>[]): string {
  return stringify(
    rows.map((row) => CATALOG_CSV_COLUMNS.map((column) => row[column] ?? '')),
    { header: true, columns: [...CATALOG_CSV_COLUMNS] },
  );
}

/**
 * `products` products of `prefix`, each in sizes S, M, L (three rows), priced 1000 + i, stock i % 50:
 * the rows of a generated file, to edit before writing it with catalogCsv.
 */
export function generatedRows(prefix: string, products: number): CatalogCsvRow[] {
  const rows: CatalogCsvRow[] = [];
  for (let i = 0; i < products; i++) {
    for (const [position, size] of ['S', 'M', 'L'].entries()) {
      rows.push({
        product_slug: `${prefix}-${i}`,
        product_title: `Generated ${prefix} ${i}`,
        product_description: `Product ${i}, "quoted", with a comma`,
        category_slug: '',
        currency: 'USD',
        product_active: 'true',
        option_values: JSON.stringify({ Size: size }),
        sku: `${prefix.toUpperCase()}-${i}-${size}`,
        price_minor: String(1000 + i),
        compare_at_price_minor: '',
        stock: String(i % 50),
        variant_active: 'true',
        position: String(position),
      });
    }
  }
  return rows;
}
