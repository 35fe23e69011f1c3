-- Cash on delivery: an order confirmed at checkout without a gateway (CONFIRMED, holding its
-- stock), paid when the courier collects the cash (a COD payment row), or RETURNED when the
-- buyer refuses it at the door (its stock goes back).
ALTER TYPE "OrderStatus" ADD VALUE 'CONFIRMED' AFTER 'AWAITING_PAYMENT';
ALTER TYPE "OrderStatus" ADD VALUE 'RETURNED';
ALTER TYPE "PaymentProvider" ADD VALUE 'COD';

ALTER TABLE "orders" ADD COLUMN "payment_method" TEXT, ADD COLUMN "cash_collected_minor" INTEGER;
ALTER TABLE "orders" ADD CONSTRAINT "orders_payment_method_known" CHECK ("payment_method" IS NULL OR "payment_method" = 'cod');
ALTER TABLE "orders" ADD CONSTRAINT "orders_cash_collected_nonnegative" CHECK ("cash_collected_minor" IS NULL OR ("cash_collected_minor" >= 0 AND "payment_method" = 'cod'));
