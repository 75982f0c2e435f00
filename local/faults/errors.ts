/** Fault injection options that cannot be used (the message names the field). */
export class InvalidFaultOptionsError extends Error {
  override readonly name = 'InvalidFaultOptionsError';
}

/**
 * The emulated processor crashed mid-batch (an injected fault): the invocation fails as a Lambda function error,
 * and nothing the handler does afterwards reaches the table or the bucket.
 */
export class InjectedProcessorCrash extends Error {
  override readonly name = 'InjectedProcessorCrash';
}
