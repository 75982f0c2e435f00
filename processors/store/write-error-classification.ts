/**
 * Which write failures can never succeed on retry. DynamoDB answers a request it finds invalid with a 400
 * `ValidationException` (an item over 400 KB: "Item size has exceeded the maximum allowed size"; a number out of
 * range; nesting too deep) and says to fix the request rather than retry; throttling, 5xx and network errors are
 * retryable. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 * The SDK's marshaller refuses some values before sending (a non-finite or unsafe number, an unsupported type):
 * those cannot succeed either.
 */
const MARSHALL_ERRORS = [
  /^Special numeric value .* is not allowed/,
  /is (greater|lesser) than Number\.(MAX|MIN)_SAFE_INTEGER/,
  /^Unsupported type passed/,
  /^Pass options\.removeUndefinedValues=true/,
];

/** True when a write failed for a reason that retrying cannot change (validation, size, marshalling). */
export function isNonRetryableWriteError(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'ValidationException') return true;
  if (name === 'ItemCollectionSizeLimitExceededException') return true;
  return typeof message === 'string' && MARSHALL_ERRORS.some((pattern) => pattern.test(message));
}
