import { PolicyVersionSchema } from '../rules/policy-schema';
import type { Policy } from '../rules/types';
import type { SqlPool } from './sql-pool';

// Every version of each certifying body's rules (issue 10). The migration seeds the first versions
// from rules/policies.ts; ops add versions; a version is never edited.

/** The version already exists: versions are never replaced (the API answers 409). */
export class PolicyVersionExistsError extends Error {
  constructor(
    readonly policyId: string,
    readonly version: number,
  ) {
    super(
      `Policy ${policyId} already has a version ${version}: versions are never replaced, add version ${version + 1} instead.`,
    );
    this.name = 'PolicyVersionExistsError';
  }
}

/** Ordered by version. Empty for a policy nobody has added. */
export async function policyVersions(pool: SqlPool, policyId: string): Promise<Policy[]> {
  const { rows } = await pool.query<{ rules: Policy }>(
    'SELECT rules FROM policy_versions WHERE policy_id = $1 ORDER BY version',
    [policyId],
  );
  return rows.map((r) => r.rules);
}

/** Every policy's versions, ordered by policy then version. */
export async function allPolicyVersions(pool: SqlPool): Promise<Policy[]> {
  const { rows } = await pool.query<{ rules: Policy }>(
    'SELECT rules FROM policy_versions ORDER BY policy_id, version',
  );
  return rows.map((r) => r.rules);
}

/** Stores a new version, checked against the schema every version must meet. */
export async function addPolicyVersion(pool: SqlPool, policy: Policy, createdBy: string): Promise<Policy> {
  const parsed = PolicyVersionSchema.parse(policy);
  const { rowCount } = await pool.query(
    `INSERT INTO policy_versions (policy_id, version, effective_from, rules, created_by)
     VALUES ($1, $2, $3::date, $4::jsonb, $5)
     ON CONFLICT (policy_id, version) DO NOTHING`,
    [parsed.id, parsed.version, parsed.effectiveFrom, JSON.stringify(parsed), createdBy],
  );
  if (rowCount === 0) throw new PolicyVersionExistsError(parsed.id, parsed.version);
  return parsed;
}
