import { addDays, addYears, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { credentialWorkflowId, upgrade } from '../../workflows/contract';
import { eventually, type HttpClient, httpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';

// Issue 8 on the real server: "Request Cancellation" (the UI's button, `temporal workflow cancel`)
// is recorded and refused, and the credential keeps every ability, including continuing as new (the
// ops `upgrade` signal), which the time-skipping server cannot do after a cancellation request.

describe('a cancellation request on the real server', () => {
  let stack: Stack;
  let call: HttpClient;
  const keys = { service: '', ops: '' };
  const NUMBER = 'CANCEL-1';
  const today = dateAt(Date.now(), NASM_CPT.timeZone);

  beforeAll(async () => {
    stack = await startStack({ taskQueue: 'cancellation' });
    call = httpClient(stack.baseUrl);
    keys.service = (await stack.repository.createApiKey('service', 'cancel service')).token;
    keys.ops = (await stack.repository.createApiKey('ops', 'cancel ops')).token;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const eventTypes = async (): Promise<string[]> =>
    (
      await stack.db.credentialEvent.findMany({
        where: { credentialNumber: NUMBER },
        orderBy: { id: 'asc' },
      })
    ).map((e) => `${e.type}:${e.outcome}`);

  it('when ops request cancellation and then an upgrade, then the cancel is refused and recorded, the run continues as new, and the credential still counts CEUs', async () => {
    const enrolled = await call('POST', '/credentials', {
      token: keys.service,
      body: {
        credentialNumber: NUMBER,
        certificationDate: addYears(today, -1),
        holder: { name: 'Cancel Holder', email: 'cancel.holder@example.com' },
      },
    });
    expect(enrolled.status).toBe(202);
    const handle = stack.env.client.workflow.getHandle(credentialWorkflowId(NUMBER));
    const first = await handle.describe();

    await handle.cancel();
    await eventually(
      async () => (await eventTypes()).includes('cancel:rejected'),
      20_000,
      'the refused cancel',
    );
    expect((await handle.describe()).status.name).toBe('RUNNING');

    await handle.signal(upgrade, { requestedBy: { kind: 'ops', id: 'ops-key-1' } });
    const next = await eventually(
      async () => {
        const now = await handle.describe();
        return now.runId !== first.runId && now;
      },
      20_000,
      'a new run',
    );
    expect(next.status.name).toBe('RUNNING');
    // The new run records the old run's last events (continued_as_new) on its first task.
    const types = await eventually(
      async () => {
        const now = await eventTypes();
        return now.includes('continued_as_new:accepted') && now;
      },
      20_000,
      'continued_as_new recorded',
    );
    expect(types.filter((t) => t === 'cycle_started:accepted')).toHaveLength(1);

    const reported = await call('POST', `/credentials/${NUMBER}/ceu-completions`, {
      token: keys.service,
      body: {
        provider: 'acme-ce',
        completionId: 'C-1',
        course: 'After the upgrade',
        units: '0.50',
        completedOn: addDays(today, -3),
        approved: true,
      },
    });
    expect(reported.status).toBe(202);
    await eventually(
      async () => (await stack.db.ceuRecord.count({ where: { credentialNumber: NUMBER } })) === 1,
      20_000,
      'the CEU record',
    );
    expect((await call('GET', `/credentials/${NUMBER}`, { token: keys.ops })).status).toBe(200);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});
