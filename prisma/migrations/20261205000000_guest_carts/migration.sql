-- Guest carts (src/cart/guest-carts.ts): a cart belongs to a user or to a cart token, never
-- both. Only the SHA-256 of the token is kept (hex), so a database leak reveals no usable token.
ALTER TABLE "carts"
  ALTER COLUMN "user_id" DROP NOT NULL,
  ADD COLUMN "token_hash" TEXT,
  ADD CONSTRAINT "carts_token_hash_is_sha256" CHECK ("token_hash" ~ '^[0-9a-f]{64}$'),
  ADD CONSTRAINT "carts_one_owner" CHECK (("user_id" IS NULL) <> ("token_hash" IS NULL));

CREATE UNIQUE INDEX "carts_token_hash_key" ON "carts"("token_hash");

-- The expiry job deletes guest carts by their last change.
CREATE INDEX "carts_updated_at_idx" ON "carts"("updated_at");
