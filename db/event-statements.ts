import { describeStanding } from '../rules/reports';
import type { CycleSnapshot, Phase } from '../workflows/contract';
import type { CredentialEvent, CredentialEventType } from '../workflows/events';
import { checkInt, mayBeUnstorable, Params, storable } from './guard';

// One event = one SQL statement: a data-modifying CTE that inserts the event row (ON CONFLICT DO
// NOTHING on its key) and, only if that row was inserted, the projection rows and the credential's
// columns. Every row is reached by its unique key: the tuples a statement touches do not depend on
// how many credentials or facts there are. The last statement of a batch also stores the batch's
// snapshot and phase. See ARCHITECTURE.md, "The database is a projection".

type EventOf<T extends CredentialEventType> = Extract<CredentialEvent, { type: T }>;

/** What the last statement of a batch also writes. */
export interface BatchTail {
  readonly cycle: number;
  readonly snapshot?: CycleSnapshot;
  readonly phase?: Phase;
  /** An earlier statement of the batch inserted its event: the tail applies even if this one is a repeat. */
  readonly anyEarlierWritten: boolean;
}

export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/** The row every event statement returns. */
export interface EventStatementRow {
  readonly inserted: boolean;
  /** The first row the event refers to that does not exist (its event was parked): nothing was written. */
  readonly missing: string | null;
}

/** One column of the credential row, set when `when` holds (the first matching assignment wins). */
interface Assignment {
  readonly column: string;
  readonly when: string;
  readonly value: string;
}

const INSERTED = 'e.inserted';

class EventStatement {
  readonly p = new Params();
  readonly ctes: string[] = [];
  readonly assignments: Assignment[] = [];
  /** Rows the event refers to: the event is written only when they all exist. */
  readonly refs: { readonly name: string; readonly exists: string }[] = [];
  /** The credential's cycle once this statement's own change applies (renewal moves it). */
  cycleAfter = 'c.cycle';
  readonly number: string;
  readonly cycle: string;
  readonly at: string;
  readonly key: string;

  constructor(readonly event: CredentialEvent) {
    this.key = this.p.text(event.key, 'key');
    this.number = this.p.text(event.credentialNumber, 'credentialNumber');
    this.cycle = this.p.int(event.cycle, 'cycle');
    this.at = this.p.instant(event.at, 'at');
  }

  /** Guard for a column of the current cycle: an event of an older cycle never moves the row back. */
  get current(): string {
    return `${INSERTED} AND c.cycle <= ${this.cycle}`;
  }

  needsCredential(): void {
    this.refs.push({
      name: 'credential',
      exists: `EXISTS (SELECT 1 FROM credentials WHERE number = ${this.number})`,
    });
  }

  needs(name: string, table: string, column: string, id: string): void {
    this.refs.push({
      name,
      exists: `EXISTS (SELECT 1 FROM ${table} WHERE credential_number = ${this.number} AND ${column} = ${id})`,
    });
  }

  set(column: string, value: string, when = this.current): void {
    this.assignments.push({ column, value, when });
  }

  cte(name: string, sql: string): void {
    this.ctes.push(`${name} AS (${sql})`);
  }

  /** Today's balance, as the workflow computed it after this event (when it says). */
  ceusEarned(fallback?: number): void {
    if (this.assignments.some((a) => a.column === 'ceus_earned')) return;
    const earned = this.event.ceusEarned ?? fallback;
    if (earned !== undefined) this.set('ceus_earned', this.p.int(earned, 'ceusEarned'));
  }
}

/** The calendar day of the event in the credential's policy zone (the version it runs under). */
function eventDay(s: EventStatement): string {
  return `(${s.at} AT TIME ZONE COALESCE((
      SELECT pv.rules->>'timeZone' FROM policy_versions pv JOIN credentials cr ON cr.policy_id = pv.policy_id
       WHERE cr.number = ${s.number} AND pv.version <= cr.policy_version
       ORDER BY pv.version DESC LIMIT 1), 'UTC'))::date`;
}

