/** Base class of the bus bridge's errors. */
export class BusBridgeError extends Error {
  override readonly name: string = 'BusBridgeError';
}

/** The Pipe invoked the enrichment with something other than a batch (a JSON array of records). */
export class NotABatchError extends BusBridgeError {
  override readonly name: string = 'NotABatchError';
}
