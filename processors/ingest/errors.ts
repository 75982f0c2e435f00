/** Base class of the ingest module's errors. */
export class IngestError extends Error {
  override readonly name: string = 'IngestError';
}

/** Thrown at cold start when an environment variable is missing or invalid; names the variable. */
export class IngestConfigError extends IngestError {
  override readonly name: string = 'IngestConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`ingest config: ${variable} ${message}`);
  }
}

/** Thrown by a token provider that cannot produce the expected bearer token. */
export class TokenUnavailableError extends IngestError {
  override readonly name: string = 'TokenUnavailableError';
}
