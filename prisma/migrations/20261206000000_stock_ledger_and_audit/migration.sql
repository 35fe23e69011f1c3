-- The stock ledger and the staff audit trail (issue 16).
--
-- Every change of a variant's stock is one stock_movements row, written by triggers on
-- product_variants inside the changing statement, so no writer (checkout, the state machine,
-- staff, an import, an operator's psql) can change stock without it, and the ledger's sum per
-- variant is its stock. The writer names why in a transaction-local setting,
-- shop.stock_movement = {"reason", "actor", "orderId", "note"} (src/catalog/stock.ts sets it in
-- the same statement). A change made without one is recorded as 'unattributed' (or 'initial'
-- for a new variant) by the database user, so it still shows in the history.
CREATE TABLE "stock_movements" (
    "id" BIGINT GENERATED ALWAYS AS IDENTITY,
    "variant_id" UUID NOT NULL,
    "change" INTEGER NOT NULL,
    "stock_after" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "order_id" UUID,
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "stock_movements_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "stock_movements_change_not_zero" CHECK ("change" <> 0),
    CONSTRAINT "stock_movements_reason" CHECK ("reason" IN ('initial', 'checkout', 'expiry', 'cancel', 'refund_restock',
      'late_payment_retake', 'cod_return', 'received', 'damaged', 'count_correction', 'import', 'unattributed'))
);
-- A variant's history, newest first, in keyset pages.
CREATE INDEX "stock_movements_variant_id_id_idx" ON "stock_movements" ("variant_id", "id" DESC);
CREATE INDEX "stock_movements_order_id_idx" ON "stock_movements" ("order_id") WHERE "order_id" IS NOT NULL;
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_variant_id_fkey"
  FOREIGN KEY ("variant_id") REFERENCES "product_variants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Deferred: checkout takes the stock of an order whose row it inserts later in the same transaction.
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_order_id_fkey"
  FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED;

-- What the stock of every existing variant came from: one 'initial' row each.
INSERT INTO "stock_movements" ("variant_id", "change", "stock_after", "reason", "actor")
SELECT "id", "stock", "stock", 'initial', 'system:migration' FROM "product_variants" WHERE "stock" <> 0;

-- Statement-level, with transition tables: one INSERT per statement however many variants it
-- changes (an import, a checkout of many lines). Bodies spell semicolons as \073 (see the
-- variants migration: prisma migrate deploy splits scripts at every semicolon).
CREATE FUNCTION "stock_movement_context"() RETURNS jsonb LANGUAGE sql STABLE
  AS $$ SELECT coalesce(nullif(current_setting('shop.stock_movement', true), '')::jsonb, '{}'::jsonb) $$;

CREATE FUNCTION "record_stock_inserted"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN
    INSERT INTO "stock_movements" ("variant_id", "change", "stock_after", "reason", "actor", "order_id", "note")
    SELECT n."id", n."stock", n."stock", coalesce(c->>''reason'', ''initial''), coalesce(c->>''actor'', ''db:'' || current_user),
           (c->>''orderId'')::uuid, c->>''note''
      FROM "added" n, "stock_movement_context"() c WHERE n."stock" <> 0\073
    RETURN NULL\073
  END';

CREATE FUNCTION "record_stock_updated"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN
    INSERT INTO "stock_movements" ("variant_id", "change", "stock_after", "reason", "actor", "order_id", "note")
    SELECT n."id", n."stock" - o."stock", n."stock", coalesce(c->>''reason'', ''unattributed''), coalesce(c->>''actor'', ''db:'' || current_user),
           (c->>''orderId'')::uuid, c->>''note''
      FROM "before" o JOIN "after" n ON n."id" = o."id", "stock_movement_context"() c WHERE n."stock" <> o."stock"
     ORDER BY n."id"\073
    RETURN NULL\073
  END';

CREATE TRIGGER "product_variants_stock_inserted" AFTER INSERT ON "product_variants"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "record_stock_inserted"();
CREATE TRIGGER "product_variants_stock_updated" AFTER UPDATE ON "product_variants"
  REFERENCING OLD TABLE AS "before" NEW TABLE AS "after" FOR EACH STATEMENT EXECUTE FUNCTION "record_stock_updated"();

-- The audit trail of staff actions: the panel's resource edits (@adminjs/logger's Log shape:
-- action, resource, record id and title, the changed fields in "difference", the staff user)
-- and the domain actions (ship, refund, stock adjustment, import), in one table.
CREATE TABLE "audit_log" (
    "id" BIGINT GENERATED ALWAYS AS IDENTITY,
    "action" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "record_id" TEXT,
    "record_title" TEXT,
    "difference" JSONB,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_log_resource_record_id_idx" ON "audit_log" ("resource", "record_id", "id" DESC);
CREATE INDEX "audit_log_user_id_idx" ON "audit_log" ("user_id", "id" DESC);
