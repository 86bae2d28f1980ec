import { dateAt } from '../rules/calendar';
import { completionKey } from '../rules/ceu-balance';
import { policyInForce } from '../rules/policy-versions';
import {
  completionConflict,
  completionReportProblems,
  cprAedConflict,
  cprAedReportProblems,
  sameCompletion,
  sameCprAed,
} from '../rules/reports';
import type { CalendarDate, CeuCompletion, CprAedCertification, Rejection } from '../rules/types';
import { AppError, type ErrorDetail } from './errors';
import type { Repository } from '../db/types';
import type { CredentialWorkflows } from './credential-workflows';

/** What the checks read: the credential's recorded facts, and the workflow when PostgreSQL has none yet. */
export interface ReportCheckServices {
  readonly repository: Pick<Repository, 'findCredentialState'>;
  readonly workflows: Pick<CredentialWorkflows, 'policyVersions' | 'state'>;
}

// What the API can tell a provider about a report before sending it: the rules of rules/reports.ts
// (dated after the day received, CPR/AED expiring before issue, a correction of a recorded report),
// applied to what PostgreSQL already holds of the credential. A report refused here never reaches the
// workflow; one that passes is still checked there (the workflow is the authority: it may know a
// report PostgreSQL has not recorded yet).

/** What a credential already holds, as the API can know it, and the day a report is received. */
interface Known {
  readonly receivedOn: CalendarDate;
  readonly completions: readonly CeuCompletion[];
  readonly cprAed: readonly CprAedCertification[];
}

/**
 * The credential's recorded facts (the run's latest snapshot in PostgreSQL, this cycle's and the
 * previous cycle's, as the workflow compares them) and today in its policy's time zone. Without a
 * snapshot (just enrolled, or a first-release run) the workflow is asked; an unknown credential is a 404.
 */
async function known(services: ReportCheckServices, number: string, at: number): Promise<Known> {
  const state = await services.repository.findCredentialState(number);
  if (state?.snapshot) {
    const versions = await services.workflows.policyVersions(state.policyId);
    const pinned =
      versions.find((v) => v.version === state.policyVersion) ?? policyInForce(versions, dateAt(at, 'UTC'));
    const { snapshot } = state;
    return {
      receivedOn: dateAt(at, pinned.timeZone),
      completions: [...snapshot.completions, ...(snapshot.previous?.completions ?? [])],
      cprAed: [...snapshot.cprAed, ...(snapshot.previous?.cprAed ?? [])],
    };
  }
  const view = await services.workflows.state(number);
  return { receivedOn: view.today, completions: view.completions, cprAed: view.cprAed };
}

function invalid(problems: readonly Rejection[], fieldOf: (code: string) => string): AppError {
  const details: ErrorDetail[] = problems.map((p) => ({
    field: fieldOf(p.code),
    code: p.code,
    message: p.message,
  }));
  return new AppError(
    'validation_failed',
    'The report is invalid: fix the fields listed in details.',
    details,
  );
}

/** Whether a report is new (send it to the workflow) or repeats a recorded one exactly (nothing to do). */
export type ReportNovelty = 'new' | 'duplicate';

/** New, an exact repeat, or a correction: a 409 whose message shows both versions (rules/reports.ts). */
function novelty<T>(
  recorded: T | undefined,
  reported: T,
  same: (a: T, b: T) => boolean,
  conflictOf: (recorded: T, reported: T) => Rejection,
): ReportNovelty {
  if (recorded === undefined) return 'new';
  if (same(recorded, reported)) return 'duplicate';
  const { code, message } = conflictOf(recorded, reported);
  throw new AppError('conflict', message, [{ code, message }]);
}

/** 400 for a completion dated after the day received; 409 for a correction; else new or duplicate. */
export async function checkCompletion(
  services: ReportCheckServices,
  number: string,
  completion: CeuCompletion,
  at: number,
): Promise<ReportNovelty> {
  const facts = await known(services, number, at);
  const problems = completionReportProblems(completion, facts.receivedOn);
  if (problems.length > 0) throw invalid(problems, () => 'completedOn');
  const key = completionKey(completion);
  const recorded = facts.completions.find((c) => completionKey(c) === key);
  return novelty(recorded, completion, sameCompletion, completionConflict);
}

/** 400 for a card issued after the day received or expiring before issue; 409 for a correction. */
export async function checkCprAed(
  services: ReportCheckServices,
  number: string,
  certification: CprAedCertification,
  at: number,
): Promise<ReportNovelty> {
  const facts = await known(services, number, at);
  const problems = cprAedReportProblems(certification, facts.receivedOn);
  if (problems.length > 0) {
    throw invalid(problems, (code) => (code === 'dated_in_future' ? 'issuedOn' : 'expiresOn'));
  }
  const recorded = facts.cprAed.find((c) => c.certificationId === certification.certificationId);
  return novelty(recorded, certification, sameCprAed, cprAedConflict);
}
