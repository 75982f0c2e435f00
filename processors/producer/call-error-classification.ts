/** What to do about a PutRecords call that threw: retry every entry in it, or fail them all. */
export type CallErrorVerdict = 'retry' | 'reject';

// Kinesis and SDK error names that are worth retrying: throttling, service-side and transport faults.
const RETRYABLE_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'InternalFailureException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ThrottlingException',
  'Throttling',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

// Node socket errors: the request may not have reached Kinesis, or its answer was lost.
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/**
 * Classifies an error thrown by a whole PutRecords call. Throttling, 5xx, 429 and socket errors are retried;
 * anything else (stream not found, access denied, validation, KMS key disabled) fails the entries at once,
 * because retrying cannot fix it.
 */
export function classifyCallError(error: unknown): CallErrorVerdict {
  if (typeof error !== 'object' || error === null) return 'reject';
  const shape = error as SdkErrorShape;
  if (shape.$retryable !== undefined && shape.$retryable !== null) return 'retry';
  if (typeof shape.name === 'string' && RETRYABLE_NAMES.has(shape.name)) return 'retry';
  if (typeof shape.code === 'string' && RETRYABLE_CODES.has(shape.code)) return 'retry';
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return 'retry';
  return 'reject';
}

/** A one-line description of an error for results and logs: `Name: message`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

// Per-record error codes that retrying cannot fix (SSE with a broken KMS key, missing permissions).
const NON_RETRYABLE_ENTRY_CODES: ReadonlySet<string> = new Set([
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSAccessDeniedException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'AccessDeniedException',
]);

/**
 * Classifies one failed entry of a PutRecords response. AWS documents `ProvisionedThroughputExceededException`
 * and `InternalFailure`, both retried; codes known to be permanent fail at once.
 */
export function classifyEntryError(errorCode: string): CallErrorVerdict {
  return NON_RETRYABLE_ENTRY_CODES.has(errorCode) ? 'reject' : 'retry';
}
