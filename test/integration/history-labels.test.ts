import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createDb, type Db } from '../../db/client';
import { history } from '../../db/history';
import { createRepository } from '../../db/repository';
import type { HistoryEntry, Repository } from '../../db/types';
import { instantAt } from '../../rules/calendar';
import { cycleDates } from '../../rules/cycle';
import { getPolicy } from '../../rules/policies';
import { SYSTEM } from '../../workflows/contract';
import { type HttpClient, httpClient } from '../support/http';

// GET /credentials/:number/history names each actor by its API key's label, not only its id: over
// HTTP against the real PostgreSQL of global setup. The route reads the database only, so the
// Temporal client is a lazy connection that is never opened.

const policy = getPolicy('nasm-cpt');
const NUMBER = 'HL-1';
const START = '2025-06-30';

let repository: Repository;
let server: Server;
let call: HttpClient;
const keys = { ops: { id: '', token: '' }, portal: { id: '', token: '' } };

beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
  repository = createRepository(createDb(url));
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const app = createApp({ client, repository, taskQueue: 'history-labels' });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  call = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  keys.ops = await repository.createApiKey('ops', 'Ops desk (Lee)');
  keys.portal = await repository.createApiKey('portal', 'Member portal');

  await repository.recordEvent({
    key: `${NUMBER}:c1:started`,
    credentialNumber: NUMBER,
    cycle: 1,
    at: instantAt(START, '12:00', policy.timeZone),
    actor: SYSTEM,
    type: 'cycle_started',
    policyId: policy.id,
    workflowId: `credential-${NUMBER}`,
    certifiedOn: START,
    dates: cycleDates(START, policy),
    phase: 'Active',
  });
  const refuse = (actor: { kind: 'ops' | 'portal'; id: string }, type: string) =>
    repository.recordRejectedCommand({
      credentialNumber: NUMBER,
      type,
      actor,
      reasons: [{ code: 'not_allowed', message: 'Refused for the test.' }],
      data: {},
      at: Date.now(),
    });
  await refuse({ kind: 'portal', id: keys.portal.id }, 'application_rejected');
  await refuse({ kind: 'ops', id: keys.ops.id }, 'audit_decision_rejected');
  // A key that no longer exists (rows outlive keys): its id stays, its label is unknown.
  await refuse({ kind: 'ops', id: randomUUID() }, 'revocation_rejected');
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await repository?.close();
});

describe('history answers name the API key by its label', () => {
  it('when ops read a credential’s history, then each actor carries its key’s label beside its id', async () => {
    const answer = await call<{ events: HistoryEntry[] }>('GET', `/credentials/${NUMBER}/history`, {
      token: keys.ops.token,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.events.map((e) => [e.type, e.actor])).toEqual([
      ['cycle_started', { kind: 'system', id: 'workflow', label: null }],
      ['application_rejected', { kind: 'portal', id: keys.portal.id, label: 'Member portal' }],
      ['audit_decision_rejected', { kind: 'ops', id: keys.ops.id, label: 'Ops desk (Lee)' }],
      ['revocation_rejected', { kind: 'ops', id: expect.any(String), label: null }],
    ]);
  });

  it('when the history is long, then the labels come from one lookup, not one query per entry', async () => {
    for (let i = 0; i < 20; i += 1) {
      const key = await repository.createApiKey('portal', `Portal ${i}`);
      await repository.recordRejectedCommand({
        credentialNumber: NUMBER,
        type: 'application_rejected',
        actor: { kind: 'portal', id: key.id },
        reasons: [{ code: 'not_allowed', message: 'Refused for the test.' }],
        data: {},
        at: Date.now(),
      });
    }
    const operations: string[] = [];
    const base = createDb(process.env.DATABASE_URL!);
    const counted = base.$extends({
      query: {
        async $allOperations({ model, operation, args, query }) {
          operations.push(`${model}.${operation}`);
          return query(args) as Promise<unknown>;
        },
      },
    }) as unknown as Db;
    try {
      const entries = await history(counted, NUMBER);
      expect(entries).toHaveLength(24);
      expect(entries.at(-1)?.actor.label).toBe('Portal 19');
      expect(operations).toEqual(['CredentialEvent.findMany', 'ApiKey.findMany']);
    } finally {
      await base.$disconnect();
    }
  });
});