function reportOutcome(
  s: EventStatement,
  kind: 'ceu' | 'cpr_aed',
  source: string,
  externalId: string,
  outcome: 'counted' | 'not_counted' | 'refused',
  reasonCode: string | null,
  message: string | null,
): void {
  const p = s.p;
  // A refusal (e.g. a correction) never hides how the fact first reported stands: the first report stands.
  const keepStanding = outcome === 'refused' ? `WHERE report_outcomes.outcome = 'refused'` : '';
  s.cte(
    'outcome',
    `INSERT INTO report_outcomes (credential_number, kind, source, external_id, outcome, reason_code, message,
                                  reported_by_kind, reported_by_id, event_key, updated_at)
     SELECT ${s.number}, ${p.raw(kind, 'text')}::"ReportKind", ${p.text(source, 'report.source')},
            ${p.text(externalId, 'report.id')}, ${p.raw(outcome, 'text')}::"ReportOutcomeValue",
            ${p.textOrNull(reasonCode, 'report.reason')}, ${p.textOrNull(message, 'report.message')},
            ${p.text(s.event.actor.kind, 'actor.kind')}::"ActorKind", ${p.text(s.event.actor.id, 'actor.id')},
            ${s.key}, now()
      WHERE EXISTS (SELECT 1 FROM ev)
     ON CONFLICT (credential_number, kind, source, external_id) DO UPDATE
        SET outcome = EXCLUDED.outcome, reason_code = EXCLUDED.reason_code, message = EXCLUDED.message,
            reported_by_kind = EXCLUDED.reported_by_kind, reported_by_id = EXCLUDED.reported_by_id,
            event_key = EXCLUDED.event_key, updated_at = EXCLUDED.updated_at,
            seq = nextval('report_outcomes_seq_seq')
      ${keepStanding}`,
  );
}

type Projector<E> = (s: EventStatement, event: E) => void;

