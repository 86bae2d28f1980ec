import { credentialWorkflowId } from '../../workflows/contract';
import { CredentialPhase } from '../../workflows/search-attributes';
import { startStack, type Stack } from '../support/stack';

describe('walking skeleton: HTTP → API → Temporal → worker → activity → PostgreSQL', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const post = (body: unknown) =>
    fetch(`${stack.baseUrl}/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

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
    const response = await post({ credentialNumber: 'CPT-1000', certificationDate: '2025-06-30' });
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe('/credentials/CPT-1000');

    const row = await eventually(() => stack.db.credential.findUnique({ where: { number: 'CPT-1000' } }));
    expect(row).toMatchObject({ policyId: 'nasm-cpt', cycle: 1, workflowId: 'credential-CPT-1000' });
    expect(row.cycleStart.toISOString().slice(0, 10)).toBe('2025-06-30');
    expect(row.expiresOn.toISOString().slice(0, 10)).toBe('2027-06-30');
    const events = await stack.db.credentialEvent.findMany({ where: { credentialNumber: 'CPT-1000' } });
    expect(events.map((e) => e.type)).toEqual(['cycle_started']);

    const description = await stack.env.client.workflow
      .getHandle(credentialWorkflowId('CPT-1000'))
      .describe();
    expect(description.status.name).toBe('RUNNING');
    expect(await description.staticSummary()).toBe('Credential CPT-1000 (nasm-cpt)');

    const read = await fetch(`${stack.baseUrl}/credentials/CPT-1000`);
    expect(read.status).toBe(200);
    const body = (await read.json()) as {
      state: { phase: string; dates: { expiration: string } };
      record: unknown;
    };
    expect(body.state).toMatchObject({ phase: 'Active', dates: { expiration: '2027-06-30' } });
    expect(body.record).toMatchObject({ number: 'CPT-1000', expiresOn: '2027-06-30', phase: 'Active' });
    expect(CredentialPhase.name).toBe('CredentialPhase');
  });

  it('when the same credential is posted again, then no second workflow starts and the answer is 200', async () => {
    const again = await post({ credentialNumber: 'CPT-1000', certificationDate: '2025-06-30' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false });
    const runs = [];
    for await (const wf of stack.env.client.workflow.list({ query: `WorkflowId = 'credential-CPT-1000'` }))
      runs.push(wf);
    expect(runs).toHaveLength(1);
  });

  it('when the same number is posted with another certification date, then it is a 409 conflict', async () => {
    const conflict = await post({ credentialNumber: 'CPT-1000', certificationDate: '2025-07-01' });
    expect(conflict.status).toBe(409);
  });

  it('when the body is invalid, then a 400 names each field to fix', async () => {
    const bad = await post({ credentialNumber: 'x', certificationDate: '2025-02-30', extra: 1 });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { details: { field: string }[] } };
    expect(error.details.map((d) => d.field).sort()).toEqual([
      '(body)',
      'certificationDate',
      'credentialNumber',
    ]);
  });

  it('when an unknown credential is read, then it is a 404', async () => {
    expect((await fetch(`${stack.baseUrl}/credentials/CPT-404404`)).status).toBe(404);
  });
});
