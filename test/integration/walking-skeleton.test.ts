import { credentialWorkflowId } from '../../workflows/contract';
import { CredentialPhase } from '../../workflows/search-attributes';
import { startStack, type Stack } from '../support/stack';

describe('walking skeleton: HTTP → API → Temporal → worker → activity → PostgreSQL', () => {
  let stack: Stack;
  let serviceToken: string;
  let opsToken: string;
  const holder = { name: 'Walking Skeleton', email: 'skeleton@example.test' };

  beforeAll(async () => {
    stack = await startStack();
    serviceToken = (await stack.repository.createApiKey('service', 'skeleton service')).token;
    opsToken = (await stack.repository.createApiKey('ops', 'skeleton ops')).token;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const post = (body: unknown) =>
    fetch(`${stack.baseUrl}/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${serviceToken}` },
      body: JSON.stringify(body),
    });
  const get = (path: string) =>
    fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${opsToken}` } });

  async function eventually<T>(read: () => Promise<T | null | undefined>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('when a credential is enrolled over HTTP, then its workflow runs and its row and start event are in PostgreSQL', async () => {
    const response = await post({ credentialNumber: 'CPT-1000', certificationDate: '2025-06-30', holder });
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe('/credentials/CPT-1000');

    const row = await eventually(() => stack.repository.findCredential('CPT-1000'));
    expect(row).toMatchObject({
      policyId: 'nasm-cpt',
      cycle: 1,
      cycleStart: '2025-06-30',
      expiresOn: '2027-06-30',
      phase: 'Active',
    });
    const history = await stack.repository.history('CPT-1000');
    expect(history[0]).toMatchObject({
      type: 'cycle_started',
      outcome: 'accepted',
      actor: { kind: 'system' },
    });
    expect(await stack.db.holder.findUnique({ where: { credentialNumber: 'CPT-1000' } })).toMatchObject(
      holder,
    );

    const description = await stack.env.client.workflow
      .getHandle(credentialWorkflowId('CPT-1000'))
      .describe();
    expect(description.status.name).toBe('RUNNING');
    expect(await description.staticSummary()).toBe('Credential CPT-1000 (nasm-cpt)');

    const read = await get('/credentials/CPT-1000');
    expect(read.status).toBe(200);
    const body = (await read.json()) as {
      state: { phase: string; dates: { expiration: string } };
      records: { credential: unknown };
    };
    expect(body.state).toMatchObject({ phase: 'Active', dates: { expiration: '2027-06-30' } });
    expect(body.records.credential).toMatchObject({
      number: 'CPT-1000',
      expiresOn: '2027-06-30',
      phase: 'Active',
    });
    expect(CredentialPhase.name).toBe('CredentialPhase');
  });

  it('when the same credential is posted again, then no second workflow starts and the answer is 200', async () => {
    const again = await post({ credentialNumber: 'CPT-1000', certificationDate: '2025-06-30', holder });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false });
    const runs = [];
    for await (const wf of stack.env.client.workflow.list({ query: `WorkflowId = 'credential-CPT-1000'` }))
      runs.push(wf);
    expect(runs).toHaveLength(1);
  });

  it('when the same number is posted with another certification date, then it is a 409 conflict', async () => {
    const conflict = await post({ credentialNumber: 'CPT-1000', certificationDate: '2025-07-01', holder });
    expect(conflict.status).toBe(409);
  });

  it('when the body is invalid, then a 400 names each field to fix', async () => {
    const bad = await post({ credentialNumber: 'x', certificationDate: '2025-02-30', extra: 1 });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { details: { field: string }[] } };
    expect(error.details.map((d) => d.field)).toEqual(
      expect.arrayContaining(['certificationDate', 'credentialNumber', 'holder']),
    );
  });

  it('when an unknown credential is read, then it is a 404', async () => {
    expect((await get('/credentials/CPT-404404')).status).toBe(404);
  });
});
