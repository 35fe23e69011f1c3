-- Work that must follow a change (mails, outbound webhooks, refund retries) is written here in
-- the change's own transaction, and a relay moves it to the job queues (src/jobs/outbox.ts):
-- a rolled-back change leaves no job, a committed one never loses its job.
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
