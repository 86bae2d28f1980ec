import { createServer } from 'node:http';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import pg from 'pg';
import { DEFAULT_POLICY_ID, getPolicy, type CalendarDate } from '../../rules';
import { credentialWorkflowId } from '../../workflows/contract';
import { newCredentialInput, startOptions } from '../../workflows/start';

// The floor's HTTP front (scripts/bench-e2e-floor.ts), both 202 on success:
// - POST /facts/<workflow id> with a JSON body sends it to that workflow as a signal; POST
//   /enrolments/<workflow id> starts it. No authentication, no validation, no database: the least any
//   HTTP API in front of Temporal does for an enrolment or a fact.
// - POST /required-enrolments/<credential number> does only the work the rules force on any
//   enrolment (README, "Benchmark"): the "enrolled once, ever" check against PostgreSQL (Temporal
//   forgets closed runs), a start with the run's pinned rules in its input and the search attributes
//   ops filter on (the product's own `startOptions`), and the holder's personal data written to
//   PostgreSQL after the start (never into the workflow). Still no framework, schema or key lookup.

interface RequiredEnrolment {
  readonly credentialNumber: string;
  readonly certificationDate: CalendarDate;
  readonly policyId?: string;
  readonly holder: { readonly name: string; readonly email: string };
}

async function main(): Promise<void> {
  const {
    TEMPORAL_ADDRESS: address,
    FLOOR_PORT: port,
    FLOOR_TASK_QUEUE: taskQueue,
    DATABASE_URL: databaseUrl,
  } = process.env;
  if (!address || !port || !taskQueue || !databaseUrl) {
    throw new Error('TEMPORAL_ADDRESS, FLOOR_PORT, FLOOR_TASK_QUEUE and DATABASE_URL are required');
  }
  const client = new Client({ connection: await Connection.connect({ address }) });
  const pool = new pg.Pool({ connectionString: databaseUrl });

  const requiredEnrolment = async (body: RequiredEnrolment): Promise<void> => {
    const { credentialNumber, certificationDate: certifiedOn, holder } = body;
    const enrolled = await pool.query('SELECT 1 FROM floor_facts WHERE id = $1', [
      credentialWorkflowId(credentialNumber),
    ]);
    if (enrolled.rowCount === 0) {
      const versions = [getPolicy(body.policyId ?? DEFAULT_POLICY_ID)];
      const input = newCredentialInput({ credentialNumber, certifiedOn, versions });
      try {
        await client.workflow.start('floorCredential', {
          ...startOptions(input, Date.now()),
          taskQueue,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
    await pool.query(
      'INSERT INTO floor_holders (credential_number, name, email) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [credentialNumber, holder.name, holder.email],
    );
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [, route, encoded] = /^\/(facts|enrolments|required-enrolments)\/(.+)$/.exec(req.url ?? '') ?? [];
      const id = decodeURIComponent(encoded ?? '');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const sent =
        route === 'enrolments'
          ? client.workflow.start('floorCredential', { workflowId: id, taskQueue, args: [] })
          : route === 'required-enrolments'
            ? requiredEnrolment(body as RequiredEnrolment)
            : client.workflow.getHandle(id).signal('fact', body);
      sent.then(
        () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}'),
        (err: unknown) => res.writeHead(503).end(String(err)),
      );
    });
  });
  server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
  process.on('SIGINT', () => server.close(() => void pool.end().then(() => process.exit(0))));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
