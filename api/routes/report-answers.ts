import type { ReportKind, ReportOutcomeRecord } from '../../db/types';
import type { Actor } from '../../workflows/contract';
import type { RouteResult, Services } from '../registry';
import type { ReportNovelty } from '../report-checks';

// The synchronous answer to a report: what is known when it arrives. Whether it counts is the
// workflow's decision, read afterwards at `status` or in the outcomes feed.

export const REPORT_RESPONSES = {
  202:
    'Accepted: { credentialNumber, accepted: true, duplicate, status, outcome }. duplicate: true means ' +
    'the same facts were already recorded and nothing changed; outcome is then the recorded outcome when ' +
    'your key reported it (else null). Whether a new report counts: GET `status` (also the Location ' +
    'header) or the feed GET /report-outcomes.',
  400: 'Invalid: details names each field and what to fix (units, dates, text, dated after today, expiry before issue).',
  404: 'No such credential.',
  409:
    'A correction (same id, other facts): the message shows the recorded and the reported version; the ' +
    'first report stands, report the right facts under a new id. Or the credential is closed.',
} as const;

/** An outcome as a reporter reads it (the projection's event key is internal). */
export function toAnswer({ eventKey: _eventKey, ...outcome }: ReportOutcomeRecord) {
  return { ...outcome, counts: outcome.outcome === 'counted' };
}

/** What a report identifies: where its outcome is read, and its key in report_outcomes. */
export interface ReportRef {
  readonly number: string;
  readonly kind: ReportKind;
  readonly source: string;
  readonly externalId: string;
  readonly status: string;
}

export async function reportAnswer(
  services: Services,
  actor: Actor,
  ref: ReportRef,
  novelty: ReportNovelty,
): Promise<RouteResult> {
  const known =
    novelty === 'duplicate'
      ? await services.repository.reportOutcome(ref.number, ref.kind, ref.source, ref.externalId)
      : null;
  const outcome = known && known.reportedBy.id === actor.id ? toAnswer(known) : null;
  return {
    status: 202,
    headers: { Location: ref.status },
    body: {
      credentialNumber: ref.number,
      accepted: true,
      duplicate: novelty === 'duplicate',
      status: ref.status,
      outcome,
    },
  };
}
