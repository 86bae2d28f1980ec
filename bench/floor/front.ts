import { createServer, type Server } from 'node:http';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { AppError, ERROR_STATUS } from '../../api/errors';
import { checkCompletion, type ReportCheckServices } from '../../api/report-checks';
import { ReportCeuCompletionRequest } from '../../api/schemas/commands';
import { findCredentialState } from '../../db/credential-state';
import { createSqlPool } from '../../db/sql-pool';
import { DEFAULT_POLICY_ID, getPolicy, type CalendarDate } from '../../rules';
import { credentialWorkflowId } from '../../workflows/contract';
import { newCredentialInput, startOptions } from '../../workflows/start';

// The floor's HTTP front (scripts/bench-e2e-floor.ts), each route 202 on success:
// - POST /facts/<workflow id> with a JSON body sends it to that workflow as a signal; POST
//   /enrolments/<workflow id> starts it. No authentication, no validation, no database: the least any
//   HTTP API in front of Temporal does for an enrolment or a fact.
// - POST /required-enrolments/<credential number> does only the work the rules force on any
//   enrolment (README, "Benchmark"): the "enrolled once, ever" check against PostgreSQL (Temporal
//   forgets closed runs), a start with the run's pinned rules in its input and the search attributes
//   ops filter on (the product's own `startOptions`), and the holder's personal data written to
//   PostgreSQL after the start (never into the workflow). Still no framework, schema or key lookup.
// - POST /required-facts/<credential number>?workflow=<workflow id> does only the work the product's
//   contract forces on a fact report before its signal (a synchronous 400 or 409, README "Reports:
//   the provider contract"): the body parsed by the product's schema, the credential's recorded facts
//   read by the product's one-row SELECT, and the report checked against them by the product's own
//   check (api/report-checks.ts); then the signal, to that floor run. Still no framework or key lookup.

interface RequiredEnrolment {
  readonly credentialNumber: string;
  readonly certificationDate: CalendarDate;
  readonly policyId?: string;
  readonly holder: { readonly name: string; readonly email: string };
}

export interface FloorFront {
  readonly server: Server;
  /** Closes the database pool (the server is closed by its owner). */
  readonly close: () => Promise<void>;
}

/** The floor's HTTP front, not yet listening: `client` starts and signals, `databaseUrl` is read and written. */
export function createFloorFront(client: Client, databaseUrl: string, taskQueue: string): FloorFront {
  const pool = createSqlPool(databaseUrl);
  const checkServices: ReportCheckServices = {
    repository: { findCredentialState: (number: string) => findCredentialState(pool, number) },
    workflows: {
      policyVersions: (policyId: string) => Promise.resolve([getPolicy(policyId)]),
      state: () => Promise.reject(new Error('the floor reads only credentials with a snapshot')),
    },
  };

  /** 202 once signalled; 400 or 409 from the product's own checks, as the API answers them. */
  const requiredFact = async (number: string, workflowId: string, body: unknown): Promise<number> => {
    const parsed = ReportCeuCompletionRequest.safeParse(body);
    if (!parsed.success) return 400;
    const novelty = await checkCompletion(checkServices, number, parsed.data, Date.now());
    // The whole report, as ours sends it: the workflow is the authority and needs its facts.
    const report = { ...parsed.data, id: parsed.data.completionId };
    if (novelty === 'new') await client.workflow.getHandle(workflowId).signal('fact', report);
    return 202;
  };

  const requiredEnrolment = async (body: RequiredEnrolment): Promise<void> => {
    const { credentialNumber, certificationDate: certifiedOn, holder } = body;
    const enrolled = await pool.query('SELECT 1 FROM floor_facts WHERE id = $1', [
      credentialWorkflowId(credentialNumber),
    ]);
    if (enrolled.rowCount === 0) {
      const versions = [getPolicy(body.policyId ?? DEFAULT_POLICY_ID)];
      const input = newCredentialInput({ credentialNumber, certifiedOn, versions });
      try {
        await client.workflow.start('floorRulesCredential', {
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
      const url = new URL(req.url ?? '/', 'http://floor');
      const [, route, encoded] =
        /^\/(facts|enrolments|required-enrolments|required-facts)\/(.+)$/.exec(url.pathname) ?? [];
      const id = decodeURIComponent(encoded ?? '');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (route === 'required-facts') {
        requiredFact(id, url.searchParams.get('workflow') ?? '', body).then(
          (status) => res.writeHead(status, { 'content-type': 'application/json' }).end('{}'),
          (err: unknown) =>
            res.writeHead(err instanceof AppError ? ERROR_STATUS[err.code] : 503).end(String(err)),
        );
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
  return { server, close: () => pool.end() };
}
