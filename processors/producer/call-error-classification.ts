/**
 * What to do about a PutRecords call that threw: retry every entry in it, fail them all, or `isolate`: the request
 * was refused for its input and the error does not say which entry, so the entries are sent again in smaller
 * batches until the one at fault is alone (and fails), instead of failing every other client's entries with it.
 */
export type CallErrorVerdict = 'retry' | 'reject' | 'isolate';

/** What to do about one failed entry of a PutRecords response. */
export type EntryErrorVerdict = 'retry' | 'reject';

// Errors about the request's content, which one entry can cause for all: a request failing its API constraints (a
// partition key over 256) is refused whole with a ValidationException before any entry is written (kinesalite does
// so), and Kinesis has InvalidArgumentException, "A specified parameter exceeds its restrictions, is not supported,
// or can't be used" (https://docs.aws.amazon.com/botocore/latest/reference/services/kinesis/client/exceptions/InvalidArgumentException.html).
const INPUT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ValidationException',
  'InvalidArgumentException',
  'SerializationException',
]);

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
 * Classifies an error thrown by a whole PutRecords call. Throttling, 5xx, 429 and socket errors are retried; an
 * error about the request's input is isolated (see {@link CallErrorVerdict}); anything else (stream not found,
 * access denied, KMS key disabled) fails the entries at once, because retrying cannot fix it.
 */
export function classifyCallError(error: unknown): CallErrorVerdict {
  if (typeof error !== 'object' || error === null) return 'reject';
  const shape = error as SdkErrorShape;
  if (shape.$retryable !== undefined && shape.$retryable !== null) return 'retry';
  if (typeof shape.name === 'string' && RETRYABLE_NAMES.has(shape.name)) return 'retry';
  if (typeof shape.name === 'string' && INPUT_ERROR_NAMES.has(shape.name)) return 'isolate';
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
export function classifyEntryError(errorCode: string): EntryErrorVerdict {
  return NON_RETRYABLE_ENTRY_CODES.has(errorCode) ? 'reject' : 'retry';
}
