import { PolicyVersionExistsError } from '../../db/policy-versions';
import { compareDates, dateAt } from '../../rules/calendar';
import { policyInForce } from '../../rules/policy-versions';
import type { Policy } from '../../rules/types';
import { AppError } from '../errors';
import { fanOutPolicyVersion } from '../policy-fan-out';
import { actorOf, defineRoute } from '../registry';
import { AddPolicyVersionRequest, PolicyParams } from '../schemas/policies';

// How a certifying body's rules change: ops add a version effective from a future date. Pinned
// when a cycle starts (the requirement: CEUs, CPR/AED, windows, time zone, reminders, carry-over);
// followed by the day a command is received (fees, audit rate, audit document days).

/** Each policy's versions with the one in force today (in its time zone). */
function byPolicy(versions: readonly Policy[], now: number) {
  const ids = [...new Set(versions.map((v) => v.id))].sort();
  return ids.map((id) => {
    const own = versions.filter((v) => v.id === id);
    const latest = own[own.length - 1] as Policy;
    const current = policyInForce(own, dateAt(now, latest.timeZone));
    return { id, name: current.name, current, versions: own };
  });
}

export const listPoliciesRoute = defineRoute({
  operationId: 'listPolicies',
  method: 'get',
  path: '/policies',
  tag: 'policies',
  summary: "Every certifying body's rules: the version in force today and all versions.",
  access: ['portal', 'ops'],
  responses: { 200: '{ policies: [{ id, name, current, versions }] }.' },
  async handler({ services: { repository, now } }) {
    return { status: 200, body: { policies: byPolicy(await repository.allPolicyVersions(), now()) } };
  },
});

export const addPolicyVersionRoute = defineRoute({
  operationId: 'addPolicyVersion',
  method: 'post',
  path: '/policies/:policyId/versions',
  tag: 'policies',
  summary: 'Add a version of a policy, effective from a future date (never retroactive).',
  description:
    'The body is a whole version (rules/policy-schema.ts): every number and list of the body’s rules, ' +
    'in the API’s units: CEUs as decimal strings (`requiredCeus: "2.00"`, `cprAed.units: "0.10"`) and ' +
    'fees in cents named `renewalCents`, `lateCents`, `reinstatementCents`, `petitionCents`. ' +
    '`version` is the next number; `effectiveFrom` must be after today in the policy’s time zone. New ' +
    'cycles starting on or after `effectiveFrom` are pinned to it; running credentials get it at once by ' +
    'signal and charge its fees (and audit rate and days) for commands received from `effectiveFrom`. ' +
    'No code change and no worker restart.',
  access: ['ops'],
  params: PolicyParams,
  body: AddPolicyVersionRequest,
  responses: {
    201: '{ policy, fanOut: { signalled, failed } }: stored, and signalled to the running credentials.',
    400: 'Invalid version: a field, a policy id that differs from the path, or an effectiveFrom not in the future.',
    404: 'No such policy.',
    409: 'That version number exists, or is not the next one.',
  },
  async handler(ctx) {
    const {
      params: { policyId },
      body,
      services: { repository, client, now, workflows },
    } = ctx;
    const actor = actorOf(ctx);
    if (body.id !== policyId) {
      throw new AppError('validation_failed', 'The request is invalid: fix the fields listed in details.', [
        { field: 'id', message: `must be ${policyId}, the policy in the path` },
      ]);
    }
    const existing = await repository.policyVersions(policyId);
    const latest = existing[existing.length - 1];
    if (!latest) throw new AppError('not_found', `No policy ${policyId}.`);
    const { timeZone } = policyInForce(existing, dateAt(now(), latest.timeZone));
    const today = dateAt(now(), timeZone);
    if (compareDates(body.effectiveFrom, today) <= 0) {
      throw new AppError('validation_failed', 'The request is invalid: fix the fields listed in details.', [
        {
          field: 'effectiveFrom',
          message: `must be after today (${today} in ${timeZone}): a version is never retroactive`,
        },
      ]);
    }
    if (body.version !== latest.version + 1) {
      throw new AppError(
        'conflict',
        `Policy ${policyId} is at version ${latest.version}: add version ${latest.version + 1}.`,
      );
    }
    let stored: Policy;
    try {
      stored = await repository.addPolicyVersion(body, actor.id);
    } catch (err) {
      if (err instanceof PolicyVersionExistsError) throw new AppError('conflict', err.message);
      throw err;
    }
    // New enrolments in this process see it at once; others within the cache's 10 s.
    workflows.forgetPolicyVersions(policyId);
    const fanOut = await fanOutPolicyVersion(client, stored);
    // A credential enrolled by another API process with versions cached before this insert starts
    // without it: a second pass after the cache's lifetime reaches it (signals are idempotent).
    setTimeout(() => void fanOutPolicyVersion(client, stored).catch(() => undefined), 15_000).unref();
    return {
      status: 201,
      headers: { Location: `/policies/${policyId}` },
      body: { policy: stored, fanOut },
    };
  },
});