const PROJECTORS: { readonly [T in CredentialEventType]: Projector<EventOf<T>> } = {
  // Written by the statement's credential upsert (see startCycle).
  cycle_started: () => undefined,

  phase_changed(s, e) {
    s.needsCredential();
    s.set('phase', `${s.p.text(e.to, 'to')}::"Phase"`);
  },

  ceu_completion_reported(s, e) {
    const { p } = s;
    const c = e.completion;
    s.needsCredential();
    const provider = p.text(c.provider, 'completion.provider');
    const completionId = p.text(c.completionId, 'completion.completionId');
    s.cte(
      'rec',
      `INSERT INTO ceu_records (credential_number, cycle, provider, completion_id, course, units, completed_on,
                                approved, reported_at)
       SELECT ${s.number}, ${s.cycle}, ${provider}, ${completionId}, ${p.text(c.course, 'completion.course')},
              ${p.int(c.units, 'completion.units')}, ${p.date(c.completedOn, 'completion.completedOn')},
              ${p.bool(c.approved, 'completion.approved')}, ${s.at}
        WHERE EXISTS (SELECT 1 FROM ev)
       ON CONFLICT (credential_number, provider, completion_id) DO NOTHING`,
    );
    if (e.standing) {
      const counted = e.standing.counted;
      const reason = e.standing.counted ? null : e.standing.reason;
      reportOutcome(
        s,
        'ceu',
        c.provider,
        c.completionId,
        counted ? 'counted' : 'not_counted',
        reason,
        describeStanding(reason),
      );
    }
  },

  cpr_aed_reported(s, e) {
    const { p } = s;
    const c = e.certification;
    s.needsCredential();
    s.cte(
      'cpr',
      `INSERT INTO cpr_aed_certifications (credential_number, cycle, certification_id, issued_on, expires_on,
                                           hands_on, reported_at)
       SELECT ${s.number}, ${s.cycle}, ${p.text(c.certificationId, 'certification.certificationId')},
              ${p.date(c.issuedOn, 'certification.issuedOn')}, ${p.date(c.expiresOn, 'certification.expiresOn')},
              ${p.bool(c.handsOn, 'certification.handsOn')}, ${s.at}
        WHERE EXISTS (SELECT 1 FROM ev)
       ON CONFLICT (credential_number, certification_id) DO NOTHING`,
    );
    if (e.standing) {
      const reason = e.standing.counted ? null : e.standing.reason;
      reportOutcome(
        s,
        'cpr_aed',
        'cpr',
        c.certificationId,
        reason === null ? 'counted' : 'not_counted',
        reason,
        describeStanding(reason),
      );
    }
  },

  petition_filed(s, e) {
    const { p } = s;
    const pt = e.petition;
    s.needsCredential();
    const petitionId = p.text(pt.petitionId, 'petition.petitionId');
    const paymentReference = p.text(pt.paymentReference, 'petition.paymentReference');
    const filedOn = p.date(pt.filedOn, 'petition.filedOn');
    s.cte(
      'petition',
      `INSERT INTO petitions (credential_number, cycle, petition_id, course, provider, requested_units, completed_on,
                              fee_amount, amount_paid, payment_reference, filed_on, status, granted_units, reason,
                              decided_on)
       SELECT ${s.number}, ${s.cycle}, ${petitionId}, ${p.text(pt.course, 'petition.course')},
              ${p.textOrNull(pt.provider, 'petition.provider')}, ${p.int(pt.requestedUnits, 'petition.requestedUnits')},
              ${p.date(pt.completedOn, 'petition.completedOn')}, ${p.int(pt.fee.amount, 'petition.fee.amount')},
              ${p.int(e.amountPaid, 'amountPaid')}, ${paymentReference}, ${filedOn},
              ${p.text(pt.status, 'petition.status')}::"DecisionStatus", ${p.intOrNull(pt.grantedUnits, 'petition.grantedUnits')},
              ${p.textOrNull(pt.reason, 'petition.reason')}, ${p.dateOrNull(pt.decidedOn, 'petition.decidedOn')}
        WHERE EXISTS (SELECT 1 FROM ev)
       ON CONFLICT (credential_number, petition_id) DO NOTHING`,
    );
    // The petition fee is charged when filed and stays paid whatever the decision.
    s.cte(
      'fee',
      `INSERT INTO fee_ledger (credential_number, cycle, source, code, label, amount, payment_reference, charged_on)
       SELECT ${s.number}, ${s.cycle}, 'petition:' || ${petitionId}, ${p.text(pt.fee.code, 'petition.fee.code')}::"FeeCode",
              ${p.text(pt.fee.label, 'petition.fee.label')}, ${p.int(pt.fee.amount, 'petition.fee.amount')},
              ${paymentReference}, ${filedOn}
        WHERE EXISTS (SELECT 1 FROM ev)
       ON CONFLICT (credential_number, source, code) DO NOTHING`,
    );
  },

  petition_decided(s, e) {
    const { p } = s;
    const pt = e.petition;
    const petitionId = p.text(pt.petitionId, 'petition.petitionId');
    s.needs(`petition ${pt.petitionId}`, 'petitions', 'petition_id', petitionId);
    s.cte(
      'petition',
      `UPDATE petitions
          SET status = ${p.text(pt.status, 'petition.status')}::"DecisionStatus",
              granted_units = ${p.intOrNull(pt.grantedUnits, 'petition.grantedUnits')},
              reason = ${p.textOrNull(pt.reason, 'petition.reason')},
              decided_on = ${p.dateOrNull(pt.decidedOn, 'petition.decidedOn')}
        WHERE credential_number = ${s.number} AND petition_id = ${petitionId} AND EXISTS (SELECT 1 FROM ev)`,
    );
  },

  application_received(s, e) {
    const { p } = s;
    s.needsCredential();
    s.cte(
      'application',
      `INSERT INTO applications (credential_number, cycle, application_id, received_on, payment_reference, amount_paid,
                                 fee_window, fee_lines, fee_total, status, balance)
       SELECT ${s.number}, ${s.cycle}, ${p.text(e.applicationId, 'applicationId')}, ${p.date(e.receivedOn, 'receivedOn')},
              ${p.text(e.paymentReference, 'paymentReference')}, ${p.int(e.amountPaid, 'amountPaid')},
              ${p.text(e.fee.window, 'fee.window')}, ${p.json(e.fee.lines, 'fee.lines')}, ${p.int(e.fee.total, 'fee.total')},
              'pending', ${p.json(e.balance, 'balance')}
        WHERE EXISTS (SELECT 1 FROM ev)
       ON CONFLICT (credential_number, application_id) DO NOTHING`,
    );
    // The workflow's own balance on receipt is authoritative for that day.
    s.ceusEarned(e.balance.earned);
  },

  audit_selected(s, e) {
    const { p } = s;
    const applicationId = p.text(e.applicationId, 'applicationId');
    const draw = p.int(e.draw, 'draw');
    s.needs(`application ${e.applicationId}`, 'applications', 'application_id', applicationId);
    s.cte(
      'audit',
      `INSERT INTO audits (credential_number, cycle, audit_id, application_id, state, selected_on, documents_due_on,
                           draw, forced)
       SELECT ${s.number}, ${s.cycle}, ${p.text(e.auditId, 'auditId')}, ${applicationId}, 'AwaitingDocuments',
              ${p.date(e.selectedOn, 'selectedOn')}, ${p.date(e.documentsDueOn, 'documentsDueOn')}, ${draw},
              ${p.bool(e.forced, 'forced')}
        WHERE EXISTS (SELECT 1 FROM ev)
       ON CONFLICT (credential_number, audit_id) DO NOTHING`,
    );
    s.cte(
      'application',
      `UPDATE applications SET audit_selected = true, audit_draw = ${draw}
        WHERE credential_number = ${s.number} AND application_id = ${applicationId} AND EXISTS (SELECT 1 FROM ev)`,
    );
    s.set('audit_state', `'AwaitingDocuments'`);
  },

  audit_not_selected(s, e) {
    const applicationId = s.p.text(e.applicationId, 'applicationId');
    s.needs(`application ${e.applicationId}`, 'applications', 'application_id', applicationId);
    s.cte(
      'application',
      `UPDATE applications SET audit_selected = false, audit_draw = ${s.p.int(e.draw, 'draw')}
        WHERE credential_number = ${s.number} AND application_id = ${applicationId} AND EXISTS (SELECT 1 FROM ev)`,
    );
  },

  audit_documents_submitted(s, e) {
    const { p } = s;
    const auditId = p.text(e.auditId, 'auditId');
    s.needs(`audit ${e.auditId}`, 'audits', 'audit_id', auditId);
    s.cte(
      'audit',
      `UPDATE audits SET state = 'UnderReview'
        WHERE credential_number = ${s.number} AND audit_id = ${auditId} AND EXISTS (SELECT 1 FROM ev)
       RETURNING id`,
    );
    s.cte(
      'documents',
      `INSERT INTO audit_documents (audit_row_id, reference, description, submitted_at)
       SELECT audit.id, d.reference, d.description, ${s.at}
         FROM audit CROSS JOIN jsonb_to_recordset(${p.json(e.documents, 'documents')}) AS d(reference text, description text)
       ON CONFLICT (audit_row_id, reference) DO NOTHING`,
    );
    s.set('audit_state', `'UnderReview'`);
  },

  audit_decided(s, e) {
    const { p } = s;
    const auditId = p.text(e.auditId, 'auditId');
    const state = e.outcome === 'passed' ? 'Passed' : 'Failed';
    s.needs(`audit ${e.auditId}`, 'audits', 'audit_id', auditId);
    s.cte(
      'audit',
      `UPDATE audits SET state = ${p.text(state, 'outcome')}::"AuditState", decided_on = ${eventDay(s)},
                         reason = ${p.textOrNull(e.reason, 'reason')}
        WHERE credential_number = ${s.number} AND audit_id = ${auditId} AND EXISTS (SELECT 1 FROM ev)`,
    );
    s.set('audit_state', `${p.text(state, 'outcome')}::"AuditState"`);
  },

  application_decided(s, e) {
    const { p } = s;
    const applicationId = p.text(e.applicationId, 'applicationId');
    s.needs(`application ${e.applicationId}`, 'applications', 'application_id', applicationId);
    // Amounts reach an int column through jsonb_to_recordset: checked here like any other.
    e.charged.forEach((line, i) => checkInt(line.amount, `charged[${i}].amount`));
    // The workflow decided which post-E courses this renewal used; they do not count next cycle.
    s.cte(
      'application',
      `UPDATE applications a
          SET status = ${p.text(e.outcome, 'outcome')}::"DecisionStatus", decided_on = ${eventDay(s)},
              reason = ${p.textOrNull(e.reason, 'reason')},
              consumed_keys = CASE WHEN ${p.bool(e.outcome === 'approved', 'outcome')} AND a.cycle = cr.cycle
                                   THEN ${p.textArray(e.consumes ?? [], 'consumes')} ELSE a.consumed_keys END
         FROM credentials cr
        WHERE cr.number = ${s.number} AND a.credential_number = ${s.number} AND a.application_id = ${applicationId}
          AND EXISTS (SELECT 1 FROM ev)
       RETURNING a.payment_reference, a.decided_on`,
    );
    s.cte(
      'fees',
      `INSERT INTO fee_ledger (credential_number, cycle, source, code, label, amount, payment_reference, charged_on)
       SELECT ${s.number}, ${s.cycle}, 'application:' || ${applicationId}, l.code::"FeeCode", l.label, l.amount,
              application.payment_reference, application.decided_on
         FROM application
        CROSS JOIN jsonb_to_recordset(${p.json(e.charged, 'charged')}) AS l(code text, label text, amount int)
       ON CONFLICT (credential_number, source, code) DO NOTHING`,
    );
  },

  renewed(s, e) {
    const { p } = s;
    s.needsCredential();
    const next = p.int(e.nextCycle, 'nextCycle');
    const when = `${INSERTED} AND c.cycle < ${next}`;
    const d = e.nextDates;
    s.set('cycle', next, when);
    s.set('cycle_start', p.date(d.start, 'nextDates.start'), when);
    s.set('expires_on', p.date(d.expiration, 'nextDates.expiration'), when);
    s.set('late_window_ends_on', p.date(d.lateWindowEnd, 'nextDates.lateWindowEnd'), when);
    s.set('course_cutoff', p.date(d.courseCutoff, 'nextDates.courseCutoff'), when);
    s.set('lapses_on', p.date(d.lapseDate, 'nextDates.lapseDate'), when);
    // The next cycle starts active and unaudited; the next run's cycle_started confirms the same values.
    s.set('phase', `'Active'`, when);
    s.set('audit_state', `'None'`, when);
    // The snapshot is the ended cycle's: reads ask the workflow until the next run records its own.
    s.set('snapshot', 'NULL::jsonb', when);
    s.cycleAfter = `CASE WHEN ${when} THEN ${next} ELSE c.cycle END`;
    if (e.ceusEarned !== undefined) s.set('ceus_earned', p.int(e.ceusEarned, 'ceusEarned'), when);
  },

  revoked(s) {
    s.needsCredential();
    s.set('phase', `'Revoked'`);
    s.set('workflow_status', `'completed'`);
  },

  lapsed(s) {
    s.needsCredential();
    s.set('phase', `'Lapsed'`);
    s.set('workflow_status', `'completed'`);
  },

  // History rows only, or rows keyed by the report (no reference to the credential's rows).
  command_refused(s, e) {
    const first = e.reasons[0];
    if (e.report) {
      reportOutcome(
        s,
        e.report.kind,
        e.report.source,
        e.report.id,
        'refused',
        first?.code ?? null,
        e.reasons.map((r) => r.message).join(' ') || null,
      );
    }
  },
  cancel_refused: () => undefined,
  policy_version_received: () => undefined,
  continued_as_new: () => undefined,

  reminder_due(s, e) {
    const { p } = s;
    const r = e.reminder;
    s.needsCredential();
    const reminderKey = p.text(r.key, 'reminder.key');
    // Same as recordReminder: recorded once per key, queued once per channel for delivery/.
    s.cte(
      'reminder',
      `INSERT INTO reminders_sent (credential_number, cycle, key, kind, days_before, due_on, due_at, facts, sent_at)
       SELECT ${s.number}, ${s.cycle}, ${reminderKey}, ${p.text(r.kind, 'reminder.kind')}::"ReminderKind",
              ${p.int(r.daysBefore, 'reminder.daysBefore')}, ${p.date(r.on, 'reminder.on')},
              ${p.instant(r.at, 'reminder.at')}, ${p.json(e.facts, 'facts')}, now()
        WHERE EXISTS (SELECT 1 FROM ev)
       ON CONFLICT (credential_number, key) DO NOTHING`,
    );
    s.cte(
      'outbox',
      `INSERT INTO reminder_outbox (credential_number, reminder_key, channel, next_attempt_at, updated_at)
       SELECT ${s.number}, ${reminderKey}, ch::"DeliveryChannel", now(), now()
         FROM unnest(${p.textArray(e.channels, 'channels')}) AS ch
        WHERE EXISTS (SELECT 1 FROM ev)
       ON CONFLICT (credential_number, reminder_key, channel) DO NOTHING`,
    );
  },
};

