import { z } from 'zod';
import { ImportFileError } from '../../import/parse';
import { runImport } from '../../import/run';
import { AppError } from '../errors';
import { defineRoute } from '../registry';

const FILE_MESSAGE = 'send the file as the request body (CSV with a header line, or NDJSON)';

export const importCredentialsRoute = defineRoute({
  operationId: 'importCredentials',
  method: 'post',
  path: '/imports',
  tag: 'operations',
  summary: 'Bulk import: enrol the credentials of a CSV or NDJSON file (up to 10 MB).',
  description:
    'One row per credential: credentialNumber, certificationDate, policyId (default nasm-cpt), holderName, ' +
    'holderEmail, currentCycle (default 1), currentCycleStart (the certification date for cycle 1, else the day ' +
    'after the previous expiration), ceusEarned (approved course CEUs already earned in the current cycle, ' +
    'imported as one opening-balance completion) or, in NDJSON, completions, and optionally cprAedId, ' +
    'cprAedIssuedOn, cprAedExpiresOn, cprAedHandsOn. Every row is validated and reported by line; valid rows ' +
    'start their workflow 16 at a time. Safe to repeat: an enrolled number counts as already enrolled and is ' +
    'not started again. For files larger than 10 MB use `npm run import`.',
  access: ['ops'],
  textBody: { mediaTypes: ['text/csv', 'application/x-ndjson'], limit: '10mb' },
  body: z.string({ error: FILE_MESSAGE }).min(1, FILE_MESSAGE),
  responses: {
    200: 'The summary: counts per outcome, elapsed time, and every invalid, conflicting or failed row by line.',
    400: 'The file cannot be imported at all (empty, or a CSV header with unknown or missing columns).',
  },
  async handler({ body, services: { workflows, repository, taskQueue, now } }) {
    try {
      const summary = await runImport(body, { workflows, repository, taskQueue, now });
      return { status: 200, body: summary };
    } catch (err) {
      if (!(err instanceof ImportFileError)) throw err;
      throw new AppError('validation_failed', err.message, [{ field: '(body)', message: err.message }]);
    }
  },
});
