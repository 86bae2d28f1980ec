-- CreateEnum
CREATE TYPE "DeliveryChannel" AS ENUM ('email', 'webhook');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'sent', 'dead');

-- CreateTable
CREATE TABLE "reminder_outbox" (
    "id" BIGSERIAL NOT NULL,
    "credential_number" TEXT NOT NULL,
    "reminder_key" TEXT NOT NULL,
    "channel" "DeliveryChannel" NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_by" TEXT,
    "claimed_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reminder_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "reminder_outbox_status_next_attempt_at_idx" ON "reminder_outbox"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "reminder_outbox_credential_number_reminder_key_channel_key" ON "reminder_outbox"("credential_number", "reminder_key", "channel");

-- AddForeignKey
ALTER TABLE "reminder_outbox" ADD CONSTRAINT "reminder_outbox_credential_number_reminder_key_fkey" FOREIGN KEY ("credential_number", "reminder_key") REFERENCES "reminders_sent"("credential_number", "key") ON DELETE RESTRICT ON UPDATE CASCADE;

