-- Product variants: a product's sellable versions (S/M/L, Red/Blue), each with its own SKU,
-- price and stock. A product without options has exactly one variant.

-- A product's options, in the order staff chose, each with its values in order.
CREATE TABLE "product_options" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "values" TEXT[] NOT NULL,

    CONSTRAINT "product_options_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "product_options_product_id_name_key" ON "product_options"("product_id", "name");
CREATE INDEX "product_options_product_id_position_idx" ON "product_options"("product_id", "position");
ALTER TABLE "product_options" ADD CONSTRAINT "product_options_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "product_options" ADD CONSTRAINT "product_options_name_present" CHECK (length(btrim("name")) > 0);
ALTER TABLE "product_options" ADD CONSTRAINT "product_options_has_values" CHECK (cardinality("values") > 0);

-- option_values maps each option's name to this variant's value ({"Size": "M"}, or {} without options).
CREATE TABLE "product_variants" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "option_values" JSONB NOT NULL DEFAULT '{}',
    "price_minor" INTEGER NOT NULL,
    "compare_at_price_minor" INTEGER,
    "stock" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "image_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_variants_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "product_variants_sku_key" ON "product_variants"("sku");
-- jsonb equality ignores key order, so no two variants of a product share a combination
CREATE UNIQUE INDEX "product_variants_product_id_option_values_key" ON "product_variants"("product_id", "option_values");
CREATE INDEX "product_variants_product_id_position_idx" ON "product_variants"("product_id", "position");
CREATE INDEX "product_variants_stock_idx" ON "product_variants"("stock");
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_stock_nonnegative" CHECK ("stock" >= 0);
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_price_nonnegative" CHECK ("price_minor" >= 0);
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_compare_at_above_price" CHECK ("compare_at_price_minor" IS NULL OR "compare_at_price_minor" > "price_minor");
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_option_values_object" CHECK (jsonb_typeof("option_values") = 'object');

-- Every existing product becomes a product with one variant. The variant takes the product's
-- id as its own, so a client that still sends a product id for a cart line (or holds one from
-- an old cart) names the same thing, and carts and order lines keep pointing where they did.
INSERT INTO "product_variants" ("id", "product_id", "sku", "price_minor", "stock", "created_at", "updated_at")
SELECT "id", "id", "sku", "price_minor", "stock", "created_at", "updated_at" FROM "products";

-- What the listing filters and sorts on, kept on the product by the triggers below, so a page of
-- products is read through a products index: the lowest and highest price of the active
-- variants (NULL when none is active: the product is not for sale) and their SKUs, for q.
ALTER TABLE "products" ADD COLUMN "price_min_minor" INTEGER, ADD COLUMN "price_max_minor" INTEGER, ADD COLUMN "variant_skus" TEXT NOT NULL DEFAULT '';

CREATE FUNCTION "refresh_product_variant_summary"(product_ids UUID[]) RETURNS void LANGUAGE sql AS $$
  UPDATE "products" p
     SET "price_min_minor" = s.lowest, "price_max_minor" = s.highest, "variant_skus" = s.skus
    FROM (
      SELECT ids.id,
             min(v."price_minor") FILTER (WHERE v."active") AS lowest,
             max(v."price_minor") FILTER (WHERE v."active") AS highest,
             coalesce(string_agg(v."sku", ' ' ORDER BY v."position", v."sku") FILTER (WHERE v."active"), '') AS skus
        FROM (SELECT DISTINCT id FROM unnest(product_ids) AS given(id)) ids -- OLD and NEW name the same product on most updates
        LEFT JOIN "product_variants" v ON v."product_id" = ids.id
       GROUP BY ids.id
    ) s
   WHERE p."id" = s.id
     AND (p."price_min_minor", p."price_max_minor", p."variant_skus") IS DISTINCT FROM (s.lowest, s.highest, s.skus)
$$;

