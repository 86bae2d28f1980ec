import { defineQuery } from '@temporalio/workflow';
import type { CalendarDate, CycleDates } from '../rules/types';

// The messages every client of a credential workflow uses: the API, the worker, tests.

export const CREDENTIAL_WORKFLOW_TYPE = 'credential';

export function credentialWorkflowId(credentialNumber: string): string {
  return `credential-${credentialNumber}`;
}

export interface CredentialInput {
  readonly credentialNumber: string;
  readonly policyId: string;
  /** Original certification date; kept across renewals so enrolment stays idempotent. */
  readonly certifiedOn: CalendarDate;
  /** 1 for the certification cycle, +1 per renewal. */
  readonly cycle: number;
  readonly cycleStart: CalendarDate;
}

export type Phase = 'Active' | 'ExpiredLate' | 'ExpiredReinstatement' | 'Lapsed' | 'Revoked';

export interface CredentialView {
  readonly credentialNumber: string;
  readonly policyId: string;
  readonly certifiedOn: CalendarDate;
  readonly cycle: number;
  readonly phase: Phase;
  readonly dates: CycleDates;
}

export const getState = defineQuery<CredentialView>('getState');
