import type { Route } from '../registry';
import { decideAuditRoute } from './decide-audit';
import { decidePetitionRoute } from './decide-petition';
import { docsRoute, openApiRoute } from './docs';
import { enrolCredential } from './enrol-credential';
import { filePetitionRoute } from './file-petition';
import { getCredentialRoute } from './get-credential';
import { getHistoryRoute } from './get-history';
import { healthRoute, readyRoute } from './health';
import { importCredentialsRoute } from './import-credentials';
import { addPolicyVersionRoute, listPoliciesRoute } from './policies';
import { listCredentialsRoute } from './list-credentials';
import { quoteFeeRoute } from './quote-fee';
import { reportCeuCompletionRoute } from './report-ceu-completion';
import { reportCprAedRoute } from './report-cpr-aed';
import {
  getCeuCompletionOutcomeRoute,
  getCprAedOutcomeRoute,
  listReportOutcomesRoute,
} from './report-outcomes';
import { revokeCredentialRoute } from './revoke-credential';
import { submitApplicationRoute } from './submit-application';
import { submitAuditDocumentsRoute } from './submit-audit-documents';
import { verifyCredentialRoute } from './verify-credential';

/** Every operation of the API, in the order the documentation lists them. */
export const ROUTES: readonly Route[] = [
  enrolCredential,
  listCredentialsRoute,
  getCredentialRoute,
  getHistoryRoute,
  quoteFeeRoute,
  reportCeuCompletionRoute,
  reportCprAedRoute,
  listReportOutcomesRoute,
  getCeuCompletionOutcomeRoute,
  getCprAedOutcomeRoute,
  filePetitionRoute,
  decidePetitionRoute,
  submitApplicationRoute,
  submitAuditDocumentsRoute,
  decideAuditRoute,
  revokeCredentialRoute,
  verifyCredentialRoute,
  importCredentialsRoute,
  listPoliciesRoute,
  addPolicyVersionRoute,
  healthRoute,
  readyRoute,
  openApiRoute,
  docsRoute,
];
