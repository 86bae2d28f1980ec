import type { CredentialSummary } from '../../db/types';
import { cycleDates, lastApplicationDay } from '../../rules/cycle';
import { getPolicy } from '../../rules/policies';
import type { CalendarDate } from '../../rules/types';
import type { CredentialView, Phase } from '../../workflows/contract';
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
  description: 'Rate-limited per client IP: 30 lookups a minute, then 429 with Retry-After.',
  access: 'public',
  rateLimited: true,
  params: CredentialParams,
  responses: {
    200: '{ credentialNumber, certification, status, statusText, validFrom, expiresOn, renewableUntil }.',
    404: 'No such credential.',
    429: 'Too many lookups from this client: see Retry-After.',
  },
  async handler({ params, services: { workflows, repository } }) {
    let standing: Standing;
    try {
      standing = fromView(await workflows.state(params.number));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
      const summary = await repository.findCredential(params.number);
      if (!summary) throw err;
      standing = fromSummary(summary);
    }
    const expired = standing.phase === 'ExpiredLate' || standing.phase === 'ExpiredReinstatement';
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store' },
      body: {
        credentialNumber: standing.credentialNumber,
        certification: getPolicy(standing.policyId).name,
        status: STATUS[standing.phase],
        statusText: statusText(standing),
        validFrom: standing.cycleStart,
        expiresOn: standing.expiresOn,
        renewableUntil: expired ? standing.lastApplicationDay : null,
      },
    };
  },
});
