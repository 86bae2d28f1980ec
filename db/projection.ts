import type { Prisma } from '../generated/prisma/client';
import type { CalendarDate, CycleDates, FeeLine } from '../rules/types';
import type { CredentialEvent, CredentialEventType } from '../workflows/events';
import type { Db } from './client';
import { refreshCeusEarned } from './ceus-earned';
import { cycleColumns, policyDay, toDbDate, toDbDateOrNull } from './dates';

// The workflow's events projected into the tables. One event = one transaction: the event row
// (unique on its key) goes first, so a retried activity finds it and changes nothing else.

type Tx = Prisma.TransactionClient;
type EventOf<T extends CredentialEventType> = Extract<CredentialEvent, { type: T }>;
type CredentialRow = Prisma.CredentialGetPayload<object>;

interface Context {
  readonly tx: Tx;
  /** The credential as it was before this event (after it, for cycle_started). */
  readonly credential: CredentialRow;
  /** The event's calendar day in the policy's time zone. */
  readonly day: CalendarDate;
}

export class MissingCredentialError extends Error {
  constructor(credentialNumber: string, type: string) {
    // Retryable: the credential's cycle_started event has not been projected yet.
    super(`Credential ${credentialNumber} has no row yet: cannot project ${type} before cycle_started.`);
    this.name = 'MissingCredentialError';
  }
}

/** Applies one event; a repeat with the same key is a no-op. */
export async function projectEvent(db: Db, event: CredentialEvent): Promise<void> {
  await db.$transaction(async (tx) => {
    const inserted = await tx.credentialEvent.createMany({ data: [eventRow(event)], skipDuplicates: true });
    if (inserted.count === 0) return;
    if (event.type === 'cycle_started') await startCycle(tx, event);
    const credential = await tx.credential.findUnique({ where: { number: event.credentialNumber } });
    if (!credential) throw new MissingCredentialError(event.credentialNumber, event.type);
    const context: Context = { tx, credential, day: policyDay(event.at, credential.policyId) };
    await (APPLIERS[event.type] as Applier<CredentialEvent>)(context, event);
    if (REFRESHES_CEUS.has(event.type)) await refreshCeusEarned(tx, event.credentialNumber, context.day);
  });
}

function eventRow(event: CredentialEvent): Prisma.CredentialEventCreateManyInput {
  // The envelope has its own columns; the rest of the event is its data (ids, dates, amounts only).
  const { key, credentialNumber, cycle, at, actor, reason, type, ...data } = event;
  return {
    idempotencyKey: key,
    credentialNumber,
    cycle,
    type,
    actorKind: actor.kind,
    actorId: actor.id,
    reason: reason ?? null,
    data: data as Prisma.InputJsonValue,
    outcome: 'accepted',
    occurredAt: new Date(at),
  };
}

/** Events after which the CEUs that count may differ (application_received carries its own balance). */
const REFRESHES_CEUS = new Set<CredentialEventType>([
  'cycle_started',
  'phase_changed',
  'ceu_completion_reported',
  'cpr_aed_reported',
  'petition_decided',
  'renewed',
]);

async function startCycle(tx: Tx, e: EventOf<'cycle_started'>): Promise<void> {
  const row = {
    policyId: e.policyId,
    workflowId: e.workflowId,
    certifiedOn: toDbDate(e.certifiedOn),
    cycle: e.cycle,
    ...cycleColumns(e.dates),
    phase: e.phase,
  };
  const created = await tx.credential.createMany({
    data: [{ number: e.credentialNumber, ...row }],
    skipDuplicates: true,
  });
  if (created.count > 0) return;
  // A new cycle starts without an audit; an older cycle's event never moves the row back.
  await tx.credential.updateMany({
    where: { number: e.credentialNumber, cycle: { lt: e.cycle } },
    data: { auditState: 'None' },
  });
  await tx.credential.updateMany({
    where: { number: e.credentialNumber, cycle: { lte: e.cycle } },
    data: row,
  });
}

/** Updates the credential row unless it has already moved on to a later cycle. */
function updateCurrent(
  { tx, credential }: Context,
  cycle: number,
  data: Prisma.CredentialUpdateManyMutationInput,
): Promise<unknown> {
  return tx.credential.updateMany({ where: { number: credential.number, cycle: { lte: cycle } }, data });
}

