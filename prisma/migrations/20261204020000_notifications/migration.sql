-- The shop's name and staff address for mails, and the stock level at which staff hear of a variant running low.
ALTER TABLE "store_settings"
  ADD COLUMN "store_name" TEXT NOT NULL DEFAULT 'Shop',
  ADD COLUMN "staff_email" TEXT,
  ADD COLUMN "low_stock_threshold" INTEGER NOT NULL DEFAULT 5,
  ADD CONSTRAINT "store_settings_store_name_not_blank" CHECK (length(btrim("store_name")) > 0),
  ADD CONSTRAINT "store_settings_low_stock_threshold_not_negative" CHECK ("low_stock_threshold" >= 0);

CREATE TYPE "MailStatus" AS ENUM ('SENDING', 'SENT', 'FAILED', 'UNKNOWN');
CREATE TYPE "MailDelivery" AS ENUM ('SMTP', 'MAILBOX');

-- Every mail the shop sends, once per dedupe key (src/notifications/outgoing-mails.ts): a row is
-- claimed (SENDING) and committed before the SMTP server hears of it, so duplicate events and
-- retries never send twice. With no SMTP server the row itself is the delivered mail (MAILBOX).
CREATE TABLE "mails" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dedupe_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT NOT NULL,
    "delivery" "MailDelivery" NOT NULL,
    "status" "MailStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "error" TEXT,
    "message_id" TEXT,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "mails_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "mails_dedupe_key_key" ON "mails"("dedupe_key");
CREATE INDEX "mails_created_at_idx" ON "mails"("created_at");
-- the sweep of claims a crash left behind reads only these
CREATE INDEX "mails_sending_idx" ON "mails"("claimed_at") WHERE "status" = 'SENDING';
