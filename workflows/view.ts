import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  boundaries,
  ceuBalance,
  compareDates,
  dateAt,
  describeWindow,
  effectivePolicy,
  formatCeu,
  lastApplicationDay,
  petitionGrants,
  phaseOn,
  quoteFee,
  startOfDay,
  windowOn,
  type CalendarDate,
  type CycleDates,
  type Policy,
} from '../rules';
import type { CredentialView, CycleSnapshot } from './contract';
import {
  AuditState,
  CeuRequirementMet,
  CredentialPhase,
  ExpirationDate,
  NextDeadline,
  PolicyId,
} from './search-attributes';

// What ops and the portal see, from a run's state as data: the query's view, the UI's current details
// and the search attributes. Pure (no Temporal workflow APIs), so the API builds the same view from
// the snapshot the projection keeps in PostgreSQL, without asking the worker.

export interface ViewSource {
  readonly credentialNumber: string;
  readonly certifiedOn: CalendarDate;
  readonly cycle: number;
  /** The cycle's pinned rules, and the versions fees follow. */
  readonly policy: Policy;
  readonly versions: readonly Policy[];
  readonly dates: CycleDates;
  readonly facts: Pick<
    CycleSnapshot,
    'completions' | 'cprAed' | 'petitions' | 'consumed' | 'application' | 'audit' | 'remindersSent'
  >;
  readonly closed: {
    readonly phase: 'Lapsed' | 'Revoked';
    readonly on: CalendarDate;
    readonly reason: string;
  } | null;
}

function liveApplication(src: ViewSource): boolean {
  const application = src.facts.application;
  return application !== null && application.status !== 'denied';
}

export function balanceOf(src: ViewSource, asOf: CalendarDate) {
  return ceuBalance({
    dates: src.dates,
    policy: src.policy,
    asOf,
    completions: src.facts.completions,
    grants: petitionGrants(src.facts.petitions),
    cprAed: src.facts.cprAed,
    consumed: src.facts.consumed,
  });
}

/**
 * Whether the requirement is met for a renewal on the cycle's expiration date (after it: today):
 * course CEUs complete and a qualifying CPR/AED still valid then. Forward-looking, so a CPR/AED that
 * will expire before E shows as missing now, and within the cycle it changes only with the facts.
 */
export function requirementMet(src: ViewSource, today: CalendarDate): boolean {
  const asOf = compareDates(today, src.dates.expiration) > 0 ? today : src.dates.expiration;
  return balanceOf(src, asOf).shortfall === 0;
}

export function phaseOf(src: ViewSource, today: CalendarDate) {
  return phaseOn(src.dates, today, {
    closed: src.closed?.phase ?? null,
    applicationLive: liveApplication(src),
  });
}

/** The credential's next deadline: expiration, the late window's close, the lapse, audit documents due. */
export function nextDeadline(src: ViewSource, now: number): { what: string; at: number } | null {
  if (src.closed) return null;
  const { expiresAt, lateWindowClosesAt, lapsesAt } = boundaries(src.dates, src.policy);
  const candidates: { what: string; at: number }[] = [
    { what: 'expiration', at: expiresAt },
    { what: 'late window closes', at: lateWindowClosesAt },
    // A pending application holds the lapse until it is decided.
    ...(liveApplication(src) ? [] : [{ what: 'lapse', at: lapsesAt }]),
  ];
  const audit = src.facts.audit;
  if (audit?.state === 'AwaitingDocuments') {
    candidates.push({ what: `audit documents due (${audit.auditId})`, at: audit.deadlineAt });
  }
  const future = candidates.filter((c) => c.at > now).sort((a, b) => a.at - b.at);
  return future[0] ?? null;
}

