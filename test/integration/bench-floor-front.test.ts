import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFloorFront, type FloorFront } from '../../bench/floor/front';
import { addDays, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { floorWorker } from '../support/floor-worker';
import { eventually, httpClient, type HttpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';

// The e2e floor's "facts with the rules' work" (scripts/bench-e2e-floor.ts) is only a floor if it
// does the work the product's contract forces on a fact report: the product's schema, its read of
// what the credential recorded and its check (400 for a bad report, 409 for a correction, nothing
// sent for an exact repeat), and then the signal. Checked against a credential the product recorded.

const NUMBER = 'FLOOR-FRONT-1';
const FLOOR_QUEUE = 'floor-front-floor';
const FLOOR_RUN = 'floor-front-run';

describe("the benchmark floor's front: fact reports with the rules' work", () => {
  let stack: Stack;
  let call: HttpClient;
  let front: FloorFront;
  let server: Server;
  let floorUrl = '';
  let stopFloorWorker: () => Promise<void>;
  const recorded: string[] = [];
  let token = '';
  const today = dateAt(Date.now(), NASM_CPT.timeZone);
  const course = {
    provider: 'acme-ce',
    completionId: 'C-1',
    course: 'Program design',
    units: '0.50',
    completedOn: addDays(today, -3),
    approved: true,
  };

  const report = async (body: unknown) => {
    const response = await fetch(`${floorUrl}/required-facts/${NUMBER}?workflow=${FLOOR_RUN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.text();
    return response.status;
  };

  beforeAll(async () => {
    stack = await startStack({ taskQueue: 'floor-front' });
    call = httpClient(stack.baseUrl);
    token = (await stack.repository.createApiKey('service', 'floor front')).token;
    const enrolled = await call('POST', '/credentials', {
      token,
      body: {
        credentialNumber: NUMBER,
        certificationDate: addDays(today, -100),
        holder: { name: 'Floor Holder', email: 'floor.holder@example.com' },
      },
    });
    expect(enrolled.status).toBe(202);
    expect(
      (await call('POST', `/credentials/${NUMBER}/ceu-completions`, { token, body: course })).status,
    ).toBe(202);
    await eventually(
      async () => (await stack.repository.findCredentialState(NUMBER))?.snapshot?.completions.length === 1,
      20_000,
      'the product recorded C-1',
    );

    const worker = await floorWorker(stack.env.nativeConnection, FLOOR_QUEUE, recorded);
    const running = worker.run();
    stopFloorWorker = async () => {
      worker.shutdown();
      await running;
    };
    await stack.env.client.workflow.start('floorCredential', {
      workflowId: FLOOR_RUN,
      taskQueue: FLOOR_QUEUE,
    });
    await eventually(
      () => Promise.resolve(recorded.length === 1),
      20_000,
      'the floor run recorded its start',
    );

    front = createFloorFront(stack.env.client, process.env.DATABASE_URL!, FLOOR_QUEUE);
    server = await new Promise<Server>((resolve) => {
      const s = front.server.listen(0, '127.0.0.1', () => resolve(s));
    });
    floorUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
    await front?.close();
    await stopFloorWorker?.();
    await stack?.stop();
  });

  it('when a report is malformed, dated after today or corrects a recorded one, then it answers as the API does and sends nothing', async () => {
    expect(await report({ ...course, completionId: 'C-2', units: 'half' })).toBe(400);
    expect(await report({ ...course, completionId: 'C-3', completedOn: addDays(today, 2) })).toBe(400);
    expect(await report({ ...course, units: '0.75' })).toBe(409);
    expect(await report(course)).toBe(202);
    // A new report sent after them is the first the floor run takes: none of the above reached it.
    expect(await report({ ...course, completionId: 'C-4' })).toBe(202);
    await eventually(() => Promise.resolve(recorded.length === 2), 20_000, 'the floor run recorded C-4');
    expect(recorded).toEqual([FLOOR_RUN, 'C-4']);
  });
});
