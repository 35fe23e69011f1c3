-- The listing's option filter (option.Size=M) reads a product-level list of its active variants'
-- option values ("Size=M"), kept by the same triggers as the price range, and indexed: a rare
-- value is found through the index, and the planner knows how common each value is (array
-- statistics), where a condition on the variants' jsonb left it guessing.
ALTER TABLE "products" ADD COLUMN "option_pairs" TEXT[] NOT NULL DEFAULT '{}';

CREATE OR REPLACE FUNCTION "refresh_product_variant_summary"(product_ids UUID[]) RETURNS void LANGUAGE sql AS $$
  UPDATE "products" p
     SET "price_min_minor" = s.lowest, "price_max_minor" = s.highest, "variant_skus" = s.skus, "option_pairs" = s.pairs
    FROM (
      SELECT ids.id,
             min(v."price_minor") FILTER (WHERE v."active") AS lowest,
             max(v."price_minor") FILTER (WHERE v."active") AS highest,
             coalesce(string_agg(v."sku", ' ' ORDER BY v."position", v."sku") FILTER (WHERE v."active"), '') AS skus,
             coalesce((SELECT array_agg(DISTINCT pair.key || '=' || pair.value ORDER BY pair.key || '=' || pair.value)
                         FROM "product_variants" pv, jsonb_each_text(pv."option_values") AS pair
                        WHERE pv."product_id" = ids.id AND pv."active"), '{}') AS pairs
        FROM (SELECT DISTINCT id FROM unnest(product_ids) AS given(id)) ids -- OLD and NEW name the same product on most updates
        LEFT JOIN "product_variants" v ON v."product_id" = ids.id
       GROUP BY ids.id
    ) s
   WHERE p."id" = s.id
     AND (p."price_min_minor", p."price_max_minor", p."variant_skus", p."option_pairs") IS DISTINCT FROM (s.lowest, s.highest, s.skus, s.pairs)
$$;

-- An update now matters also when a variant's option values change.
DROP TRIGGER "product_variants_summary_update" ON "product_variants";
CREATE TRIGGER "product_variants_summary_update" AFTER UPDATE OF "price_minor", "active", "sku", "position", "product_id", "option_values" ON "product_variants"
  FOR EACH ROW WHEN (OLD."price_minor" IS DISTINCT FROM NEW."price_minor" OR OLD."active" IS DISTINCT FROM NEW."active"
                     OR OLD."sku" IS DISTINCT FROM NEW."sku" OR OLD."position" IS DISTINCT FROM NEW."position"
                     OR OLD."product_id" IS DISTINCT FROM NEW."product_id" OR OLD."option_values" IS DISTINCT FROM NEW."option_values")
  EXECUTE FUNCTION "product_variants_updated"();

SELECT "refresh_product_variant_summary"(ARRAY(SELECT "id" FROM "products"));
CREATE INDEX "products_option_pairs_idx" ON "products" USING GIN ("option_pairs");

-- A category's newest-first page walks its own rows, not the whole catalog's (a small category of
-- old products made the newest-first scan skip 95,000 rows: 242 ms, 0.9 ms with this).
CREATE INDEX "products_category_id_active_created_at_id_idx" ON "products"("category_id", "active", "created_at" DESC, "id");