export function summarize(src: ViewSource, today: CalendarDate): string {
  const { dates } = src;
  if (src.closed?.phase === 'Revoked') return `Revoked ${src.closed.on} — ${src.closed.reason}`;
  const application = src.facts.application;
  const parts: string[] = [];
  const pendingPastLapse = liveApplication(src) && windowOn(dates, today) === 'lapsed';
  parts.push(
    pendingPastLapse
      ? `Expired ${dates.expiration} — application received before the lapse date (${dates.lapseDate}) awaits its decision`
      : describeWindow(dates, effectivePolicy(src.policy, src.versions, today), today),
  );
  const balance = balanceOf(src, today);
  parts.push(
    requirementMet(src, today)
      ? 'CEU requirement met'
      : `${formatCeu(balance.earned)} of ${formatCeu(balance.required)} CEUs`,
  );
  if (application?.status === 'pending') {
    parts.push(`application ${application.applicationId} received ${application.receivedOn} pending`);
  } else if (application) {
    parts.push(
      `application ${application.applicationId} ${application.status} ${application.decidedOn ?? ''}`.trim(),
    );
  }
  const audit = src.facts.audit;
  if (audit?.state === 'AwaitingDocuments') parts.push(`audit documents due by ${audit.documentsDueOn}`);
  else if (audit?.state === 'UnderReview') parts.push(`audit documents under review`);
  else if (audit) parts.push(`audit ${audit.state.toLowerCase()}`);
  const pendingPetitions = src.facts.petitions.filter((p) => p.status === 'pending').length;
  if (pendingPetitions > 0) parts.push(`${pendingPetitions} petition(s) pending`);
  return parts.join('; ');
}

export function credentialView(src: ViewSource, now: number): CredentialView {
  const { dates, policy } = src;
  const today = dateAt(now, policy.timeZone);
  const deadline = nextDeadline(src, now);
  const balance = balanceOf(src, today);
  const application = src.facts.application;
  const audit = src.facts.audit;
  return {
    credentialNumber: src.credentialNumber,
    policyId: policy.id,
    policyVersion: policy.version,
    certifiedOn: src.certifiedOn,
    cycle: src.cycle,
    phase: phaseOf(src, today),
    today,
    dates,
    lastApplicationDay: lastApplicationDay(dates),
    nextDeadline: deadline ? { what: deadline.what, at: new Date(deadline.at).toISOString() } : null,
    ceus: balance,
    requirementMet: requirementMet(src, today),
    completions: src.facts.completions,
    cprAed: src.facts.cprAed,
    petitions: src.facts.petitions,
    application: application
      ? {
          applicationId: application.applicationId,
          receivedOn: application.receivedOn,
          paymentReference: application.paymentReference,
          amountPaid: application.amountPaid,
          fee: application.fee,
          status: application.status,
          auditSelected: application.auditSelected,
          decidedOn: application.decidedOn,
          reason: application.reason,
        }
      : null,
    audit: audit
      ? {
          auditId: audit.auditId,
          applicationId: audit.applicationId,
          state: audit.state,
          selectedOn: audit.selectedOn,
          documentsDueOn: audit.documentsDueOn,
          documents: audit.documents,
          decidedOn: audit.decidedOn,
          reason: audit.reason,
        }
      : null,
    auditState: audit?.state ?? 'None',
    feeQuote: quoteFee(dates, effectivePolicy(policy, src.versions, today), today),
    summary: summarize(src, today),
    remindersSent: src.facts.remindersSent,
  };
}

/**
 * The search attributes (NextDeadline null: unset). ExpirationDate is the start of E in the
 * policy's zone, so its date reads as E there.
 */
export function searchAttributesOf(src: ViewSource, now: number): SearchAttributeUpdatePair[] {
  const today = dateAt(now, src.policy.timeZone);
  const deadline = nextDeadline(src, now);
  return [
    { key: CredentialPhase, value: phaseOf(src, today) },
    { key: ExpirationDate, value: new Date(startOfDay(src.dates.expiration, src.policy.timeZone)) },
    { key: NextDeadline, value: deadline ? new Date(deadline.at) : null },
    { key: CeuRequirementMet, value: requirementMet(src, today) },
    { key: AuditState, value: src.facts.audit?.state ?? 'None' },
    { key: PolicyId, value: src.policy.id },
  ];
}
