/**
 * Shared vocabulary of the rules module. Everything here is plain data (JSON-safe), so the same
 * values travel through Temporal payloads, the database and the HTTP API unchanged.
 */

/** A calendar date, `YYYY-MM-DD`, meaningful only together with a policy's time zone. */
export type CalendarDate = string;

/** Continuing-education units in hundredths (fixed point): 2.00 CEUs = 200. Never a float. */
export type CeuHundredths = number;

/** Money in cents (fixed point, USD). */
export type Cents = number;

/** A calendar period, applied as years, then months, then days (end-of-month clamped). */
export interface CalendarPeriod {
  readonly years?: number;
  readonly months?: number;
  readonly days?: number;
}

export interface Policy {
  /** Stable id stored with every credential, e.g. `nasm-cpt`. */
  readonly id: string;
  /** 1, 2, ...: a body's rules change by adding a version, never by editing one. */
  readonly version: number;
  /** First day this version is in force, in its time zone; a new version is never retroactive. */
  readonly effectiveFrom: CalendarDate;
  readonly name: string;
  /** IANA zone: a date's deadline is the end of that day here. */
  readonly timeZone: string;
  /** Cycle length: E = cycle start + this period. */
  readonly cycleLength: CalendarPeriod;
  /** Total CEUs required in a cycle, CPR/AED units included. */
  readonly requiredCeus: CeuHundredths;
  /** CPR/AED requirement; `null` when the body does not require one. */
  readonly cprAed: {
    /** Units a current CPR/AED certification contributes, once per cycle (0 when required but not counted). */
    readonly units: CeuHundredths;
    readonly handsOnRequired: boolean;
  } | null;
  /** Late window: E+1 .. E + lateWindow. */
  readonly lateWindow: CalendarPeriod;
  /** First day on which applications are no longer accepted: E + lapseAfter. */
  readonly lapseAfter: CalendarPeriod;
  /** Courses completed up to E + this period count for a late renewal of the cycle. */
  readonly lateCourseGrace: CalendarPeriod;
  readonly fees: {
    readonly renewal: Cents;
    readonly late: Cents;
    /** Charged on top of the late fee after the late window; `0` when the policy has no such window. */
    readonly reinstatement: Cents;
    readonly petition: Cents;
  };
  /** Share of applications selected for audit, in basis points (10% = 1000). */
  readonly auditRateBasisPoints: number;
  /** Days from the audit selection date the holder has to submit documents. */
  readonly auditDocumentDays: number;
  /**
   * Whether course CEUs beyond the requirement carry into the next cycle when a cycle renews
   * (NASM: no). The surplus counts in the next cycle as one completion dated on its first day.
   */
  readonly carryOverSurplus: boolean;
  readonly reminders: {
    /** Local time of day reminders are sent, `HH:MM`. */
    readonly timeOfDay: string;
    readonly daysBeforeExpiry: readonly number[];
    readonly daysBeforeLateWindowCloses: readonly number[];
    readonly daysBeforeLapse: readonly number[];
    readonly daysBeforeAuditDeadline: readonly number[];
    /** How reminders reach people: e-mail to the holder, signed webhook to backend services. */
    readonly channels: readonly ReminderChannel[];
  };
}

export type ReminderChannel = 'email' | 'webhook';

/** Dates of one cycle. All are calendar dates in the policy's zone. */
export interface CycleDates {
  readonly start: CalendarDate;
  /** E: last day of the cycle. */
  readonly expiration: CalendarDate;
  /** Last day of the late window (E+90 for NASM). */
  readonly lateWindowEnd: CalendarDate;
  /** Last day a course may be completed to count for a late renewal of this cycle. */
  readonly courseCutoff: CalendarDate;
  /** First day applications are refused and the credential is lapsed (E+1 year for NASM). */
  readonly lapseDate: CalendarDate;
}

/** Where a day falls in a cycle's timeline. */
export type Window = 'in_cycle' | 'late' | 'reinstatement' | 'lapsed';

/** What a credential is on a day (search attribute values, the query's phase, the database's). */
export type Phase = 'Active' | 'ExpiredLate' | 'ExpiredReinstatement' | 'Lapsed' | 'Revoked';

export type FeeCode = 'renewal' | 'late' | 'reinstatement' | 'petition';

export interface FeeLine {
  readonly code: FeeCode;
  readonly label: string;
  readonly amount: Cents;
}

export type FeeQuote =
  | {
      readonly accepted: true;
      readonly window: Exclude<Window, 'lapsed'>;
      readonly on: CalendarDate;
      readonly lines: readonly FeeLine[];
      readonly total: Cents;
      /** Last day this exact amount applies. */
      readonly validThrough: CalendarDate;
    }
  | {
      readonly accepted: false;
      readonly window: 'lapsed';
      readonly on: CalendarDate;
      readonly reason: string;
    };

