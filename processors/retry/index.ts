export { type Backoff, type BackoffJitter, backoffDelayMs } from './backoff.js';
