import type { CredentialRead } from '../db/credential-read';
import type { Repository, WorkflowStatus } from '../db/types';
import { compareDates, cycleDates, dateAt, getPolicy, type Policy } from '../rules';
import type { CredentialView } from '../workflows/contract';
import { credentialView, type ViewSource } from '../workflows/view';
import type { CredentialWorkflows } from './credential-workflows';

// The public and portal reads (issues 8 and 11): answered from PostgreSQL in one statement, with the
// workflow's own pure view (workflows/view.ts) over the snapshot the projection keeps, so the answer
// is the query's answer without a worker. A first-release run (no snapshot) is asked by query.

/** How a credential's workflow ended when it ended abnormally; null while it runs or closed normally. */
export type AbnormalClose = Exclude<WorkflowStatus, 'running' | 'completed'>;

export function abnormalClose(status: WorkflowStatus): AbnormalClose | null {
  return status === 'running' || status === 'completed' ? null : status;
}

const CLOSE_WORDS: Record<AbnormalClose, string> = {
  terminated: 'terminated',
  failed: 'failed',
  cancelled: 'cancelled',
  timed_out: 'timed out',
  continued: 'continued into no run',
};

/** Plain words for a credential whose workflow ended abnormally: never "active". */
export function abnormalText(status: AbnormalClose): string {
  return `unknown — workflow ${CLOSE_WORDS[status]}, contact support`;
}

export interface CredentialAnswer {
  readonly view: CredentialView;
  /** The pinned version's rules (the certification's name, its time zone). */
  readonly policy: Policy;
  /** The versions whose fees apply by the day received (as the run has them). */
  readonly versions: readonly Policy[];
  /** Set when the workflow closed abnormally: the view is the last known state, not the truth. */
  readonly abnormal: AbnormalClose | null;
  /** Where the answer came from. */
  readonly source: 'database' | 'workflow';
  readonly read: CredentialRead | null;
}

/** The workflow's view source, rebuilt from the database read; null when the row has no snapshot. */
export function viewSourceOf(read: CredentialRead): ViewSource | null {
  const snapshot = read.snapshot;
  if (!snapshot) return null;
  const policy = read.versions.find((v) => v.version === read.policyVersion);
  if (!policy) return null;
  let closed: ViewSource['closed'] = null;
  if (read.phase === 'Lapsed' || read.phase === 'Revoked') {
    const reason = read.closing?.reason ?? '';
    if (read.phase === 'Lapsed') {
      // As the workflow's lapse: on the lapse date, or on a later denial that ended the cycle.
      const denied = snapshot.application?.status === 'denied' ? snapshot.application.decidedOn : null;
      const lapseDate = read.dates.lapseDate;
      const on = denied && compareDates(denied, lapseDate) > 0 ? denied : lapseDate;
      closed = { phase: 'Lapsed', on, reason };
    } else {
      const at = read.closing ? Date.parse(read.closing.at) : Date.parse(read.updatedAt);
      closed = { phase: 'Revoked', on: dateAt(at, policy.timeZone), reason };
    }
  }
  return {
    credentialNumber: read.number,
    certifiedOn: read.certifiedOn,
    cycle: read.cycle,
    policy,
    versions: read.versions,
    dates: cycleDates(read.dates.start, policy, read.cycle),
    facts: snapshot,
    closed,
  };
}

export function createCredentialReads(
  repository: Pick<Repository, 'readCredential'>,
  workflows: Pick<CredentialWorkflows, 'state'>,
  now: () => number,
) {
  /**
   * The credential's view: from PostgreSQL when its run keeps a snapshot there, else from the
   * workflow query. 404 (AppError not_found) when neither knows it.
   */
  async function answer(number: string, options: { records?: boolean } = {}): Promise<CredentialAnswer> {
    const read = await repository.readCredential(number, options);
    const source = read ? viewSourceOf(read) : null;
    if (read && source) {
      return {
        view: credentialView(source, now()),
        policy: source.policy,
        versions: source.versions,
        abnormal: abnormalClose(read.workflowStatus),
        source: 'database',
        read,
      };
    }
    // No row yet (its first event is on its way) or a first-release run: ask the workflow.
    const view = await workflows.state(number);
    const policy =
      read?.versions.find((v) => v.version === (view.policyVersion ?? read.policyVersion)) ??
      getPolicy(view.policyId);
    return {
      view,
      policy,
      // A first-release run charges its code's policy; a versioned one follows the database's versions.
      versions: view.policyVersion !== undefined && read ? read.versions : [policy],
      abnormal: read ? abnormalClose(read.workflowStatus) : null,
      source: 'workflow',
      read,
    };
  }
  return { answer };
}

export type CredentialReads = ReturnType<typeof createCredentialReads>;
