import { policyOutside, type PolicyVersionAnswer } from '../../api/schemas/policies';
import { CredentialViewOut } from '../../api/schemas/responses';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import type { Policy } from '../../rules/types';
import { credentialWorkflowId, getState, type CredentialInput } from '../../workflows/contract';
import {
  type CredentialRead,
  eventually,
  type HistoryAnswer,
  type HttpClient,
  httpClient,
  type QuoteAnswer,
} from '../support/http';
import { startStack, type Stack } from '../support/stack';

// Issue 10: ops add a policy version through the API; a running credential quotes the old fee
// before its effective date and the new one from it, keeps its requirement, and learns the version
// by signal; a new enrolment carries it. No code change, no worker restart.

const TZ = NASM_CPT.timeZone;
const today = dateAt(Date.now(), TZ);
const tomorrow = addDays(today, 1);
const holder = { name: 'Pol Icy', email: 'pol@example.com' };

const v2: Policy = {
  ...NASM_CPT,
  version: 2,
  effectiveFrom: tomorrow,
  fees: { ...NASM_CPT.fees, renewal: NASM_CPT.fees.renewal + 1000 },
  requiredCeus: NASM_CPT.requiredCeus + 100,
  auditRateBasisPoints: 2000,
  reminders: { ...NASM_CPT.reminders, daysBeforeExpiry: [...NASM_CPT.reminders.daysBeforeExpiry, 14] },
};

// Outside the service a version is in the API's units: CEUs as "2.00", fees in `…Cents` fields.
const v1Out = policyOutside(NASM_CPT);
const v2Out = policyOutside(v2);
type PolicyList = {
  policies: { id: string; current: PolicyVersionAnswer; versions: PolicyVersionAnswer[] }[];
};

let stack: Stack;
let call: HttpClient;
const keys = { service: '', ops: '' };

beforeAll(async () => {
  stack = await startStack({ taskQueue: 'policy-api' });
  call = httpClient(stack.baseUrl);
  for (const role of ['service', 'ops'] as const) {
    keys[role] = (await stack.repository.createApiKey(role, `policy-api ${role}`)).token;
  }
});
afterAll(async () => {
  await stack?.stop();
});

async function enrol(number: string, certificationDate: string): Promise<void> {
  const answer = await call('POST', '/credentials', {
    token: keys.service,
    body: { credentialNumber: number, certificationDate, holder },
  });
  expect(answer.status).toBe(202);
  await eventually(() => stack.repository.readCredential(number), 20_000, `${number} recorded`);
}

const quote = async (number: string, on?: string) =>
  (
    await call<QuoteAnswer>('GET', `/credentials/${number}/fee-quote${on ? `?on=${on}` : ''}`, {
      token: keys.ops,
    })
  ).body.quote;

const addVersion = (body: unknown, token = keys.ops) =>
  call<{ policy: PolicyVersionAnswer; fanOut: { signalled: number; failed: number } }>(
    'POST',
    '/policies/nasm-cpt/versions',
    {
      token,
      body,
    },
  );

