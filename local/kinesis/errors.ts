/** Base class of every error raised by the Kinesis shard reader and its checkpoint store. */
export class KinesisReaderError extends Error {
  override readonly name: string = 'KinesisReaderError';
}

/** A checkpoint file that cannot be read back: not JSON, wrong shape, or another stream's. */
export class CheckpointCorruptError extends KinesisReaderError {
  override readonly name = 'CheckpointCorruptError';
  constructor(
    readonly file: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      `checkpoint file ${file} is unusable (${detail}); move it aside to restart that consumer from its starting position`,
      options,
    );
  }
}

/** Reader options that cannot work together, named in the message. */
export class InvalidReaderOptionsError extends KinesisReaderError {
  override readonly name = 'InvalidReaderOptionsError';
}
