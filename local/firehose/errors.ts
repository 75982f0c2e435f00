/** Base class of every error raised by the emulated Firehose. */
export class FirehoseError extends Error {
  override readonly name: string = 'FirehoseError';
}

/** An option outside what the emulated Firehose accepts, named in the message. */
export class InvalidFirehoseOptionsError extends FirehoseError {
  override readonly name = 'InvalidFirehoseOptionsError';
}

/** A buffered object could not be written to S3; its records stay unacknowledged and are read again. */
export class FirehoseDeliveryError extends FirehoseError {
  override readonly name = 'FirehoseDeliveryError';
  constructor(
    readonly key: string,
    readonly records: number,
    options?: ErrorOptions,
  ) {
    super(`could not write ${key} (${records} records) to S3`, options);
  }
}