/** The event row's own columns: refusals are history rows of outcome `rejected`. */
function eventRow(event: CredentialEvent): {
  type: string;
  outcome: 'accepted' | 'rejected';
  reason: string | null;
  data: Record<string, unknown>;
} {
  const { key: _k, credentialNumber: _n, cycle: _c, at: _a, actor: _ac, reason, type, ...data } = event;
  if (event.type === 'command_refused') {
    const messages = event.reasons.map((r) => r.message).join(' ');
    return { type: event.command, outcome: 'rejected', reason: messages || (reason ?? null), data };
  }
  if (event.type === 'cancel_refused')
    return { type: 'cancel', outcome: 'rejected', reason: reason ?? null, data };
  return { type, outcome: 'accepted', reason: reason ?? null, data };
}

function credentialUpdate(s: EventStatement, tail: BatchTail | null): string | null {
  const { p } = s;
  const assignments: Assignment[] = [];
  if (tail && (tail.snapshot !== undefined || tail.phase !== undefined)) {
    const when = `(${INSERTED} OR ${p.bool(tail.anyEarlierWritten, 'anyEarlierWritten')}) AND ${s.cycleAfter} <= ${p.int(tail.cycle, 'batch.cycle')}`;
    if (tail.snapshot !== undefined)
      assignments.push({ column: 'snapshot', when, value: snapshotParam(p, tail.snapshot) });
    if (tail.phase !== undefined)
      assignments.push({ column: 'phase', when, value: `${p.text(tail.phase, 'batch.phase')}::"Phase"` });
  }
  assignments.push(...s.assignments);
  if (assignments.length === 0) return null;
  const columns = [...new Set(assignments.map((a) => a.column))];
  const sets = columns.map((column) => {
    const cases = assignments
      .filter((a) => a.column === column)
      .map((a) => `WHEN ${a.when} THEN ${a.value}`)
      .join(' ');
    return `${column} = CASE ${cases} ELSE c.${column} END`;
  });
  const any = [...new Set(assignments.map((a) => `(${a.when})`))].join(' OR ');
  return `UPDATE credentials c SET ${sets.join(', ')}, updated_at = now()
            FROM (SELECT EXISTS (SELECT 1 FROM ev) AS inserted) e
           WHERE c.number = ${s.number} AND (${any})`;
}