-- The trigger functions' bodies spell each semicolon as \073 (an escape in the E'' string): Prisma's
-- driver adapter runs a migration split at every semicolon, and `prisma migrate deploy` must
-- apply this file as `npm start` does. No other line of a migration may hold a semicolon
-- inside a statement (test/migrations.test.ts runs both).
CREATE FUNCTION "product_variants_inserted_or_deleted"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM "refresh_product_variant_summary"(ARRAY(SELECT "product_id" FROM changed))\073 RETURN NULL\073 END';

CREATE FUNCTION "product_variants_updated"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM "refresh_product_variant_summary"(ARRAY[OLD."product_id", NEW."product_id"])\073 RETURN NULL\073 END';

-- Statement-level for inserts and deletes (a bulk import refreshes each product once). Updates
-- fire only when a summarised column really changed: checkout's stock updates never touch the
-- product row.
CREATE TRIGGER "product_variants_summary_insert" AFTER INSERT ON "product_variants"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "product_variants_inserted_or_deleted"();
CREATE TRIGGER "product_variants_summary_delete" AFTER DELETE ON "product_variants"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "product_variants_inserted_or_deleted"();
CREATE TRIGGER "product_variants_summary_update" AFTER UPDATE OF "price_minor", "active", "sku", "position", "product_id" ON "product_variants"
  FOR EACH ROW WHEN (OLD."price_minor" IS DISTINCT FROM NEW."price_minor" OR OLD."active" IS DISTINCT FROM NEW."active"
                     OR OLD."sku" IS DISTINCT FROM NEW."sku" OR OLD."position" IS DISTINCT FROM NEW."position"
                     OR OLD."product_id" IS DISTINCT FROM NEW."product_id")
  EXECUTE FUNCTION "product_variants_updated"();

UPDATE "products" SET "price_min_minor" = "price_minor", "price_max_minor" = "price_minor", "variant_skus" = "sku";

-- The product's own SKU, price and stock now live on its variants.
DROP INDEX "products_search_trgm_idx";
DROP INDEX "products_active_price_minor_id_idx";
DROP INDEX "products_stock_idx";
DROP INDEX "products_sku_key";
ALTER TABLE "products" DROP CONSTRAINT "products_stock_nonnegative", DROP CONSTRAINT "products_price_nonnegative";
ALTER TABLE "products" DROP COLUMN "sku", DROP COLUMN "price_minor", DROP COLUMN "stock";
CREATE INDEX "products_active_price_min_minor_id_idx" ON "products"("active", "price_min_minor", "id");
CREATE INDEX "products_search_trgm_idx" ON "products"
  USING GIN ((lower("title" || ' ' || "variant_skus" || ' ' || "description")) gin_trgm_ops);

-- Cart lines are per variant.
ALTER TABLE "cart_items" ADD COLUMN "variant_id" UUID;
UPDATE "cart_items" SET "variant_id" = "product_id";
ALTER TABLE "cart_items" ALTER COLUMN "variant_id" SET NOT NULL;
ALTER TABLE "cart_items" DROP CONSTRAINT "cart_items_pkey", DROP CONSTRAINT "cart_items_product_id_fkey";
DROP INDEX "cart_items_product_id_idx";
ALTER TABLE "cart_items" DROP COLUMN "product_id";
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_pkey" PRIMARY KEY ("cart_id", "variant_id");
CREATE INDEX "cart_items_variant_id_idx" ON "cart_items"("variant_id");
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_variant_id_fkey" FOREIGN KEY ("variant_id") REFERENCES "product_variants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Order lines snapshot the variant as sold, and title stays the product's title.
ALTER TABLE "order_items" ADD COLUMN "variant_id" UUID, ADD COLUMN "variant_title" TEXT, ADD COLUMN "option_values" JSONB NOT NULL DEFAULT '{}';
UPDATE "order_items" SET "variant_id" = "product_id" WHERE "product_id" IS NOT NULL;
CREATE INDEX "order_items_variant_id_idx" ON "order_items"("variant_id");
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_variant_id_fkey" FOREIGN KEY ("variant_id") REFERENCES "product_variants"("id") ON DELETE SET NULL ON UPDATE CASCADE;
