/** Base class of the producer's own errors (Kinesis failures end up in results, not thrown). */
export class ProducerError extends Error {
  override readonly name: string = 'ProducerError';
}

/** Thrown by `createOrderedProducer` when its options are contradictory or out of range. */
export class InvalidProducerOptionsError extends ProducerError {
  override readonly name: string = 'InvalidProducerOptionsError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}
