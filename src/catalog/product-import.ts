// Staff import products from a CSV file (catalog-csv.ts): a dry run reports what each row
// would change and every error; an apply writes every row or none. Each run is a row of
// product_imports holding the upload, its progress and its report. A run is always queued as a
// job (outbox topic PRODUCT_IMPORT_QUEUED), so any worker can take it and a run cut off by a
// crash is run again; a small file is also run at once by the request that brought it, and the
// job then finds it done.
import type pg from 'pg';
import type { Logger } from 'pino';
import { inTransaction, type Queryable, type Tx } from '../shared/db.js';
import { Conflict, NotFound } from '../shared/errors.js';
import { recordEvent } from '../jobs/outbox.js';
import { recordStaffAction } from '../audit/audit-trail.js';
import { describeStockMovement } from './stock.js';
import { readImportFile } from './import-file.js';
import { planImport, type ImportSummary, type RowError, type RowReport } from './import-plan.js';
import { writeImport } from './import-writes.js';

export const PRODUCT_IMPORT_QUEUED = 'product_import.queued';
export type ProductImportQueued = { importId: string };

export const IMPORT_STATUSES = ['queued', 'running', 'checked', 'applied', 'refused', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
const UNFINISHED: readonly ImportStatus[] = ['queued', 'running'];

export type ProductImport = {
  id: string;
  dryRun: boolean;
  status: ImportStatus;
  fileName: string;
  totalRows: number;
  processedRows: number;
  errorCount: number;
  summary: ImportSummary | null;
  rows: RowReport[];
  errors: RowError[];
  failure: string | null;
  checkedImportId: string | null;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

export type NewImport = { csv: string; fileName: string; dryRun: boolean; staffId: string };
/** Files of at most this many rows are run in the request; larger ones by a worker only. */
export type ImportSettings = { inlineRows: number };

/**
 * Stores the upload as a run and queues it; runs it at once when it is small. The file as a
 * whole (CSV, header, rows) is checked before anything is stored (422 ImportFileRejected).
 */
export async function startImport(
  pool: pg.Pool,
  upload: NewImport & { checkedImportId?: string },
  settings: ImportSettings,
  logger: Logger,
): Promise<ProductImport> {
  const rows = readImportFile(upload.csv);
  const id = await inTransaction(pool, async (tx) => {
    const { rows: created } = await tx.query<{ id: string }>(
      `INSERT INTO product_imports (dry_run, file_name, csv, total_rows, created_by, checked_import_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [upload.dryRun, upload.fileName, upload.csv, rows.length, upload.staffId, upload.checkedImportId ?? null],
    );
    await recordEvent(tx, PRODUCT_IMPORT_QUEUED, { importId: created[0].id } satisfies ProductImportQueued);
    return created[0].id;
  });
  if (rows.length <= settings.inlineRows) await runImport(pool, id, logger);
  return (await readImport(pool, id))!;
}

/** Applies the file of a dry run that found no error, as a new run (its report may have aged: the apply checks again). */
export async function applyCheckedImport(pool: pg.Pool, checkedImportId: string, staffId: string, settings: ImportSettings, logger: Logger) {
  const { rows } = await pool.query<{ csv: string; fileName: string; status: ImportStatus; dryRun: boolean; errorCount: number }>(
    `SELECT csv, file_name AS "fileName", status, dry_run AS "dryRun", error_count AS "errorCount" FROM product_imports WHERE id = $1`,
    [checkedImportId],
  );
  const checked = rows[0];
  if (!checked) throw new NotFound('The import');
  if (!checked.dryRun || checked.status !== 'checked' || checked.errorCount > 0) {
    const why = !checked.dryRun
      ? 'it is not a dry run'
      : checked.status !== 'checked'
        ? `its status is ${checked.status}`
        : `it found ${checked.errorCount} error(s)`;
    throw new Conflict('IMPORT_NOT_CHECKED', `Only a finished dry run without errors can be applied: ${why}`);
  }
  return startImport(pool, { csv: checked.csv, fileName: checked.fileName, dryRun: false, staffId, checkedImportId }, settings, logger);
}

// Two applies never run at once: each plans against what the other committed, so files with
// the same SKUs are applied one after the other, never interleaved.
const APPLY_LOCK = `SELECT pg_advisory_xact_lock(hashtext('product-import'))`;
const PROGRESS = `UPDATE product_imports SET processed_rows = $2 WHERE id = $1`;

/** What runImport did: ran the run, found it finished, or found another process running it. */
export type RunOutcome = 'ran' | 'finished' | 'busy';

/**
 * Runs a queued run to its end: checks every row and, for an apply without errors, writes them
 * all, the ledger rows of the stock they set, the audit entry and the run's outcome, in one
 * transaction. A run another process is running, or one already finished, is left alone.
 */
export async function runImport(pool: pg.Pool, importId: string, logger: Logger): Promise<RunOutcome> {
  try {
    return await inTransaction(pool, async (tx) => {
      const run = await claim(tx, importId);
      if (run === 'busy' || run === 'finished') return run;
      // progress on another connection, so it is seen while this transaction runs
      await pool.query(`UPDATE product_imports SET status = 'running', started_at = coalesce(started_at, now()), processed_rows = 0 WHERE id = $1`, [importId]);
      if (!run.dryRun) await tx.query(APPLY_LOCK);
      const plan = await planImport(tx, readImportFile(run.csv), {
        lock: !run.dryRun,
        onProgress: async (checked) => void (await pool.query(PROGRESS, [importId, checked])),
      });
      const clean = plan.errors.length === 0;
      if (!run.dryRun && clean) {
        await describeStockMovement(tx, { reason: 'import', actor: `staff:${run.createdBy}`, note: `import ${importId}` });
        await writeImport(tx, plan.writes);
        await recordStaffAction(tx, {
          staffId: run.createdBy,
          action: 'import',
          resource: 'Product',
          recordId: importId,
          recordTitle: run.fileName,
          difference: { importId, fileName: run.fileName, rows: plan.summary.rows, products: plan.summary.products, variants: plan.summary.variants },
        });
      }
      const status: ImportStatus = run.dryRun ? 'checked' : clean ? 'applied' : 'refused';
      await tx.query(
        `UPDATE product_imports SET status = $2, processed_rows = total_rows, error_count = $3, summary = $4, report = $5, finished_at = now() WHERE id = $1`,
        [importId, status, plan.errors.length, JSON.stringify(plan.summary), JSON.stringify({ rows: plan.rows, errors: plan.errors })],
      );
      return 'ran' as const;
    });
  } catch (err) {
    logger.error({ err, importId }, 'product import failed');
    // another writer took a slug or SKU of the file meanwhile (the panel, in between the checks and the writes)
    const failure =
      (err as { code?: string }).code === '23505'
        ? 'A product slug or SKU of the file was taken by another change meanwhile: nothing was applied; run the file again'
        : 'An unexpected error stopped the import: nothing was applied; it has been logged';
    await pool.query(`UPDATE product_imports SET status = 'failed', failure = $2, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')`, [
      importId,
      failure,
    ]);
    return 'ran';
  }
}

/** The run, if it is unfinished and no other process holds it (then for the rest of this transaction). */
async function claim(tx: Tx, importId: string) {
  const { rows } = await tx.query<{ free: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('product-import:' || $1::text)) AS free`, [importId]);
  if (!rows[0].free) return 'busy' as const;
  const run = (
    await tx.query<{ csv: string; dryRun: boolean; status: ImportStatus; createdBy: string; fileName: string }>(
      `SELECT csv, dry_run AS "dryRun", status, created_by AS "createdBy", file_name AS "fileName" FROM product_imports WHERE id = $1`,
      [importId],
    )
  ).rows[0];
  return run && UNFINISHED.includes(run.status) ? run : ('finished' as const);
}

export async function readImport(db: Queryable, importId: string): Promise<ProductImport | undefined> {
  const { rows } = await db.query<Omit<ProductImport, 'rows' | 'errors'> & { report: { rows: RowReport[]; errors: RowError[] } | null }>(
    `SELECT id, dry_run AS "dryRun", status, file_name AS "fileName", total_rows AS "totalRows", processed_rows AS "processedRows",
            error_count AS "errorCount", summary, report, failure, checked_import_id AS "checkedImportId", created_by AS "createdBy",
            created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"
       FROM product_imports WHERE id = $1`,
    [importId],
  );
  if (!rows[0]) return undefined;
  const { report, ...run } = rows[0];
  return { ...run, rows: report?.rows ?? [], errors: report?.errors ?? [] };
}
