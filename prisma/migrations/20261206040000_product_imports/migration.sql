-- Product imports (issue 16): each run of a CSV file, a dry run (checked) or an apply, is one
-- row. The upload is stored here, so a worker on any instance can run it, and so is the run's
-- progress and report, which the panel and GET /api/admin/product-imports/{id} show.
-- status: queued (waiting for a worker), running, checked (dry run done), applied (every row
-- written, in one transaction), refused (the file has errors: nothing applied), failed (an
-- unexpected error: nothing applied).
CREATE TABLE "product_imports" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dry_run" BOOLEAN NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "file_name" TEXT NOT NULL,
    "csv" TEXT NOT NULL,
    "total_rows" INTEGER NOT NULL,
    "processed_rows" INTEGER NOT NULL DEFAULT 0,
    "error_count" INTEGER NOT NULL DEFAULT 0,
    "summary" JSONB,
    "report" JSONB,
    "failure" TEXT,
    "checked_import_id" UUID,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "product_imports_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "product_imports_status" CHECK ("status" IN ('queued', 'running', 'checked', 'applied', 'refused', 'failed')),
    CONSTRAINT "product_imports_progress" CHECK ("total_rows" >= 0 AND "processed_rows" BETWEEN 0 AND "total_rows" AND "error_count" >= 0)
);
CREATE INDEX "product_imports_created_at_idx" ON "product_imports" ("created_at" DESC);
-- An apply started from a dry run's report names that run.
ALTER TABLE "product_imports" ADD CONSTRAINT "product_imports_checked_import_id_fkey"
  FOREIGN KEY ("checked_import_id") REFERENCES "product_imports"("id") ON DELETE SET NULL ON UPDATE CASCADE;
