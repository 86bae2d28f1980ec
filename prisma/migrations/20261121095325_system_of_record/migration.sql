-- System of record (issue #4): the full projection of the credential workflow's events.
-- Generated with `prisma migrate diff` from the init schema, except this hand-written preamble.
-- The walking skeleton's rows cannot gain the new NOT NULL columns (certification date, cycle
-- dates, actor). Nothing is deployed, so local development rows are cleared, not converted.
-- (No semicolons in comments: the JS schema engine splits scripts on them.)
DELETE FROM "credential_events";
DELETE FROM "credentials";

-- CreateEnum
CREATE TYPE "Phase" AS ENUM ('Active', 'ExpiredLate', 'ExpiredReinstatement', 'Lapsed', 'Revoked');

-- CreateEnum
CREATE TYPE "AuditState" AS ENUM ('None', 'AwaitingDocuments', 'UnderReview', 'Passed', 'Failed');

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('service', 'portal', 'ops', 'system');

-- CreateEnum
CREATE TYPE "EventOutcome" AS ENUM ('accepted', 'rejected');

-- CreateEnum
CREATE TYPE "DecisionStatus" AS ENUM ('pending', 'approved', 'denied');

-- CreateEnum
CREATE TYPE "FeeCode" AS ENUM ('renewal', 'late', 'reinstatement', 'petition');

-- CreateEnum
CREATE TYPE "ReminderKind" AS ENUM ('before_expiry', 'expired', 'late_window_closing', 'lapse_approaching', 'audit_selected', 'audit_deadline');

-- CreateEnum
CREATE TYPE "ApiRole" AS ENUM ('service', 'portal', 'ops');

-- DropForeignKey
ALTER TABLE "credential_events" DROP CONSTRAINT "credential_events_credential_number_fkey";

-- DropIndex
DROP INDEX "credentials_phase_expires_on_idx";

-- DropIndex
DROP INDEX "credential_events_credential_number_occurred_at_idx";

-- AlterTable
ALTER TABLE "credentials" ADD COLUMN     "audit_state" "AuditState" NOT NULL DEFAULT 'None',
ADD COLUMN     "certified_on" DATE NOT NULL,
ADD COLUMN     "ceus_earned" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "course_cutoff" DATE NOT NULL,
ADD COLUMN     "lapses_on" DATE NOT NULL,
ADD COLUMN     "late_window_ends_on" DATE NOT NULL,
DROP COLUMN "phase",
ADD COLUMN     "phase" "Phase" NOT NULL,
ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMPTZ(3),
ALTER COLUMN "updated_at" SET DATA TYPE TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "credential_events" DROP COLUMN "actor",
ADD COLUMN     "actor_id" TEXT NOT NULL,
ADD COLUMN     "actor_kind" "ActorKind" NOT NULL,
ADD COLUMN     "cycle" INTEGER,
ADD COLUMN     "outcome" "EventOutcome" NOT NULL,
ALTER COLUMN "occurred_at" SET DATA TYPE TIMESTAMPTZ(3),
ALTER COLUMN "recorded_at" SET DATA TYPE TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "holders" (
    "credential_number" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "holders_pkey" PRIMARY KEY ("credential_number")
);