/** The snapshot is for reads: what jsonb cannot hold is escaped rather than losing the whole batch. */
function snapshotParam(p: Params, snapshot: CycleSnapshot): string {
  const text = JSON.stringify(snapshot);
  return p.raw(mayBeUnstorable(text) ? JSON.stringify(storable(snapshot)) : text, 'jsonb');
}

/** cycle_started creates the credential row or moves it to the run's cycle, in one upsert. */
function startCycle(s: EventStatement, e: EventOf<'cycle_started'>, tail: BatchTail | null): string {
  const { p } = s;
  const d = e.dates;
  const ceus = e.ceusEarned === undefined ? 'NULL::int' : p.int(e.ceusEarned, 'ceusEarned');
  const phase = `${p.text(tail?.phase ?? e.phase, tail?.phase ? 'batch.phase' : 'phase')}::"Phase"`;
  const snapshot = tail?.snapshot === undefined ? 'NULL::jsonb' : snapshotParam(p, tail.snapshot);
  return `INSERT INTO credentials AS c (number, policy_id, workflow_id, certified_on, cycle, cycle_start, expires_on,
                                        late_window_ends_on, course_cutoff, lapses_on, phase, audit_state, ceus_earned,
                                        policy_version, snapshot, workflow_status, updated_at)
          SELECT ${s.number}, ${p.text(e.policyId, 'policyId')}, ${p.text(e.workflowId, 'workflowId')},
                 ${p.date(e.certifiedOn, 'certifiedOn')}, ${s.cycle}, ${p.date(d.start, 'dates.start')},
                 ${p.date(d.expiration, 'dates.expiration')}, ${p.date(d.lateWindowEnd, 'dates.lateWindowEnd')},
                 ${p.date(d.courseCutoff, 'dates.courseCutoff')}, ${p.date(d.lapseDate, 'dates.lapseDate')}, ${phase},
                 'None', COALESCE(${ceus}, 0), ${p.int(e.policyVersion ?? 1, 'policyVersion')}, ${snapshot},
                 'running', now()
           WHERE EXISTS (SELECT 1 FROM ev)
          ON CONFLICT (number) DO UPDATE SET
                 -- A new cycle starts without an audit; an older cycle's event never moves the row back.
                 audit_state = CASE WHEN c.cycle < EXCLUDED.cycle THEN 'None' ELSE c.audit_state END,
                 policy_id = EXCLUDED.policy_id, workflow_id = EXCLUDED.workflow_id,
                 certified_on = EXCLUDED.certified_on, cycle = EXCLUDED.cycle, cycle_start = EXCLUDED.cycle_start,
                 expires_on = EXCLUDED.expires_on, late_window_ends_on = EXCLUDED.late_window_ends_on,
                 course_cutoff = EXCLUDED.course_cutoff, lapses_on = EXCLUDED.lapses_on, phase = EXCLUDED.phase,
                 ceus_earned = COALESCE(${ceus}, c.ceus_earned), policy_version = EXCLUDED.policy_version,
                 snapshot = COALESCE(EXCLUDED.snapshot, c.snapshot), workflow_status = 'running', updated_at = now()
           WHERE c.cycle <= EXCLUDED.cycle`;
}

