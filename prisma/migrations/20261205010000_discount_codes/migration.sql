-- Discount codes (issue 15). A code is matched case-insensitively, so its uniqueness is on lower(code).
-- A used code is deactivated, never deleted: its uses keep a RESTRICT reference to it.
CREATE TYPE "DiscountType" AS ENUM ('percentage', 'fixed_amount', 'free_shipping');

CREATE TABLE "discount_codes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" TEXT NOT NULL,
    "type" "DiscountType" NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,
    "min_subtotal_minor" INTEGER NOT NULL DEFAULT 0,
    "product_ids" UUID[] NOT NULL DEFAULT '{}',
    "category_ids" UUID[] NOT NULL DEFAULT '{}',
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "usage_limit" INTEGER,
    "per_customer_limit" INTEGER,
    "used_count" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "discount_codes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "discount_codes_code_key" ON "discount_codes" (lower("code"));
ALTER TABLE "discount_codes" ADD CONSTRAINT "discount_codes_code_shape" CHECK ("code" ~ '^[A-Za-z0-9_-]{2,40}$');
ALTER TABLE "discount_codes" ADD CONSTRAINT "discount_codes_value_range"
  CHECK (CASE "type" WHEN 'percentage' THEN "value" BETWEEN 1 AND 100 WHEN 'fixed_amount' THEN "value" > 0 ELSE "value" = 0 END);
ALTER TABLE "discount_codes" ADD CONSTRAINT "discount_codes_limits"
  CHECK ("min_subtotal_minor" >= 0 AND coalesce("usage_limit", 1) >= 1 AND coalesce("per_customer_limit", 1) >= 1
         AND "used_count" >= 0 AND ("usage_limit" IS NULL OR "used_count" <= "usage_limit"))
;
ALTER TABLE "discount_codes" ADD CONSTRAINT "discount_codes_window" CHECK ("ends_at" IS NULL OR "starts_at" IS NULL OR "ends_at" > "starts_at");

-- One row per order that used a code. released_at: the order let go of it (expired or cancelled
-- before payment) and the use was given back to the code, once.
CREATE TABLE "discount_code_uses" (
    "order_id" UUID NOT NULL,
    "discount_code_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),
    CONSTRAINT "discount_code_uses_pkey" PRIMARY KEY ("order_id")
);
CREATE INDEX "discount_code_uses_code_user_idx" ON "discount_code_uses" ("discount_code_id", "user_id");
ALTER TABLE "discount_code_uses" ADD CONSTRAINT "discount_code_uses_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "discount_code_uses" ADD CONSTRAINT "discount_code_uses_discount_code_id_fkey" FOREIGN KEY ("discount_code_id") REFERENCES "discount_codes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "discount_code_uses" ADD CONSTRAINT "discount_code_uses_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The code applied to a cart (checked again at checkout).
ALTER TABLE "carts" ADD COLUMN "discount_code_id" UUID;
ALTER TABLE "carts" ADD CONSTRAINT "carts_discount_code_id_fkey" FOREIGN KEY ("discount_code_id") REFERENCES "discount_codes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The order's snapshot of the code: its text and kind as used, and the amount taken off the goods.
ALTER TABLE "orders" ADD COLUMN "discount_code" TEXT;
ALTER TABLE "orders" ADD COLUMN "discount_type" "DiscountType";
ALTER TABLE "orders" ADD COLUMN "discount_minor" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "orders" ADD CONSTRAINT "orders_discount_snapshot"
  CHECK ("discount_minor" >= 0 AND "discount_minor" <= "subtotal_minor" AND ("discount_code" IS NULL) = ("discount_type" IS NULL) AND ("discount_code" IS NOT NULL OR "discount_minor" = 0));
ALTER TABLE "order_items" ADD COLUMN "discount_minor" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_discount_range" CHECK ("discount_minor" >= 0 AND "discount_minor" <= "line_total_minor");

ALTER TABLE "orders" DROP CONSTRAINT "orders_total_is_sum_of_parts";
ALTER TABLE "orders" ADD CONSTRAINT "orders_total_is_sum_of_parts"
  CHECK ("total_minor" = "subtotal_minor" - "discount_minor" + "shipping_minor" + "cod_fee_minor" + CASE WHEN "tax_included" THEN 0 ELSE "tax_minor" END);
