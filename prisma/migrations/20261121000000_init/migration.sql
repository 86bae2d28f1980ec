-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "credentials" (
    "number" TEXT NOT NULL,
    "policy_id" TEXT NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "cycle_start" DATE NOT NULL,
    "expires_on" DATE NOT NULL,
    "phase" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "credentials_pkey" PRIMARY KEY ("number")
);

-- CreateTable
CREATE TABLE "credential_events" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credential_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "credentials_workflow_id_key" ON "credentials"("workflow_id");

-- CreateIndex
CREATE INDEX "credentials_phase_expires_on_idx" ON "credentials"("phase", "expires_on");

-- CreateIndex
CREATE UNIQUE INDEX "credential_events_idempotency_key_key" ON "credential_events"("idempotency_key");

-- CreateIndex
CREATE INDEX "credential_events_credential_number_occurred_at_idx" ON "credential_events"("credential_number", "occurred_at");

-- AddForeignKey
ALTER TABLE "credential_events" ADD CONSTRAINT "credential_events_credential_number_fkey" FOREIGN KEY ("credential_number") REFERENCES "credentials"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

