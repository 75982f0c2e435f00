import { vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../support/aws-clients.js';

/**
 * Emulator endpoints by the service part of `AWS_ENDPOINT_URL_<SERVICE>`, e.g. `{ DYNAMODB: 'http://127.0.0.1:4567' }`
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
export type ServiceEndpoints = Readonly<Record<string, string>>;

/**
 * Stubs `process.env` as a deployed function sees it, pointed at the emulators: the variables the program gives the
 * function, a region and credentials the emulators accept, quiet Powertools, and each SDK client sent to its
 * emulator. `NODE_OPTIONS` (the bundle's `--enable-source-maps`) is for the Lambda runtime, not this process.
 * Undo with `vi.unstubAllEnvs()`.
 */
export function stubHandlerEnvironment(
  variables: Readonly<Record<string, string>>,
  endpoints: ServiceEndpoints = {},
): void {
  for (const [key, value] of Object.entries(variables)) vi.stubEnv(key, value);
  vi.stubEnv('NODE_OPTIONS', undefined);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  for (const [service, url] of Object.entries(endpoints)) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, url);
}
