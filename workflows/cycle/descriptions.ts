// What the Temporal UI shows beside each signal, update and query ("Send a Signal", "Send an
// Update", "Queries"): the payload's fields and their units, for ops typing JSON by hand. The HTTP API
// is the usual way in; these are the workflow's own messages (CEUs in hundredths, money in cents).

const ACTOR = '{"kind":"ops","id":"<your staff or API key id>"}';
const RECEIVED =
  '"receivedAt" (optional): ISO instant the request was received, e.g. "2026-03-14T23:59:50Z".';

export const DESCRIPTIONS = {
  getState:
    "The credential's full state: phase, dates, CEU balance (hundredths: 190 = 1.90 CEUs), facts, petitions, " +
    "application, audit, today's fee (cents) and what comes next. Read-only.",
  reportCeuCompletion:
    'Record a completed course. Payload: {"provider":"acme-ce","completionId":"A-1","course":"Nutrition",' +
    '"units":50,"completedOn":"2026-01-10","approved":true,"reportedBy":' +
    ACTOR +
    '}. "units" is whole hundredths of a CEU (50 = 0.50 CEUs). A repeat is ignored; different facts under the ' +
    'same provider and completionId are refused as a correction. ' +
    RECEIVED,
  reportCprAed:
    'Record a CPR/AED certification. Payload: {"certificationId":"RC-42","issuedOn":"2026-01-02",' +
    '"expiresOn":"2028-01-02","handsOn":true,"reportedBy":' +
    ACTOR +
    '}. ' +
    RECEIVED,
  publishPolicyVersion:
    "A new version of this credential's policy (normally sent by the service when ops add one through the API). " +
    'Payload: the whole policy version as stored in policy_versions.rules. Fees and the audit rate follow it from ' +
    'its effectiveFrom day; a cycle keeps the requirement it started with.',
  upgrade:
    'Continue as new now with the whole state, onto the code the workers run today (fleet upgrades). ' +
    'Payload: {"requestedBy":' +
    ACTOR +
    ',"reason":"deploy 2026-11"}. Safe at any time: nothing is lost or repeated.',
  recordingFailed:
    "Sent by the worker, not by people: PostgreSQL did not take batch N of this run's events, and the run " +
    'records it again by its activities. Payload: {"batch":N}. Sent by hand it changes no fact: the ' +
    'run records its last batch once more (idempotent) and its later events more slowly; any other batch ' +
    'is refused and the refusal recorded.',
  filePetition:
    'File a petition for a course that is not pre-approved. Payload: {"course":"Kettlebells","provider":"gym",' +
    '"requestedUnits":40,"completedOn":"2026-02-01","paymentReference":"pay-9","amountPaid":2500,"filedBy":' +
    ACTOR +
    '}. Units in hundredths (40 = 0.40 CEUs), amountPaid in cents (2500 = $25.00). ' +
    RECEIVED,
  decidePetition:
    'Approve or deny a petition. Payload: {"petitionId":"CPT-1-c1-pet1","decision":"approved","grantedUnits":30,' +
    '"decidedBy":' +
    ACTOR +
    '} or {"petitionId":"…","decision":"denied","reason":"Not a fitness course.","decidedBy":…}. ' +
    'grantedUnits in hundredths, up to the requested units (default all).',
  submitApplication:
    'Apply for renewal. Payload: {"paymentReference":"pay-10","amountPaid":9900,"submittedBy":' +
    ACTOR +
    '}. amountPaid in cents (9900 = $99.00); must cover the fee due on the day received. ' +
    RECEIVED,
  submitAuditDocuments:
    'Submit audit documents. Payload: {"documents":[{"reference":"vault://c/1.pdf","description":"Certificates"}],' +
    '"submittedBy":' +
    ACTOR +
    '}. References only, never file bodies. ' +
    RECEIVED,
  decideAudit:
    'Pass or fail an audit whose documents are in. Payload: {"outcome":"passed","reason":"Certificates match.",' +
    '"decidedBy":' +
    ACTOR +
    '}. A reason is required.',
  revoke:
    'Revoke the credential for good (the one way to end it early; "Request Cancellation" is refused). ' +
    'Payload: {"reason":"Fraudulent exam record.","revokedBy":' +
    ACTOR +
    '}.',
} as const;
