import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { API_KEY_TTL_MS } from '../../api/api-key-cache';
import { createApp } from '../../api/app';
import { createDb } from '../../db/client';
import { createRepository } from '../../db/repository';
import type { Repository } from '../../db/types';
import { type HttpClient, httpClient } from '../support/http';

// An API process looks a key up once per API_KEY_TTL_MS, not on every request, and a key revoked in
// PostgreSQL is refused once that time has passed. Over HTTP against the real PostgreSQL of global
// setup; GET /policies reads the database only, so the Temporal client is never opened.

const url = () => process.env.DATABASE_URL as string;
let repository: Repository;
let server: Server;
let call: HttpClient;
let lookups = 0;
let clock = Date.parse('2026-11-27T12:00:00Z');

beforeAll(async () => {
  repository = createRepository(createDb(url()));
  const counted: Repository = {
    ...repository,
    findApiKey: (token) => {
      lookups += 1;
      return repository.findApiKey(token);
    },
  };
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const app = createApp({ client, repository: counted, taskQueue: 'api-key-cache', now: () => clock });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  call = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await repository.close();
});

async function revoke(id: string): Promise<void> {
  const client = new pg.Client({ connectionString: url() });
  await client.connect();
  try {
    await client.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [id]);
  } finally {
    await client.end();
  }
}

describe('API keys', () => {
  it('are looked up once per TTL, and a revoked key is refused once the TTL has passed', async () => {
    const { id, token } = await repository.createApiKey('ops', 'Ops desk');
    expect((await call('GET', '/policies', { token })).status).toBe(200);

    const before = lookups;
    for (let i = 0; i < 5; i += 1) expect((await call('GET', '/policies', { token })).status).toBe(200);
    expect(lookups - before).toBe(0);

    await revoke(id);
    clock += API_KEY_TTL_MS;
    expect((await call('GET', '/policies', { token })).status).toBe(200);
    clock += 1;
    const refused = await call('GET', '/policies', { token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe('The API key is unknown or revoked.');
    expect(lookups - before).toBe(1);
  });

  it('are looked up once when several requests bring a new key at the same moment', async () => {
    const { token } = await repository.createApiKey('ops', 'Ops desk, busy');
    const before = lookups;
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('GET', '/policies', { token })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(lookups - before).toBe(1);
  });

  it('are not remembered as unknown: a refused token is looked up again on the next request', async () => {
    const { id, token } = await repository.createApiKey('service', 'Provider');
    await revoke(id);
    expect((await call('GET', '/policies', { token })).status).toBe(401);
    const before = lookups;
    expect((await call('GET', '/policies', { token })).status).toBe(401);
    expect(lookups - before).toBe(1);
  });

  it('are scoped to their role even when cached: a cached service key still gets 403 on an ops route', async () => {
    const { token } = await repository.createApiKey('service', 'Provider two');
    expect((await call('GET', '/report-outcomes', { token })).status).toBe(200);
    const forbidden = await call('GET', '/policies', { token });
    expect(forbidden.status).toBe(403);
  });
});
