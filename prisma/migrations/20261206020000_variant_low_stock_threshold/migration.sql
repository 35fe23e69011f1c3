-- A variant's own low-stock threshold (issue 16): staff are told when its stock falls to it or
-- below. Empty means the store's (store_settings.low_stock_threshold).
ALTER TABLE "product_variants" ADD COLUMN "low_stock_threshold" INTEGER;
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_low_stock_threshold_not_negative" CHECK ("low_stock_threshold" >= 0);
