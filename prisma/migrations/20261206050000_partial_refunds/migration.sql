-- Partial refunds (issue 16): a payment is refunded in one or more refunds, each a row of its
-- own with its own gateway call, attempts and lease (they moved here from payments).
--
-- payments.refunded_minor is what the payment's refunds claim, made or under way: a claim adds
-- its amount in a statement conditional on what is left, and the CHECK refuses any sum beyond
-- the captured amount, so refunds racing each other can never give back more than was paid.
ALTER TYPE "OrderStatus" ADD VALUE 'PARTIALLY_REFUNDED' AFTER 'DELIVERED';

ALTER TABLE "payments" ADD COLUMN "refunded_minor" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "payments" ADD CONSTRAINT "payments_refunded_within_amount" CHECK ("refunded_minor" BETWEEN 0 AND "amount_minor");

-- How many units of a line its refunds gave back, and how many of those went back on the shelf.
ALTER TABLE "order_items" ADD COLUMN "refunded_quantity" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "restocked_quantity" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_refunded_within_quantity"
  CHECK ("refunded_quantity" BETWEEN 0 AND "quantity" AND "restocked_quantity" BETWEEN 0 AND "refunded_quantity");

-- One row per refund. pending: claimed, its job (payments-refund) tries it until the gateway
-- has made it, succeeded: made. lines: the order lines and units it refunds with what each
-- came to (empty for a refund of an amount). The row's id keys the refund at the gateway.
CREATE TABLE "refunds" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "payment_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "lines" JSONB NOT NULL DEFAULT '[]',
    "restock" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "provider_refund_id" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lease_until" TIMESTAMPTZ(3),
    "failure_reason" TEXT,
    "actor" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "succeeded_at" TIMESTAMPTZ(3),
    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "refunds_amount_positive" CHECK ("amount_minor" > 0),
    CONSTRAINT "refunds_status" CHECK ("status" IN ('pending', 'succeeded'))
);
CREATE INDEX "refunds_payment_id_idx" ON "refunds" ("payment_id");
CREATE INDEX "refunds_order_id_idx" ON "refunds" ("order_id", "created_at");
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The refunds made or claimed before: each was the whole payment.
INSERT INTO "refunds" ("payment_id", "order_id", "amount_minor", "currency", "status", "provider_refund_id", "attempts", "lease_until", "failure_reason", "actor", "created_at", "updated_at", "succeeded_at")
SELECT "id", "order_id", "amount_minor", "currency", CASE WHEN "status" = 'REFUNDED' THEN 'succeeded' ELSE 'pending' END, "refund_ref",
       "refund_attempts", "refund_lease_until", CASE WHEN "status" = 'REFUND_PENDING' THEN "failure_reason" END, 'system:migration',
       "updated_at", "updated_at", CASE WHEN "status" = 'REFUNDED' THEN "updated_at" END
  FROM "payments" WHERE "status" IN ('REFUNDED', 'REFUND_PENDING') AND "amount_minor" > 0;
UPDATE "payments" SET "refunded_minor" = "amount_minor" WHERE "status" IN ('REFUNDED', 'REFUND_PENDING');

ALTER TABLE "payments" DROP COLUMN "refund_attempts", DROP COLUMN "refund_lease_until";
