import { createActivities } from '../../activities';
import { createDb, type Db } from '../../db/client';
import { PolicyVersionExistsError } from '../../db/policy-versions';
import { createRepository } from '../../db/repository';
import type { Repository } from '../../db/types';
import { ACE_CPT, NASM_CPT, POLICIES } from '../../rules/policies';
import { PolicyVersionSchema } from '../../rules/policy-schema';
import type { Policy } from '../../rules/types';

// The policy_versions table (issue 10): seeded by its migration with rules/policies.ts, added to by ops.

let db: Db;
let repository: Repository;

beforeAll(() => {
  db = createDb(process.env.DATABASE_URL as string);
  repository = createRepository(db);
});
afterAll(async () => {
  await repository.close();
});

describe('the seeds written by the migration', () => {
  it('when the database is migrated, then its versions are exactly the seeds of rules/policies.ts and parse as versions', async () => {
    const rows = await db.policyVersion.findMany({ orderBy: [{ policyId: 'asc' }, { version: 'asc' }] });
    expect(rows.map((r) => [r.policyId, r.version, r.createdBy])).toEqual([
      ['ace-cpt', 1, 'migration'],
      ['nasm-cpt', 1, 'migration'],
    ]);
    for (const row of rows) {
      expect(row.rules).toEqual(POLICIES[row.policyId]);
      expect(PolicyVersionSchema.parse(row.rules)).toEqual(row.rules);
      expect(row.effectiveFrom.toISOString().slice(0, 10)).toBe(
        (row.rules as unknown as Policy).effectiveFrom,
      );
    }
  });
});

describe('reading and adding versions', () => {
  const v2: Policy = {
    ...NASM_CPT,
    version: 2,
    effectiveFrom: '2027-01-01',
    fees: { ...NASM_CPT.fees, renewal: 10900 },
  };

  it('when a version is added, then the policy lists its versions in order and the activity loads them', async () => {
    expect(await repository.addPolicyVersion(v2, 'key-ops-1')).toEqual(v2);
    expect(await repository.policyVersions('nasm-cpt')).toEqual([NASM_CPT, v2]);
    expect(await repository.allPolicyVersions()).toEqual([ACE_CPT, NASM_CPT, v2]);
    expect(
      await db.policyVersion.findUnique({
        where: { policyId_version: { policyId: 'nasm-cpt', version: 2 } },
      }),
    ).toMatchObject({
      createdBy: 'key-ops-1',
    });
    const { loadPolicyVersions } = createActivities({ repository });
    expect(await loadPolicyVersions('nasm-cpt')).toEqual([NASM_CPT, v2]);
    expect(await loadPolicyVersions('unknown-body')).toEqual([]);
  });

  it('when a version that exists is added again, then it is refused with a clear error and the first one stays', async () => {
    const changed = { ...v2, fees: { ...v2.fees, renewal: 1 } };
    const refused = await repository.addPolicyVersion(changed, 'key-ops-2').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(PolicyVersionExistsError);
    expect((refused as Error).message).toBe(
      'Policy nasm-cpt already has a version 2: versions are never replaced, add version 3 instead.',
    );
    expect((await repository.policyVersions('nasm-cpt'))[1]?.fees.renewal).toBe(10900);
  });

  it('when a version breaks the schema, then nothing is stored', async () => {
    const broken = { ...v2, version: 3, timeZone: 'Mars/Olympus' };
    await expect(repository.addPolicyVersion(broken, 'key-ops-1')).rejects.toThrow('IANA time zone');
    expect(await repository.policyVersions('nasm-cpt')).toHaveLength(2);
  });
});