-- CreateTable
CREATE TABLE "ceu_records" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "provider" TEXT NOT NULL,
    "completion_id" TEXT NOT NULL,
    "course" TEXT NOT NULL,
    "units" INTEGER NOT NULL,
    "completed_on" DATE NOT NULL,
    "approved" BOOLEAN NOT NULL,
    "reported_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ceu_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cpr_aed_certifications" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "certification_id" TEXT NOT NULL,
    "issued_on" DATE NOT NULL,
    "expires_on" DATE NOT NULL,
    "hands_on" BOOLEAN NOT NULL,
    "reported_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cpr_aed_certifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "petitions" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "petition_id" TEXT NOT NULL,
    "course" TEXT NOT NULL,
    "provider" TEXT,
    "requested_units" INTEGER NOT NULL,
    "completed_on" DATE NOT NULL,
    "fee_amount" INTEGER NOT NULL,
    "amount_paid" INTEGER NOT NULL,
    "payment_reference" TEXT NOT NULL,
    "filed_on" DATE NOT NULL,
    "status" "DecisionStatus" NOT NULL,
    "granted_units" INTEGER,
    "reason" TEXT,
    "decided_on" DATE,

    CONSTRAINT "petitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "applications" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "application_id" TEXT NOT NULL,
    "received_on" DATE NOT NULL,
    "payment_reference" TEXT NOT NULL,
    "amount_paid" INTEGER NOT NULL,
    "fee_window" TEXT NOT NULL,
    "fee_lines" JSONB NOT NULL,
    "fee_total" INTEGER NOT NULL,
    "status" "DecisionStatus" NOT NULL,
    "balance" JSONB NOT NULL,
    "audit_draw" INTEGER,
    "audit_selected" BOOLEAN,
    "decided_on" DATE,
    "reason" TEXT,
    "consumed_keys" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audits" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "audit_id" TEXT NOT NULL,
    "application_id" TEXT NOT NULL,
    "state" "AuditState" NOT NULL,
    "selected_on" DATE NOT NULL,
    "documents_due_on" DATE NOT NULL,
    "draw" INTEGER NOT NULL,
    "forced" BOOLEAN NOT NULL,
    "decided_on" DATE,
    "reason" TEXT,

    CONSTRAINT "audits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_documents" (
    "id" BIGSERIAL NOT NULL,
    "audit_row_id" BIGINT NOT NULL,
    "reference" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fee_ledger" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "code" "FeeCode" NOT NULL,
    "label" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "payment_reference" TEXT NOT NULL,
    "charged_on" DATE NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fee_ledger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reminders_sent" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "ReminderKind" NOT NULL,
    "days_before" INTEGER NOT NULL,
    "due_on" DATE NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "facts" JSONB NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reminders_sent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "role" "ApiRole" NOT NULL,
    "label" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ceu_records_credential_number_completed_on_idx" ON "ceu_records"("credential_number", "completed_on");

-- CreateIndex
CREATE UNIQUE INDEX "ceu_records_provider_completion_id_key" ON "ceu_records"("provider", "completion_id");

-- CreateIndex
CREATE UNIQUE INDEX "cpr_aed_certifications_credential_number_certification_id_key" ON "cpr_aed_certifications"("credential_number", "certification_id");

-- CreateIndex
CREATE UNIQUE INDEX "petitions_credential_number_petition_id_key" ON "petitions"("credential_number", "petition_id");

-- CreateIndex
CREATE UNIQUE INDEX "applications_credential_number_application_id_key" ON "applications"("credential_number", "application_id");

-- CreateIndex
CREATE UNIQUE INDEX "audits_credential_number_audit_id_key" ON "audits"("credential_number", "audit_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_documents_audit_row_id_reference_key" ON "audit_documents"("audit_row_id", "reference");

-- CreateIndex
CREATE UNIQUE INDEX "fee_ledger_credential_number_source_code_key" ON "fee_ledger"("credential_number", "source", "code");

-- CreateIndex
CREATE UNIQUE INDEX "reminders_sent_credential_number_key_key" ON "reminders_sent"("credential_number", "key");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_token_hash_key" ON "api_keys"("token_hash");

-- CreateIndex
CREATE INDEX "credentials_expires_on_number_idx" ON "credentials"("expires_on", "number");

-- CreateIndex
CREATE INDEX "credentials_phase_expires_on_number_idx" ON "credentials"("phase", "expires_on", "number");

-- CreateIndex
CREATE INDEX "credentials_audit_state_expires_on_number_idx" ON "credentials"("audit_state", "expires_on", "number");

-- CreateIndex
CREATE INDEX "credential_events_credential_number_occurred_at_id_idx" ON "credential_events"("credential_number", "occurred_at", "id");

-- AddForeignKey
ALTER TABLE "ceu_records" ADD CONSTRAINT "ceu_records_credential_number_fkey" FOREIGN KEY ("credential_number") REFERENCES "credentials"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cpr_aed_certifications" ADD CONSTRAINT "cpr_aed_certifications_credential_number_fkey" FOREIGN KEY ("credential_number") REFERENCES "credentials"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "petitions" ADD CONSTRAINT "petitions_credential_number_fkey" FOREIGN KEY ("credential_number") REFERENCES "credentials"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_credential_number_fkey" FOREIGN KEY ("credential_number") REFERENCES "credentials"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audits" ADD CONSTRAINT "audits_credential_number_fkey" FOREIGN KEY ("credential_number") REFERENCES "credentials"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audits" ADD CONSTRAINT "audits_credential_number_application_id_fkey" FOREIGN KEY ("credential_number", "application_id") REFERENCES "applications"("credential_number", "application_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_documents" ADD CONSTRAINT "audit_documents_audit_row_id_fkey" FOREIGN KEY ("audit_row_id") REFERENCES "audits"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fee_ledger" ADD CONSTRAINT "fee_ledger_credential_number_fkey" FOREIGN KEY ("credential_number") REFERENCES "credentials"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminders_sent" ADD CONSTRAINT "reminders_sent_credential_number_fkey" FOREIGN KEY ("credential_number") REFERENCES "credentials"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

