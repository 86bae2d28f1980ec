import { ceuBalance } from '../rules/ceu-balance';
import { getPolicy } from '../rules/policies';
import type { Db } from './client';
import { cycleDatesOf, fromDbDate, policyDay } from './dates';

/**
 * Keeps `credentials.ceus_earned` current from the stored records, through the rules module's
 * `ceuBalance` (the rules decide what counts; this only gathers the inputs), as of the day of the
 * event at `at`. Only for events of the first release (workflows/v1), which do not carry the
 * balance: it reads every record of the credential, so it stays off the versioned engine's path.
 */
export async function refreshCeusEarned(db: Db, credentialNumber: string, at: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.credential.findUnique({
      where: { number: credentialNumber },
      include: {
        ceuRecords: true,
        cprAed: true,
        petitions: { where: { status: 'approved' } },
        applications: { where: { status: 'approved' }, select: { cycle: true, consumedKeys: true } },
      },
    });
    if (!row) return;
    const asOf = policyDay(at, row.policyId);
    const balance = ceuBalance({
      dates: cycleDatesOf(row),
      policy: getPolicy(row.policyId),
      asOf,
      completions: row.ceuRecords.map((r) => ({
        provider: r.provider,
        completionId: r.completionId,
        course: r.course,
        units: r.units,
        completedOn: fromDbDate(r.completedOn),
        approved: r.approved,
      })),
      grants: row.petitions.map((p) => ({
        petitionId: p.petitionId,
        course: p.course,
        units: p.grantedUnits ?? 0,
        completedOn: fromDbDate(p.completedOn),
      })),
      cprAed: row.cprAed.map((c) => ({
        certificationId: c.certificationId,
        issuedOn: fromDbDate(c.issuedOn),
        expiresOn: fromDbDate(c.expiresOn),
        handsOn: c.handsOn,
      })),
      // Post-E courses an earlier late renewal relied on do not count again.
      consumed: row.applications.filter((a) => a.cycle < row.cycle).flatMap((a) => a.consumedKeys),
    });
    await tx.credential.update({ where: { number: credentialNumber }, data: { ceusEarned: balance.earned } });
  });
}
