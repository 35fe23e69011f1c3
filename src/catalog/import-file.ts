import { parse, CsvError } from 'csv-parse/sync';
import { Unprocessable } from '../shared/errors.js';
import { CATALOG_CSV_COLUMNS, FIRST_DATA_ROW, type CatalogCsvRow } from './catalog-csv.js';

/** One data row of an import file, numbered as a spreadsheet shows it. */
/** `cellCount` differs from the header's when the row has too few or too many cells (a row error, not the file's). */
export type ImportRow = { row: number; cells: CatalogCsvRow; cellCount: number };

/** A file refused as a whole (not CSV, a wrong header, no rows): nothing is checked further. */
export class ImportFileRejected extends Unprocessable {}

/**
 * Reads a product CSV (catalog-csv.ts): a header naming every column once (in any order, any
 * case), then one row per variant. Anything else is refused before any row is looked at.
 */
export function readImportFile(text: string): ImportRow[] {
  // A NUL byte never occurs in text: a spreadsheet's binary format, an image, a zip
  if (text.includes('\u0000')) throw new ImportFileRejected('IMPORT_NOT_CSV', 'The file is not CSV text (it holds binary data)');
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (err) {
    if (err instanceof CsvError) throw new ImportFileRejected('IMPORT_NOT_CSV', `The file is not valid CSV: ${err.message}`);
    throw err;
  }
  const [header, ...data] = records;
  if (!header) throw new ImportFileRejected('IMPORT_NO_ROWS', 'The file is empty: it needs a header row and one row per variant');
  const columns = header.map((name) => name.trim().toLowerCase());
  checkHeader(columns);
  if (!data.length) throw new ImportFileRejected('IMPORT_NO_ROWS', 'The file has a header but no rows');
  return data.map((cells, index) => ({
    row: index + FIRST_DATA_ROW,
    cells: Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? ''])) as CatalogCsvRow,
    cellCount: cells.length,
  }));
}

function checkHeader(columns: string[]): void {
  const known: readonly string[] = CATALOG_CSV_COLUMNS;
  const missing = CATALOG_CSV_COLUMNS.filter((column) => !columns.includes(column));
  const unknown = columns.filter((column) => !known.includes(column));
  const repeated = [...new Set(columns.filter((column, i) => columns.indexOf(column) !== i))];
  if (!missing.length && !unknown.length && !repeated.length) return;
  const parts = [
    missing.length && `missing ${missing.join(', ')}`,
    unknown.length && `unknown ${unknown.map((c) => c || '(empty)').join(', ')}`,
    repeated.length && `repeated ${repeated.join(', ')}`,
  ].filter(Boolean);
  throw new ImportFileRejected('IMPORT_HEADER_INVALID', `The header row is not the product CSV's: ${parts.join('; ')}. Its columns: ${known.join(', ')}`, {
    missingColumns: missing,
    unknownColumns: unknown,
    repeatedColumns: repeated,
  });
}
