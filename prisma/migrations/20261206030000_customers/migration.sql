-- Customers (issue 16): staff block a customer from checkout, and keep notes about them.
--
-- The block lives on the user row that checkout already reads: checkout's cart read locks that
-- row FOR SHARE and refuses a blocked buyer, and blocking is an UPDATE of it, so a checkout and
-- a block of the same customer run one after the other, never interleaved.
ALTER TABLE "users" ADD COLUMN "blocked_at" TIMESTAMPTZ(3),
  ADD COLUMN "block_reason" TEXT,
  ADD COLUMN "blocked_by" UUID,
  ADD CONSTRAINT "users_block_complete" CHECK (("blocked_at" IS NULL) = ("block_reason" IS NULL) AND ("blocked_at" IS NULL) = ("blocked_by" IS NULL)),
  ADD CONSTRAINT "users_block_reason_length" CHECK (char_length("block_reason") BETWEEN 1 AND 500);

-- Append-only: a note is corrected by another note, so who said what and when stays on record.
CREATE TABLE "customer_notes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "author_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "customer_notes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "customer_notes_body_length" CHECK (char_length("body") BETWEEN 1 AND 2000)
);
CREATE INDEX "customer_notes_customer_id_created_at_idx" ON "customer_notes" ("customer_id", "created_at" DESC);
ALTER TABLE "customer_notes" ADD CONSTRAINT "customer_notes_customer_id_fkey"
  FOREIGN KEY ("customer_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "customer_notes" ADD CONSTRAINT "customer_notes_author_id_fkey"
  FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

