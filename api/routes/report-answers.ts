import type { RouteResult } from '../registry';
import type { ReportNovelty } from '../report-checks';

// The synchronous answer to a report: what is known when it arrives. Whether it counts is the
// workflow's decision, read afterwards at `status` or in the outcomes feed.

export const REPORT_RESPONSES = {
  202:
    'Accepted: { credentialNumber, accepted: true, duplicate, status }. duplicate: true means the same ' +
    'facts were already recorded and nothing changed. Whether the report counts: GET `status` (also the ' +
    'Location header) or the feed GET /report-outcomes.',
  400: 'Invalid: details names each field and what to fix (units, dates, text, dated after today, expiry before issue).',
  404: 'No such credential.',
  409:
    'A correction (same id, other facts): the message shows the recorded and the reported version; the ' +
    'first report stands, report the right facts under a new id. Or the credential is closed.',
} as const;

export function reportAnswer(number: string, novelty: ReportNovelty, status: string): RouteResult {
  return {
    status: 202,
    headers: { Location: status },
    body: { credentialNumber: number, accepted: true, duplicate: novelty === 'duplicate', status },
  };
}