/** A course completion as reported by a provider or granted by petition. */
export interface CeuCompletion {
  readonly provider: string;
  readonly completionId: string;
  readonly course: string;
  readonly units: CeuHundredths;
  readonly completedOn: CalendarDate;
  /** Approved provider/course. Unapproved completions count only through an approved petition. */
  readonly approved: boolean;
}

export interface CprAedCertification {
  readonly certificationId: string;
  readonly issuedOn: CalendarDate;
  readonly expiresOn: CalendarDate;
  readonly handsOn: boolean;
}

/** Units granted by an approved petition for a course not pre-approved. */
export interface PetitionGrant {
  readonly petitionId: string;
  readonly course: string;
  readonly units: CeuHundredths;
  readonly completedOn: CalendarDate;
}

export type ExclusionReason =
  | 'not_approved'
  | 'before_cycle'
  | 'after_cycle'
  | 'after_course_cutoff'
  | 'consumed';

/** Why a recorded CPR/AED certification does not count today. */
export type CprAedExclusion = 'cpr_aed_expired' | 'cpr_aed_not_hands_on' | 'cpr_aed_not_yet_valid';

/** Why a reported fact does not count (a course, or a CPR/AED certification). */
export type NotCountedReason = ExclusionReason | CprAedExclusion;

export interface CountedCourse {
  /** `provider:completionId` or `petition:<petitionId>`. */
  readonly key: string;
  readonly course: string;
  readonly units: CeuHundredths;
  readonly completedOn: CalendarDate;
  readonly source: 'provider' | 'petition';
}

export interface CeuBalance {
  readonly required: CeuHundredths;
  /** Courses plus CPR/AED units that count. */
  readonly earned: CeuHundredths;
  readonly fromCourses: CeuHundredths;
  readonly fromCprAed: CeuHundredths;
  /** Units courses must provide: required minus the CPR/AED units (courses cannot stand in for CPR/AED). */
  readonly requiredFromCourses: CeuHundredths;
  /**
   * Units still missing, CPR/AED counted as its own part:
   * max(0, requiredFromCourses - fromCourses) + (CPR/AED units if no certification counts).
   */
  readonly shortfall: CeuHundredths;
  readonly counted: readonly CountedCourse[];
  readonly excluded: readonly (CountedCourse & { readonly reason: ExclusionReason })[];
  /** The CPR/AED certification that counts, if any. */
  readonly cprAed: CprAedCertification | null;
}

export type RejectionCode =
  | 'lapsed'
  | 'duplicate_pending'
  | 'insufficient_ceus'
  | 'cpr_aed_missing'
  | 'cpr_aed_expired'
  | 'cpr_aed_not_hands_on'
  | 'courses_after_cutoff'
  | 'underpaid'
  | 'closed'
  | 'renewal_in_progress'
  | 'upgrade_in_progress'
  // Commands other than the application (petitions, audit, revocation).
  | 'invalid_request'
  | 'course_outside_cycle'
  | 'duplicate_payment'
  | 'petition_not_found'
  | 'petition_not_pending'
  | 'granted_exceeds_requested'
  | 'reason_required'
  | 'no_audit_pending'
  | 'audit_not_under_review'
  | 'documents_required'
  | 'audit_deadline_passed'
  // Reports of facts (CEU completions, CPR/AED certifications) and message checks.
  | 'dated_in_future'
  | 'conflicting_correction'
  | 'too_many_reports'
  | 'invalid_message';

export interface Rejection {
  readonly code: RejectionCode;
  /** A sentence a person can act on, with the numbers in it. */
  readonly message: string;
}

export interface ApplicationEvaluation {
  readonly eligible: boolean;
  readonly reasons: readonly Rejection[];
  readonly quote: FeeQuote;
  readonly balance: CeuBalance;
  /** Keys of the post-E courses this (late) renewal relies on; they do not count again next cycle. */
  readonly consumes: readonly string[];
}

export type ReminderKind =
  | 'before_expiry'
  | 'expired'
  | 'late_window_closing'
  | 'lapse_approaching'
  | 'audit_selected'
  | 'audit_deadline';

export interface ReminderMoment {
  /** Unique within a credential: `<cycleStart>:<kind>:<daysBefore>`. */
  readonly key: string;
  readonly kind: ReminderKind;
  readonly daysBefore: number;
  readonly on: CalendarDate;
  /** Absolute instant (epoch ms) the reminder is due. */
  readonly at: number;
}
