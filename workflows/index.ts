export { credential } from './credential';
