import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Typed search attributes ops filter on in the Temporal UI. Never named `Status` (reserved-ish in
// the UI and ambiguous with the execution status); never personal data.
export const CredentialPhase = defineSearchAttributeKey('CredentialPhase', SearchAttributeType.KEYWORD);
export const ExpirationDate = defineSearchAttributeKey('ExpirationDate', SearchAttributeType.DATETIME);
export const NextDeadline = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
/** Set by runs of the first release (workflows/v1) only: it cost one history event per report. */
export const CeusEarned = defineSearchAttributeKey('CeusEarned', SearchAttributeType.DOUBLE);
/**
 * Whether the CEU requirement (courses and a CPR/AED valid then) is met for a renewal on the cycle's
 * expiration date (after it: today): see workflows/view.ts requirementMet. Changes with the facts only.
 */
export const CeuRequirementMet = defineSearchAttributeKey('CeuRequirementMet', SearchAttributeType.BOOL);
export const AuditState = defineSearchAttributeKey('AuditState', SearchAttributeType.KEYWORD);
export const PolicyId = defineSearchAttributeKey('PolicyId', SearchAttributeType.KEYWORD);

/** Every key, for registration wherever the project starts a Temporal server. */
export const ALL_SEARCH_ATTRIBUTES = [
  CredentialPhase,
  ExpirationDate,
  NextDeadline,
  CeusEarned,
  CeuRequirementMet,
  AuditState,
  PolicyId,
];
