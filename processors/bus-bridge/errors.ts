/** Base class of the bus bridge's errors. */
export class BusBridgeError extends Error {
  override readonly name: string = 'BusBridgeError';
}

/** Thrown at cold start when an environment variable is missing or invalid; names the variable. */
export class BusBridgeConfigError extends BusBridgeError {
  override readonly name: string = 'BusBridgeConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`bus bridge config: ${variable} ${message}`);
  }
}

/** The Pipe invoked the enrichment with something other than a batch (a JSON array of records). */
export class NotABatchError extends BusBridgeError {
  override readonly name: string = 'NotABatchError';
}
