// Answers the workflow command routes share, for the OpenAPI document.
export const REJECTED =
  'Rejected by the workflow: details lists every reason ({ code, message }); the refusal is recorded in the history.';

export const UPDATE_RESPONSES = {
  404: 'No such credential.',
  409:
    'The credential is closed (lapsed or revoked), or its state changed under the command; or it is moving ' +
    'into its next cycle or onto new code right now (renewal_in_progress / upgrade_in_progress): send the same ' +
    'request again (same Idempotency-Key) after Retry-After seconds.',
} as const;

/** Routes that signal the workflow (reports): accepted or not, the answer is 202 once it is sent. */
export const SIGNAL_RESPONSES = {
  404: 'No such credential.',
  409: 'The credential is closed (lapsed or revoked): it takes no more reports.',
} as const;
