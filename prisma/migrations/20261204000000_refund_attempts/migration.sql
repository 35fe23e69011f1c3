-- A refund attempt takes a lease on its payment before it calls the gateway, so two attempts
-- (the staff request and the retry job) never run at once. The count tells a later attempt
-- that an earlier one may have reached the gateway: it asks the gateway before refunding.
-- reconciled_at: when a payment still pending was last looked up at its gateway.
ALTER TABLE "payments" ADD COLUMN "refund_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "refund_lease_until" TIMESTAMPTZ(3),
ADD COLUMN "reconciled_at" TIMESTAMPTZ(3)
