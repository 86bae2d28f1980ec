import { compareDates, dateAt } from '../../rules/calendar';
import { cycleDates, lapsedCycle } from '../../rules/cycle';
import { getPolicy } from '../../rules/policies';
import { type CredentialInput, credentialWorkflowId } from '../../workflows/contract';
import { AppError } from '../errors';
import { defineRoute } from '../registry';
import { EnrolCredentialRequest } from '../schemas/credentials';

export const enrolCredential = defineRoute({
  operationId: 'enrolCredential',
  method: 'post',
  path: '/credentials',
  tag: 'credentials',
  summary: 'Enrol a credential: starts its workflow and stores the holder.',
  description:
    'Idempotent per credential number: a repeat with the same certification date and policy answers 200 ' +
    "(the first enrolment's holder is kept), different facts answer 409. The holder is personal data: it is kept " +
    'in PostgreSQL only and never sent to the workflow.',
  access: ['service', 'ops'],
  body: EnrolCredentialRequest,
  responses: {
    202: 'Enrolled: the workflow is starting (Location: the credential).',
    200: 'Already enrolled with the same facts.',
    409: 'Already enrolled with another certification date or policy.',
    422: 'Refused: the certification cycle has already lapsed (the message names its lapse date).',
  },
  async handler({ body, services: { repository, taskQueue, now, workflows } }) {
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
    // The same rule as bulk import: a credential whose lapse date has come is not started at all.
    const lapsed = lapsedCycle(1, cycleDates(body.certificationDate, policy), today);
    if (lapsed) {
      throw new AppError(
        'rejected',
        `Credential ${body.credentialNumber} cannot be enrolled: its ${lapsed} (a lapsed credential is not enrolled).`,
        [{ field: 'certificationDate', code: 'lapsed', message: lapsed }],
      );
    }
    const input: CredentialInput = {
      credentialNumber: body.credentialNumber,
      policyId: policy.id,
      certifiedOn: body.certificationDate,
      cycle: 1,
      cycleStart: body.certificationDate,
    };
    const workflowId = credentialWorkflowId(input.credentialNumber);
    const headers = { Location: `/credentials/${encodeURIComponent(input.credentialNumber)}` };
    const enrolment = await workflows.enrol(input, taskQueue);
    if (enrolment.outcome === 'conflict') {
      const { certifiedOn, policyId } = enrolment.existing;
      throw new AppError(
        'conflict',
        `Credential ${input.credentialNumber} is already enrolled with certification date ${certifiedOn} and policy ${policyId}.`,
      );
    }
    const created = enrolment.outcome === 'started';
    // After the start, so a conflicting repeat never overwrites the holder of another enrolment;
    // a crash in between is healed by the client's retry (same facts → 200 and saved).
    await repository.saveHolder(input.credentialNumber, body.holder);
    return {
      status: created ? 202 : 200,
      headers,
      body: { credentialNumber: input.credentialNumber, workflowId, created },
    };
  },
});