describe('adding a policy version through the API', () => {
  const running = 'POL-RUN-1';

  beforeAll(async () => {
    await enrol(running, addDays(addYears(today, -1), 1));
    // The fan-out finds running credentials by visibility: wait until this one is listed.
    await eventually(
      async () =>
        (await stack.env.client.workflow.count(`PolicyId = 'nasm-cpt' AND ExecutionStatus = 'Running'`))
          .count > 0,
      20_000,
      'the credential in visibility',
    );
  });

  it('when GET /policies, then each policy lists its versions and the one in force today, in the API units', async () => {
    const answer = await call<PolicyList>('GET', '/policies', { token: keys.ops });
    expect(answer.status).toBe(200);
    expect(answer.body.policies.map((p) => p.id)).toEqual(['ace-cpt', 'nasm-cpt']);
    expect(answer.body.policies[1]).toMatchObject({ current: v1Out, versions: [v1Out] });
    expect(answer.body.policies[1]?.current).toMatchObject({
      requiredCeus: '2.00',
      cprAed: { units: '0.10' },
      fees: { renewalCents: NASM_CPT.fees.renewal },
    });
  });

  it('when a version is refused, then nothing is stored: not ops 403, retroactive 400, wrong id 400, not the next number 409, broken 400', async () => {
    expect((await addVersion(v2Out, keys.service)).status).toBe(403);
    const retroactive = await addVersion({ ...v2Out, effectiveFrom: today });
    expect(retroactive.status).toBe(400);
    expect(retroactive.body.error.details[0]).toMatchObject({ field: 'effectiveFrom' });
    expect((await addVersion({ ...v2Out, id: 'ace-cpt' })).status).toBe(400);
    expect((await addVersion({ ...v2Out, version: 3 })).status).toBe(409);
    expect((await addVersion({ ...v2Out, version: 1 })).status).toBe(409);
    const broken = await addVersion({ ...v2Out, timeZone: 'Mars/Olympus', fees: { renewalCents: -1 } });
    expect(broken.status).toBe(400);
    // The internal units are not the API's: fees without `Cents`, CEUs with three decimals.
    const internal = await addVersion(v2);
    expect(internal.status).toBe(400);
    expect(internal.body.error.details.map((d: { field?: string }) => d.field)).toContain(
      'fees.renewalCents',
    );
    const precise = await addVersion({ ...v2Out, requiredCeus: '3.005' });
    expect(precise.status).toBe(400);
    expect(precise.body.error.details[0]).toMatchObject({ field: 'requiredCeus' });
    const cprOver = await addVersion({ ...v2Out, cprAed: { units: '3.10', handsOnRequired: true } });
    expect(cprOver.status).toBe(400);
    expect(cprOver.body.error.details[0]).toMatchObject({
      field: 'cprAed.units',
      message: 'must not exceed requiredCeus (3.00)',
    });
    expect(await stack.repository.policyVersions('nasm-cpt')).toEqual([NASM_CPT]);
  });

  it('when ops add a higher renewal fee effective tomorrow, then the running credential quotes the old fee today and the new one from tomorrow, keeps its requirement, and gets the version by signal', async () => {
    const before = (await call<CredentialRead>('GET', `/credentials/${running}`, { token: keys.ops })).body
      .state;
    expect((await quote(running)).totalCents).toBe(NASM_CPT.fees.renewal);

    const added = await addVersion(v2Out);
    expect(added.status).toBe(201);
    expect(added.body.policy).toEqual(v2Out);
    expect(added.body.policy).toMatchObject({ requiredCeus: '3.00', fees: { renewalCents: 10_900 } });
    // Stored in the internal units: CEU hundredths, fees in cents under the rules' names.
    expect((await stack.repository.policyVersions('nasm-cpt'))[1]).toEqual(v2);
    expect(added.body.fanOut.signalled).toBeGreaterThanOrEqual(1);
    expect((await addVersion(v2Out)).status).toBe(409);
    // The fan-out is done when the API answers: the running workflow has been signalled already.
    const signals = (
      await stack.env.client.workflow.getHandle(credentialWorkflowId(running)).fetchHistory()
    ).events
      ?.map((e) => e.workflowExecutionSignaledEventAttributes?.signalName)
      .filter((name) => name !== undefined);
    expect(signals).toContain('publishPolicyVersion');

    // The fee follows the version in force on the day received; today is still the old one.
    expect((await quote(running)).totalCents).toBe(NASM_CPT.fees.renewal);
    expect((await quote(running, tomorrow)).totalCents).toBe(v2.fees.renewal);

    // The workflow has it (recorded by its handler), and its own quote for today agrees with the API.
    await eventually(
      async () => {
        const history = await call<HistoryAnswer>('GET', `/credentials/${running}/history`, {
          token: keys.ops,
        });
        return history.body.events?.some((e) => e.type === 'policy_version_received');
      },
      20_000,
      'policy_version_received in the history',
    );
    // The query answers in the contract's units; the API's schema puts them in the API's.
    const view = CredentialViewOut.parse(
      await stack.env.client.workflow.getHandle(credentialWorkflowId(running)).query(getState),
    );
    expect(view.feeQuote).toEqual(await quote(running));

    // The requirement is pinned for the cycle: unchanged mid-cycle.
    const after = (await call<CredentialRead>('GET', `/credentials/${running}`, { token: keys.ops })).body
      .state;
    expect(after.ceus.required).toBe(before.ceus.required);
    expect(after.policyVersion).toBe(1);
    expect(view.ceus.required).toBe(before.ceus.required);

    const policies = await call<PolicyList>('GET', '/policies', { token: keys.ops });
    expect(policies.body.policies[1]).toMatchObject({ current: v1Out, versions: [v1Out, v2Out] });
  });

  it('when a credential is enrolled after the version was added, then its run carries the version without a worker restart', async () => {
    await enrol('POL-NEW-1', today);
    const history = await stack.env.client.workflow
      .getHandle(credentialWorkflowId('POL-NEW-1'))
      .fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const input = JSON.parse(
      Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8'),
    ) as CredentialInput;
    expect(input.policyVersions?.map((v) => v.version)).toEqual([1, 2]);
    expect((await quote('POL-NEW-1')).totalCents).toBe(NASM_CPT.fees.renewal);
    expect((await quote('POL-NEW-1', tomorrow)).totalCents).toBe(v2.fees.renewal);
  });
});