/**
 * The one statement that records `event` (and, with `tail`, the batch's snapshot and phase).
 * Throws UnstorableValueError when a value can never be stored: nothing is sent.
 */
export function eventStatement(event: CredentialEvent, tail: BatchTail | null): Statement {
  const s = new EventStatement(event);
  const { p } = s;
  const row = eventRow(event);
  const actorKind = p.text(event.actor.kind, 'actor.kind');
  const actorId = p.text(event.actor.id, 'actor.id');
  const type = p.text(row.type, 'type');
  const reason = p.textOrNull(row.reason, 'reason');
  const data = p.json(row.data, 'event');
  (PROJECTORS[event.type] as Projector<CredentialEvent>)(s, event);
  // Any other event that carries the balance sets it (cycle_started does in its upsert).
  if (event.type !== 'cycle_started') s.ceusEarned();

  const refs = s.refs.map((r) => r.exists);
  const gate = refs.length > 0 ? `WHERE ${refs.join(' AND ')}` : '';
  const ctes = [
    `ev AS (
       INSERT INTO credential_events (credential_number, idempotency_key, cycle, type, actor_kind, actor_id, reason,
                                      data, outcome, occurred_at)
       SELECT ${s.number}, ${s.key}, ${s.cycle}, ${type}, ${actorKind}::"ActorKind", ${actorId}, ${reason}, ${data},
              ${p.raw(row.outcome, 'text')}::"EventOutcome", ${s.at}
       ${gate}
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id)`,
    ...s.ctes,
  ];
  if (event.type === 'cycle_started') {
    ctes.push(`credential AS (${startCycle(s, event, tail)})`);
  } else {
    const update = credentialUpdate(s, tail);
    if (update) ctes.push(`credential AS (${update})`);
  }
  const missing =
    s.refs.length > 0
      ? `CASE ${s.refs.map((r) => `WHEN NOT ${r.exists} THEN ${p.text(r.name, 'reference')}`).join(' ')} END`
      : 'NULL::text';
  return {
    text: `WITH ${ctes.join(',\n')}\nSELECT EXISTS (SELECT 1 FROM ev) AS inserted, ${missing} AS missing`,
    values: p.values,
  };
}

/** The batch's snapshot and phase when no event statement carries them (every event parked). */
export function tailStatement(credentialNumber: string, tail: BatchTail): Statement | null {
  if (tail.snapshot === undefined && tail.phase === undefined) return null;
  const p = new Params();
  const sets: string[] = [];
  if (tail.snapshot !== undefined) sets.push(`snapshot = ${snapshotParam(p, tail.snapshot)}`);
  if (tail.phase !== undefined) sets.push(`phase = ${p.text(tail.phase, 'batch.phase')}::"Phase"`);
  return {
    text: `UPDATE credentials SET ${sets.join(', ')}, updated_at = now()
            WHERE number = ${p.text(credentialNumber, 'credentialNumber')} AND cycle <= ${p.int(tail.cycle, 'batch.cycle')}`,
    values: p.values,
  };
}
