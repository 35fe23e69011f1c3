-- Rate-limit counters shared by every app instance. UNLOGGED: fast, and losing them on a crash is harmless.
CREATE UNLOGGED TABLE "rate_limit_hits" (
    "key" TEXT NOT NULL,
    "hits" INTEGER NOT NULL,
    "window_ends_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limit_hits_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "rate_limit_hits_window_ends_at_idx" ON "rate_limit_hits"("window_ends_at");
