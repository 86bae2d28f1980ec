import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import type { CredentialRepository } from '../db/credential-repository';
import { compareDates, dateAt } from '../rules/calendar';
import { getPolicy } from '../rules/policies';
import {
  CREDENTIAL_WORKFLOW_TYPE,
  type CredentialInput,
  type CredentialView,
  credentialWorkflowId,
  getState,
} from '../workflows/contract';
import type { credential } from '../workflows';
import { AppError } from './errors';
import { CredentialNumber, EnrolCredentialRequest } from './schemas';
import { parse } from './validation';

export interface CredentialsRouterDeps {
  client: Client;
  repository: CredentialRepository;
  taskQueue: string;
  /** Injected so tests can pin "today". */
  now?: () => number;
}

export function createCredentialsRouter({
  client,
  repository,
  taskQueue,
  now = Date.now,
}: CredentialsRouterDeps) {
  const router = Router();

  async function currentView(number: string): Promise<CredentialView> {
    try {
      return await client.workflow.getHandle(credentialWorkflowId(number)).query(getState);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new AppError('not_found', `No credential ${number}.`);
      throw err;
    }
  }

  router.post('/', async (req, res) => {
    const body = parse(EnrolCredentialRequest, req.body);
    const policy = getPolicy(body.policyId);
    const today = dateAt(now(), policy.timeZone);
    if (compareDates(body.certificationDate, today) > 0) {
      throw new AppError('validation_failed', 'The request is invalid: fix the fields listed in details.', [
        {
          field: 'certificationDate',
          message: `must not be in the future (today is ${today} in ${policy.timeZone})`,
        },
      ]);
    }
    const input: CredentialInput = {
      credentialNumber: body.credentialNumber,
      policyId: policy.id,
      certifiedOn: body.certificationDate,
      cycle: 1,
      cycleStart: body.certificationDate,
    };
    const workflowId = credentialWorkflowId(input.credentialNumber);
    const location = `${req.baseUrl}/${encodeURIComponent(input.credentialNumber)}`;
    try {
      await client.workflow.start<typeof credential>(CREDENTIAL_WORKFLOW_TYPE, {
        workflowId,
        taskQueue,
        args: [input],
        // A credential number is enrolled once, ever: a closed (lapsed) workflow is not restarted.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `Credential ${input.credentialNumber} (${policy.id})`,
      });
      res
        .status(202)
        .location(location)
        .json({ credentialNumber: input.credentialNumber, workflowId, created: true });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Idempotent repeat: same facts answer 200; different facts for the same number are a conflict.
      const existing = await currentView(input.credentialNumber);
      if (existing.certifiedOn !== input.certifiedOn || existing.policyId !== input.policyId) {
        throw new AppError(
          'conflict',
          `Credential ${input.credentialNumber} is already enrolled with certification date ${existing.certifiedOn} and policy ${existing.policyId}.`,
        );
      }
      res
        .status(200)
        .location(location)
        .json({ credentialNumber: input.credentialNumber, workflowId, created: false });
    }
  });

  router.get('/:number', async (req, res) => {
    const number = parse(CredentialNumber, req.params.number);
    const [state, record] = await Promise.all([currentView(number), repository.findCredential(number)]);
    res.json({ state, record });
  });

  return router;
}
