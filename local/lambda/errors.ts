/** Base class of every error raised by the emulated Lambda event source mapping. */
export class EventSourceMappingError extends Error {
  override readonly name: string = 'EventSourceMappingError';
}

/** An option outside what Lambda accepts, named in the message. */
export class InvalidEventSourceMappingOptionsError extends EventSourceMappingError {
  override readonly name = 'InvalidEventSourceMappingOptionsError';
}

/** The function threw (or rejected) for a batch; the batch is a whole failure. */
export class FunctionInvocationError extends EventSourceMappingError {
  override readonly name = 'FunctionInvocationError';
  constructor(
    readonly shardId: string,
    readonly firstSequenceNumber: string,
    readonly batchSize: number,
    options?: ErrorOptions,
  ) {
    super(`function failed on ${shardId} batch of ${batchSize} from ${firstSequenceNumber}`, options);
  }
}

/** The on-failure destination could not store a discarded batch; the shard waits and retries. */
export class OnFailureDestinationError extends EventSourceMappingError {
  override readonly name = 'OnFailureDestinationError';
}
