-- Delivery: carriers, shipping zones and methods, tax rates and the store's tax settings (all
-- managed by staff), and what an order snapshots of them.

CREATE TABLE "carriers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    -- e.g. https://track.example/?n={tracking}: the customer's tracking link once shipped
    "tracking_url_template" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "carriers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "carriers_name_key" ON "carriers"("name");
ALTER TABLE "carriers" ADD CONSTRAINT "carriers_tracking_url_template_shape"
  CHECK ("tracking_url_template" IS NULL OR ("tracking_url_template" ~ '^https?://' AND position('{tracking}' IN "tracking_url_template") > 0));

CREATE TABLE "shipping_zones" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "countries" CHAR(2)[] NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shipping_zones_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "shipping_zones_name_key" ON "shipping_zones"("name");
CREATE INDEX "shipping_zones_countries_idx" ON "shipping_zones" USING GIN ("countries");
ALTER TABLE "shipping_zones" ADD CONSTRAINT "shipping_zones_has_countries" CHECK (cardinality("countries") > 0);

CREATE TABLE "shipping_methods" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "zone_id" UUID NOT NULL,
    "carrier_id" UUID,
    "name" TEXT NOT NULL,
    "price_minor" INTEGER NOT NULL,
    -- free when the subtotal (after discounts, before shipping) reaches this
    "free_over_minor" INTEGER,
    "min_subtotal_minor" INTEGER,
    "max_subtotal_minor" INTEGER,
    "min_delivery_days" INTEGER,
    "max_delivery_days" INTEGER,
    "cod_enabled" BOOLEAN NOT NULL DEFAULT false,
    "cod_fee_minor" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shipping_methods_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "shipping_methods_zone_id_position_idx" ON "shipping_methods"("zone_id", "position");
ALTER TABLE "shipping_methods" ADD CONSTRAINT "shipping_methods_zone_id_fkey" FOREIGN KEY ("zone_id") REFERENCES "shipping_zones"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "shipping_methods" ADD CONSTRAINT "shipping_methods_carrier_id_fkey" FOREIGN KEY ("carrier_id") REFERENCES "carriers"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "shipping_methods" ADD CONSTRAINT "shipping_methods_amounts_nonnegative"
  CHECK ("price_minor" >= 0 AND "cod_fee_minor" >= 0 AND coalesce("free_over_minor", 0) >= 0
         AND coalesce("min_subtotal_minor", 0) >= 0 AND coalesce("max_subtotal_minor", 0) >= 0);
ALTER TABLE "shipping_methods" ADD CONSTRAINT "shipping_methods_subtotal_range" CHECK ("max_subtotal_minor" IS NULL OR "max_subtotal_minor" >= coalesce("min_subtotal_minor", 0));
ALTER TABLE "shipping_methods" ADD CONSTRAINT "shipping_methods_delivery_days"
  CHECK (coalesce("min_delivery_days", 0) >= 0 AND ("max_delivery_days" IS NULL OR "max_delivery_days" >= coalesce("min_delivery_days", 0)));

-- A rate per country, or per region of a country (a region's rate wins over its country's).
-- rate_ppm: parts per million of the amount (15% = 150000): src/tax/tax-math.ts.
CREATE TABLE "tax_rates" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "country" CHAR(2) NOT NULL,
    "region" TEXT,
    "rate_ppm" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tax_rates_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "tax_rates_country_region_key" ON "tax_rates"("country", lower(coalesce("region", '')));
ALTER TABLE "tax_rates" ADD CONSTRAINT "tax_rates_country_iso" CHECK ("country" ~ '^[A-Z]{2}$');
ALTER TABLE "tax_rates" ADD CONSTRAINT "tax_rates_rate_range" CHECK ("rate_ppm" BETWEEN 0 AND 1000000);

-- One row: how catalog prices (and shipping prices) relate to tax.
CREATE TABLE "store_settings" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "prices_include_tax" BOOLEAN NOT NULL DEFAULT false,
    "tax_shipping" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "store_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "store_settings_one_row" CHECK ("id")
);
INSERT INTO "store_settings" DEFAULT VALUES;

-- What an order keeps of its delivery, as placed: later edits of a method or a rate never change it.
ALTER TABLE "orders"
  ADD COLUMN "shipping_address" JSONB,
  ADD COLUMN "contact_email" TEXT,
  ADD COLUMN "contact_phone" TEXT,
  ADD COLUMN "shipping_method_id" UUID,
  ADD COLUMN "shipping_method_name" TEXT,
  ADD COLUMN "shipping_minor" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "cod_fee_minor" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "tax_minor" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "shipping_tax_minor" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "tax_included" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "orders" ADD CONSTRAINT "orders_shipping_method_id_fkey" FOREIGN KEY ("shipping_method_id") REFERENCES "shipping_methods"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "orders_shipping_method_id_idx" ON "orders"("shipping_method_id");
ALTER TABLE "orders" ADD CONSTRAINT "orders_delivery_amounts_nonnegative"
  CHECK ("shipping_minor" >= 0 AND "cod_fee_minor" >= 0 AND "tax_minor" >= 0 AND "shipping_tax_minor" BETWEEN 0 AND "tax_minor");
-- The total is the sum of its parts, and tax already inside the prices is not added again.
ALTER TABLE "orders" ADD CONSTRAINT "orders_total_is_sum_of_parts"
  CHECK ("total_minor" = "subtotal_minor" + "shipping_minor" + "cod_fee_minor" + CASE WHEN "tax_included" THEN 0 ELSE "tax_minor" END);

ALTER TABLE "order_items" ADD COLUMN "tax_minor" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_tax_nonnegative" CHECK ("tax_minor" >= 0);
