/** Base class of the ingest module's errors. */
export class IngestError extends Error {
  override readonly name: string = 'IngestError';
}

/** Thrown by a token provider that cannot produce the expected bearer token. */
export class TokenUnavailableError extends IngestError {
  override readonly name: string = 'TokenUnavailableError';
}
