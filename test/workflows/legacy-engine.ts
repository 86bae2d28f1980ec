// A workflow bundle entry with the first release's engine only, as workers ran it before the
// versioned engine: upgrade.test.ts starts runs on it, then moves them onto the current code.
export { credentialV1 as credential } from '../../workflows/v1/credential';
