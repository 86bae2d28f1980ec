-- Command receipts (issue 9, item 2): the first final outcome of each command sent with an
-- Idempotency-Key, kept 30 days, so a retry after a renewal (a new workflow run) gets it back.
-- Generated with `prisma migrate diff` from the previous schema. (No semicolons in comments.)

-- CreateTable
CREATE TABLE "command_receipts" (
    "credential_number" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "command_receipts_pkey" PRIMARY KEY ("credential_number","operation","idempotency_key")
);

-- CreateIndex
CREATE INDEX "command_receipts_created_at_idx" ON "command_receipts"("created_at");

