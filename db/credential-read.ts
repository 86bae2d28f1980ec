import type { CalendarDate, Policy } from '../rules/types';
import type { AuditStateName, CycleSnapshot, Phase } from '../workflows/contract';
import { summaryFromRow, type SummaryRow } from './queries';
import type { SqlPool } from './sql-pool';
import type { CredentialRecords, CredentialSummary, Holder, WorkflowStatus } from './types';

// A credential read in one SQL statement (issue 11: at most 3 per read, tuples bounded by the
// credential's own rows): the row, the run's snapshot, its policy's versions, how a closed run
// ended, and optionally the holder and every record. The API builds the workflow's own view from it
// (workflows/view.ts), so the answer does not need the worker.

export interface CredentialRead {
  readonly number: string;
  readonly policyId: string;
  /** The version the current cycle is pinned to. */
  readonly policyVersion: number;
  readonly certifiedOn: CalendarDate;
  readonly cycle: number;
  readonly dates: {
    readonly start: CalendarDate;
    readonly expiration: CalendarDate;
    readonly lateWindowEnd: CalendarDate;
    readonly courseCutoff: CalendarDate;
    readonly lapseDate: CalendarDate;
  };
  readonly phase: Phase;
  readonly auditState: AuditStateName;
  readonly ceusEarned: number;
  readonly workflowStatus: WorkflowStatus;
  /** The run's state after its latest batch (null for first-release runs). */
  readonly snapshot: CycleSnapshot | null;
  /** Every version of the credential's policy, ordered by version. */
  readonly versions: readonly Policy[];
  /** The event that closed the run (lapsed, revoked), when the phase is final. */
  readonly closing: {
    readonly type: 'lapsed' | 'revoked';
    readonly reason: string | null;
    readonly at: string;
  } | null;
  readonly updatedAt: string;
  /** The row as the list shows it. */
  readonly summary: CredentialSummary;
  /** With `{ records: true }`. */
  readonly holder?: Holder | null;
  readonly records?: Omit<CredentialRecords, 'credential'>;
}

const RECORDS = `
  (SELECT json_build_object('name', h.name, 'email', h.email) FROM holders h WHERE h.credential_number = c.number) AS holder,
  json_build_object(
    'ceuRecords', COALESCE((SELECT json_agg(json_build_object('provider', r.provider, 'completionId', r.completion_id,
        'course', r.course, 'units', r.units, 'completedOn', r.completed_on, 'approved', r.approved, 'cycle', r.cycle)
        ORDER BY r.completed_on, r.id) FROM ceu_records r WHERE r.credential_number = c.number), '[]'),
    'cprAed', COALESCE((SELECT json_agg(json_build_object('certificationId', x.certification_id, 'issuedOn', x.issued_on,
        'expiresOn', x.expires_on, 'handsOn', x.hands_on) ORDER BY x.id)
        FROM cpr_aed_certifications x WHERE x.credential_number = c.number), '[]'),
    'petitions', COALESCE((SELECT json_agg(json_build_object('petitionId', p.petition_id, 'course', p.course,
        'status', p.status, 'requestedUnits', p.requested_units, 'grantedUnits', p.granted_units) ORDER BY p.id)
        FROM petitions p WHERE p.credential_number = c.number), '[]'),
    'applications', COALESCE((SELECT json_agg(json_build_object('applicationId', a.application_id,
        'receivedOn', a.received_on, 'status', a.status, 'amountPaid', a.amount_paid, 'feeTotal', a.fee_total,
        'paymentReference', a.payment_reference, 'feeLines', a.fee_lines) ORDER BY a.id)
        FROM applications a WHERE a.credential_number = c.number), '[]'),
    'audits', COALESCE((SELECT json_agg(json_build_object('auditId', u.audit_id, 'applicationId', u.application_id,
        'state', u.state, 'documentsDueOn', u.documents_due_on,
        'documents', COALESCE((SELECT json_agg(json_build_object('reference', d.reference, 'description', d.description)
            ORDER BY d.id) FROM audit_documents d WHERE d.audit_row_id = u.id), '[]')) ORDER BY u.id)
        FROM audits u WHERE u.credential_number = c.number), '[]'),
    'ledger', COALESCE((SELECT json_agg(json_build_object('code', l.code, 'amount', l.amount, 'reference', l.source,
        'on', l.charged_on, 'label', l.label, 'paymentReference', l.payment_reference) ORDER BY l.id)
        FROM fee_ledger l WHERE l.credential_number = c.number), '[]'),
    'remindersSent', COALESCE((SELECT json_agg(json_build_object('key', m.key, 'kind', m.kind, 'on', m.due_on)
        ORDER BY m.due_at, m.id) FROM reminders_sent m WHERE m.credential_number = c.number), '[]')
  ) AS records,`;

interface Row extends SummaryRow {
  policy_version: number;
  course_cutoff: CalendarDate;
  snapshot: CycleSnapshot | null;
  versions: Policy[] | null;
  closing: CredentialRead['closing'];
  holder?: Holder | null;
  records?: Omit<CredentialRecords, 'credential'>;
}

/** One statement; null when the credential has no row yet (its first event is not recorded). */
export async function readCredential(
  pool: SqlPool,
  number: string,
  { records = false }: { records?: boolean } = {},
): Promise<CredentialRead | null> {
  const { rows } = await pool.query<Row>(
    `SELECT c.number, c.policy_id, c.policy_version, c.certified_on::text, c.cycle, c.cycle_start::text,
            c.expires_on::text, c.late_window_ends_on::text, c.course_cutoff::text, c.lapses_on::text,
            c.phase, c.audit_state, c.ceus_earned, c.workflow_status, c.snapshot, c.updated_at,
            ${records ? RECORDS : ''}
            (SELECT json_agg(v.rules ORDER BY v.version) FROM policy_versions v WHERE v.policy_id = c.policy_id) AS versions,
            CASE WHEN c.phase IN ('Lapsed', 'Revoked') THEN
              (SELECT json_build_object('type', e.type, 'reason', e.reason, 'at', e.occurred_at)
                 FROM credential_events e
                WHERE e.credential_number = c.number AND e.type IN ('lapsed', 'revoked') AND e.outcome = 'accepted'
                ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1)
            END AS closing
       FROM credentials c WHERE c.number = $1`,
    [number],
  );
  const row = rows[0];
  if (!row) return null;
  const updatedAt = row.updated_at.toISOString();
  return {
    number: row.number,
    policyId: row.policy_id,
    policyVersion: row.policy_version,
    certifiedOn: row.certified_on,
    cycle: row.cycle,
    dates: {
      start: row.cycle_start,
      expiration: row.expires_on,
      lateWindowEnd: row.late_window_ends_on,
      courseCutoff: row.course_cutoff,
      lapseDate: row.lapses_on,
    },
    phase: row.phase,
    auditState: row.audit_state,
    ceusEarned: row.ceus_earned,
    workflowStatus: row.workflow_status,
    snapshot: row.snapshot,
    versions: row.versions ?? [],
    closing: row.closing,
    updatedAt,
    summary: summaryFromRow(row),
    ...(records ? { holder: row.holder ?? null, records: row.records } : {}),
  };
}
