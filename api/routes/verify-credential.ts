import type { CredentialSummary } from '../../db/types';
import { cycleDates, lastApplicationDay } from '../../rules/cycle';
import { getPolicy } from '../../rules/policies';
import type { CalendarDate } from '../../rules/types';
import type { CredentialView, Phase } from '../../workflows/contract';
import { type AbnormalClose, abnormalClose, abnormalText } from '../credential-reads';
import { AppError } from '../errors';
import { defineRoute } from '../registry';
import { CredentialParams } from '../schemas/credentials';

interface Standing {
  readonly credentialNumber: string;
  readonly policyId: string;
  readonly phase: Phase;
  readonly cycleStart: CalendarDate;
  readonly expiresOn: CalendarDate;
  readonly lapsesOn: CalendarDate;
  readonly lastApplicationDay: CalendarDate;
  readonly renewalPending: boolean;
}

const STATUS: Record<Phase, 'active' | 'expired' | 'lapsed' | 'revoked'> = {
  Active: 'active',
  ExpiredLate: 'expired',
  ExpiredReinstatement: 'expired',
  Lapsed: 'lapsed',
  Revoked: 'revoked',
};

/** Honest words: an expired credential that can still be renewed is not "active". */
function statusText(s: Standing): string {
  switch (s.phase) {
    case 'Active':
      return `active — valid through ${s.expiresOn}`;
    case 'ExpiredLate':
    case 'ExpiredReinstatement':
      return s.renewalPending
        ? `expired on ${s.expiresOn} — renewal application under review`
        : `expired on ${s.expiresOn} — renewable until ${s.lastApplicationDay}`;
    case 'Lapsed':
      return `lapsed on ${s.lapsesOn} — no longer renewable`;
    case 'Revoked':
      return 'revoked';
  }
}

function fromView(view: CredentialView): Standing {
  return {
    credentialNumber: view.credentialNumber,
    policyId: view.policyId,
    phase: view.phase,
    cycleStart: view.dates.start,
    expiresOn: view.dates.expiration,
    lapsesOn: view.dates.lapseDate,
    lastApplicationDay: view.lastApplicationDay,
    renewalPending: view.application?.status === 'pending',
  };
}

/** A closed workflow may be gone from Temporal after retention; its last projection still answers. */
function fromSummary(summary: CredentialSummary): Standing {
  const dates = cycleDates(summary.cycleStart, getPolicy(summary.policyId), summary.cycle);
  return {
    credentialNumber: summary.number,
    policyId: summary.policyId,
    phase: summary.phase,
    cycleStart: summary.cycleStart,
    expiresOn: summary.expiresOn,
    lapsesOn: summary.lapsesOn,
    lastApplicationDay: lastApplicationDay(dates),
    renewalPending: false,
  };
}

export const verifyCredentialRoute = defineRoute({
  operationId: 'verifyCredential',
  method: 'get',
  path: '/verify/:number',
  tag: 'public',
  summary: 'Public verification: is this credential current? No personal data.',
  description:
    "Answered from PostgreSQL (the projection and the run's snapshot), without the worker. `status` is " +
    "`unknown` when the credential's workflow closed abnormally (terminated, failed): contact support. " +
    'Rate-limited per client IP: 30 lookups a minute, then 429 with Retry-After.',
  access: 'public',
  rateLimited: true,
  params: CredentialParams,
  responses: {
    200: '{ credentialNumber, certification, status (active, expired, lapsed, revoked, unknown), statusText, validFrom, expiresOn, renewableUntil }.',
    404: 'No such credential.',
    429: 'Too many lookups from this client: see Retry-After.',
    503: 'The database is unavailable: see Retry-After.',
  },
  async handler({ params, services: { reads, repository } }) {
    let standing: Standing;
    let certification: string;
    let abnormal: AbnormalClose | null = null;
    try {
      const answer = await reads.answer(params.number);
      standing = fromView(answer.view);
      certification = answer.policy.name;
      abnormal = answer.abnormal;
    } catch (err) {
      // A first-release run asked by query: gone from Temporal after retention, or its worker down.
      // Its last projection still answers.
      if (!(err instanceof AppError) || (err.code !== 'not_found' && err.code !== 'unavailable')) throw err;
      const summary = await repository.findCredential(params.number);
      if (!summary) throw err;
      standing = fromSummary(summary);
      certification = getPolicy(summary.policyId).name;
      abnormal = summary.workflowStatus ? abnormalClose(summary.workflowStatus) : null;
    }
    const expired = standing.phase === 'ExpiredLate' || standing.phase === 'ExpiredReinstatement';
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store' },
      body: {
        credentialNumber: standing.credentialNumber,
        certification,
        // A workflow that closed abnormally: its last known state is not vouched for.
        status: abnormal ? 'unknown' : STATUS[standing.phase],
        statusText: abnormal ? abnormalText(abnormal) : statusText(standing),
        validFrom: standing.cycleStart,
        expiresOn: standing.expiresOn,
        renewableUntil: expired && !abnormal ? standing.lastApplicationDay : null,
      },
    };
  },
});
