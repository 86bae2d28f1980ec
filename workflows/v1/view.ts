import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  dateAt,
  describeWindow,
  formatCeu,
  lastApplicationDay,
  quoteFee,
  startOfDay,
  windowOn,
  type CalendarDate,
} from '../../rules';
import type { CredentialView } from '../contract';
import {
  AuditState,
  CeusEarned,
  CredentialPhase,
  ExpirationDate,
  NextDeadline,
  PolicyId,
} from '../search-attributes';
import { balanceOn, hasLiveApplication, phaseOn, type CycleState } from './state';

// What ops and the portal see: the query's view, the UI's current details and search attributes.

/** The next deadline the workflow acts on by itself (reminders excluded: they are not deadlines). */
export function nextDeadline(state: CycleState, now: number): { what: string; at: number } | null {
  if (state.closed) return null;
  const { expiresAt, lateWindowClosesAt, lapsesAt } = state.bounds;
  const candidates: { what: string; at: number }[] = [
    { what: 'expiration', at: expiresAt },
    { what: 'late window closes', at: lateWindowClosesAt },
    // A pending application holds the lapse until it is decided.
    ...(hasLiveApplication(state) ? [] : [{ what: 'lapse', at: lapsesAt }]),
  ];
  const audit = state.audit;
  if (audit?.state === 'AwaitingDocuments') {
    candidates.push({ what: `audit documents due (${audit.auditId})`, at: audit.deadlineAt });
  }
  const future = candidates.filter((c) => c.at > now).sort((a, b) => a.at - b.at);
  return future[0] ?? null;
}

export function summarize(state: CycleState, today: CalendarDate): string {
  const { dates, policy } = state;
  if (state.closed?.phase === 'Revoked') return `Revoked ${state.closed.on} — ${state.closed.reason}`;
  const application = state.application;
  const parts: string[] = [];
  const pendingPastLapse =
    hasLiveApplication(state) && phaseOn(state, today) !== 'Lapsed' && windowOn(dates, today) === 'lapsed';
  parts.push(
    pendingPastLapse
      ? `Expired ${dates.expiration} — application received before the lapse date (${dates.lapseDate}) awaits its decision`
      : describeWindow(dates, policy, today),
  );
  if (application?.status === 'pending') {
    parts.push(`application ${application.applicationId} received ${application.receivedOn} pending`);
  } else if (application) {
    parts.push(
      `application ${application.applicationId} ${application.status} ${application.decidedOn ?? ''}`.trim(),
    );
  }
  const audit = state.audit;
  if (audit?.state === 'AwaitingDocuments') parts.push(`audit documents due by ${audit.documentsDueOn}`);
  else if (audit?.state === 'UnderReview') parts.push(`audit documents under review`);
  else if (audit) parts.push(`audit ${audit.state.toLowerCase()}`);
  const pendingPetitions = state.petitions.filter((p) => p.status === 'pending').length;
  if (pendingPetitions > 0) parts.push(`${pendingPetitions} petition(s) pending`);
  return parts.join('; ');
}

export function buildView(state: CycleState, now: number): CredentialView {
  const { input, dates, policy } = state;
  const today = dateAt(now, policy.timeZone);
  const deadline = nextDeadline(state, now);
  const balance = balanceOn(state, today);
  const { consumes: _consumes, ...application } = state.application ?? { consumes: [] };
  const audit = state.audit;
  return {
    credentialNumber: input.credentialNumber,
    policyId: policy.id,
    certifiedOn: input.certifiedOn,
    cycle: input.cycle,
    phase: phaseOn(state, today),
    today,
    dates,
    lastApplicationDay: lastApplicationDay(dates),
    nextDeadline: deadline ? { what: deadline.what, at: new Date(deadline.at).toISOString() } : null,
    ceus: balance,
    completions: state.completions,
    cprAed: state.cprAed,
    petitions: state.petitions,
    application: state.application ? (application as CredentialView['application']) : null,
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
    feeQuote: quoteFee(dates, policy, today),
    summary: summarize(state, today),
    remindersSent: state.remindersSent,
  };
}

/** ExpirationDate is the start of E in the policy's zone, so its date reads as E there. */
export function searchAttributes(state: CycleState, now: number): SearchAttributeUpdatePair[] {
  const today = dateAt(now, state.policy.timeZone);
  const deadline = nextDeadline(state, now);
  return [
    { key: CredentialPhase, value: phaseOn(state, today) },
    { key: ExpirationDate, value: new Date(startOfDay(state.dates.expiration, state.policy.timeZone)) },
    { key: NextDeadline, value: deadline ? new Date(deadline.at) : null },
    { key: CeusEarned, value: Number(formatCeu(balanceOn(state, today).earned)) },
    { key: AuditState, value: state.audit?.state ?? 'None' },
    { key: PolicyId, value: state.policy.id },
  ];
}