function chargeFees(
  { tx, credential }: Context,
  cycle: number,
  source: string,
  lines: readonly FeeLine[],
  paymentReference: string,
  on: CalendarDate,
): Promise<unknown> {
  return tx.feeLedgerEntry.createMany({
    data: lines.map((line) => ({
      credentialNumber: credential.number,
      cycle,
      source,
      code: line.code,
      label: line.label,
      amount: line.amount,
      paymentReference,
      chargedOn: toDbDate(on),
    })),
    skipDuplicates: true,
  });
}

type Applier<E> = (context: Context, event: E) => Promise<unknown>;

const APPLIERS: { readonly [T in CredentialEventType]: Applier<EventOf<T>> } = {
  // The row was written by startCycle, before the context could be built.
  cycle_started: () => Promise.resolve(),

  phase_changed: (c, e) => updateCurrent(c, e.cycle, { phase: e.to }),

  ceu_completion_reported: ({ tx, credential }, e) => {
    const { completion } = e;
    // Unique on provider + completion id: the first report wins, as in the workflow.
    return tx.ceuRecord.upsert({
      where: {
        provider_completionId: { provider: completion.provider, completionId: completion.completionId },
      },
      create: {
        credentialNumber: credential.number,
        cycle: e.cycle,
        provider: completion.provider,
        completionId: completion.completionId,
        course: completion.course,
        units: completion.units,
        completedOn: toDbDate(completion.completedOn),
        approved: completion.approved,
        reportedAt: new Date(e.at),
      },
      update: {},
    });
  },

  cpr_aed_reported: ({ tx, credential }, e) => {
    const { certification: cert } = e;
    return tx.cprAedCertification.upsert({
      where: {
        credentialNumber_certificationId: {
          credentialNumber: credential.number,
          certificationId: cert.certificationId,
        },
      },
      create: {
        credentialNumber: credential.number,
        cycle: e.cycle,
        certificationId: cert.certificationId,
        issuedOn: toDbDate(cert.issuedOn),
        expiresOn: toDbDate(cert.expiresOn),
        handsOn: cert.handsOn,
        reportedAt: new Date(e.at),
      },
      update: {},
    });
  },

  petition_filed: async (c, e) => {
    const p = e.petition;
    await c.tx.petition.upsert({
      where: {
        credentialNumber_petitionId: { credentialNumber: c.credential.number, petitionId: p.petitionId },
      },
      create: {
        credentialNumber: c.credential.number,
        cycle: e.cycle,
        petitionId: p.petitionId,
        course: p.course,
        provider: p.provider,
        requestedUnits: p.requestedUnits,
        completedOn: toDbDate(p.completedOn),
        feeAmount: p.fee.amount,
        amountPaid: e.amountPaid,
        paymentReference: p.paymentReference,
        filedOn: toDbDate(p.filedOn),
        status: p.status,
        grantedUnits: p.grantedUnits,
        reason: p.reason,
        decidedOn: toDbDateOrNull(p.decidedOn),
      },
      update: {},
    });
    // The petition fee is charged when filed and stays paid whatever the decision.
    await chargeFees(c, e.cycle, `petition:${p.petitionId}`, [p.fee], p.paymentReference, p.filedOn);
  },

  petition_decided: ({ tx, credential }, e) => {
    const p = e.petition;
    return tx.petition.update({
      where: {
        credentialNumber_petitionId: { credentialNumber: credential.number, petitionId: p.petitionId },
      },
      data: {
        status: p.status,
        grantedUnits: p.grantedUnits,
        reason: p.reason,
        decidedOn: toDbDateOrNull(p.decidedOn),
      },
    });
  },

  application_received: async (c, e) => {
    await c.tx.application.upsert({
      where: {
        credentialNumber_applicationId: {
          credentialNumber: c.credential.number,
          applicationId: e.applicationId,
        },
      },
      create: {
        credentialNumber: c.credential.number,
        cycle: e.cycle,
        applicationId: e.applicationId,
        receivedOn: toDbDate(e.receivedOn),
        paymentReference: e.paymentReference,
        amountPaid: e.amountPaid,
        feeWindow: e.fee.window,
        feeLines: e.fee.lines as unknown as Prisma.InputJsonValue,
        feeTotal: e.fee.total,
        status: 'pending',
        balance: e.balance as unknown as Prisma.InputJsonValue,
      },
      update: {},
    });
    // The workflow's own balance on receipt is authoritative for that day.
    await updateCurrent(c, e.cycle, { ceusEarned: e.balance.earned });
  },

  audit_selected: async (c, e) => {
    const number = c.credential.number;
    await c.tx.audit.upsert({
      where: { credentialNumber_auditId: { credentialNumber: number, auditId: e.auditId } },
      create: {
        credentialNumber: number,
        cycle: e.cycle,
        auditId: e.auditId,
        applicationId: e.applicationId,
        state: 'AwaitingDocuments',
        selectedOn: toDbDate(e.selectedOn),
        documentsDueOn: toDbDate(e.documentsDueOn),
        draw: e.draw,
        forced: e.forced,
      },
      update: {},
    });
    await c.tx.application.update({
      where: { credentialNumber_applicationId: { credentialNumber: number, applicationId: e.applicationId } },
      data: { auditSelected: true, auditDraw: e.draw },
    });
    await updateCurrent(c, e.cycle, { auditState: 'AwaitingDocuments' });
  },

  audit_not_selected: ({ tx, credential }, e) =>
    tx.application.update({
      where: {
        credentialNumber_applicationId: {
          credentialNumber: credential.number,
          applicationId: e.applicationId,
        },
      },
      data: { auditSelected: false, auditDraw: e.draw },
    }),

  audit_documents_submitted: async (c, e) => {
    const audit = await c.tx.audit.update({
      where: { credentialNumber_auditId: { credentialNumber: c.credential.number, auditId: e.auditId } },
      data: { state: 'UnderReview' },
    });
    await c.tx.auditDocument.createMany({
      data: e.documents.map((d) => ({
        auditRowId: audit.id,
        reference: d.reference,
        description: d.description,
        submittedAt: new Date(e.at),
      })),
      skipDuplicates: true,
    });
    await updateCurrent(c, e.cycle, { auditState: 'UnderReview' });
  },

  audit_decided: async (c, e) => {
    const state = e.outcome === 'passed' ? 'Passed' : 'Failed';
    await c.tx.audit.update({
      where: { credentialNumber_auditId: { credentialNumber: c.credential.number, auditId: e.auditId } },
      data: { state, decidedOn: toDbDate(c.day), reason: e.reason ?? null },
    });
    await updateCurrent(c, e.cycle, { auditState: state });
  },

  application_decided: async (c, e) => {
    const where = {
      credentialNumber_applicationId: {
        credentialNumber: c.credential.number,
        applicationId: e.applicationId,
      },
    };
    const application = await c.tx.application.findUniqueOrThrow({ where });
    const renewsCurrentCycle = e.outcome === 'approved' && application.cycle === c.credential.cycle;
    await c.tx.application.update({
      where,
      data: {
        status: e.outcome,
        decidedOn: toDbDate(c.day),
        reason: e.reason ?? null,
        // The workflow decided which post-E courses this renewal used; they do not count next cycle.
        ...(renewsCurrentCycle ? { consumedKeys: [...(e.consumes ?? [])] } : {}),
      },
    });
    await chargeFees(
      c,
      e.cycle,
      `application:${e.applicationId}`,
      e.charged,
      application.paymentReference,
      c.day,
    );
  },

  renewed: ({ tx, credential }, e) => renew(tx, credential.number, e.nextCycle, e.nextDates),

  revoked: (c, e) => updateCurrent(c, e.cycle, { phase: 'Revoked' }),

  lapsed: (c, e) => updateCurrent(c, e.cycle, { phase: 'Lapsed' }),
};

/** The next cycle starts active and unaudited; the next run's cycle_started confirms the same values. */
function renew(tx: Tx, number: string, nextCycle: number, dates: CycleDates): Promise<unknown> {
  return tx.credential.updateMany({
    where: { number, cycle: { lt: nextCycle } },
    data: { cycle: nextCycle, ...cycleColumns(dates), phase: 'Active', auditState: 'None' },
  });
}
