-- Batched projection (issues 8-11): snapshot, policy version and workflow status on credentials,
-- CEU records unique per holder (a second holder's report of the same provider completion was dropped),
-- report outcomes for providers, dead letters and policy versions.
-- Generated with `prisma migrate diff` from the previous schema. Existing rows keep their values:
-- the new columns have defaults, and the new CEU key is looser than the old one.
-- (No semicolons in comments: the JS schema engine splits scripts on them.)

-- CreateEnum
CREATE TYPE "WorkflowStatus" AS ENUM ('running', 'completed', 'continued', 'terminated', 'failed', 'cancelled', 'timed_out');

-- CreateEnum
CREATE TYPE "ReportKind" AS ENUM ('ceu', 'cpr_aed');

-- CreateEnum
CREATE TYPE "ReportOutcomeValue" AS ENUM ('counted', 'not_counted', 'refused');

-- DropIndex
DROP INDEX "ceu_records_provider_completion_id_key";

-- AlterTable
ALTER TABLE "credentials" ADD COLUMN     "policy_version" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "snapshot" JSONB,
ADD COLUMN     "workflow_status" "WorkflowStatus" NOT NULL DEFAULT 'running';

-- CreateTable
CREATE TABLE "report_outcomes" (
    "credential_number" TEXT NOT NULL,
    "kind" "ReportKind" NOT NULL,
    "source" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "outcome" "ReportOutcomeValue" NOT NULL,
    "reason_code" TEXT,
    "message" TEXT,
    "reported_by_kind" "ActorKind" NOT NULL,
    "reported_by_id" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "report_outcomes_pkey" PRIMARY KEY ("credential_number","kind","source","external_id")
);

-- CreateTable
CREATE TABLE "dead_letter_events" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "error_message" TEXT NOT NULL,
    "error_code" TEXT NOT NULL,
    "first_failed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_failed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "dead_letter_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_versions" (
    "policy_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "effective_from" DATE NOT NULL,
    "rules" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "policy_versions_pkey" PRIMARY KEY ("policy_id","version")
);

-- CreateIndex
CREATE INDEX "report_outcomes_reported_by_id_seq_idx" ON "report_outcomes"("reported_by_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "report_outcomes_seq_key" ON "report_outcomes"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letter_events_event_key_key" ON "dead_letter_events"("event_key");

-- CreateIndex
CREATE INDEX "dead_letter_events_resolved_at_id_idx" ON "dead_letter_events"("resolved_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "ceu_records_credential_number_provider_completion_id_key" ON "ceu_records"("credential_number", "provider", "completion_id");


-- Hand-written: credentials already closed by a lapse or revocation closed their workflow normally.
UPDATE "credentials" SET "workflow_status" = 'completed' WHERE "phase" IN ('Lapsed', 'Revoked');
