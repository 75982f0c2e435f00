/** Base of the local span store's errors. */
export class SpanStoreError extends Error {
  override readonly name: string = 'SpanStoreError';
}

/** An export could not be written to the span store (disk full, permissions…); the spans are dropped. */
export class SpanStoreWriteError extends SpanStoreError {
  override readonly name = 'SpanStoreWriteError';
  constructor(
    readonly directory: string,
    cause: unknown,
  ) {
    super(`spans could not be written to ${directory}: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/** An export after the span store was shut down (the stack is stopping); the spans are dropped. */
export class SpanStoreClosedError extends SpanStoreError {
  override readonly name = 'SpanStoreClosedError';
  constructor(readonly directory: string) {
    super(`the span store ${directory} is shut down`);
  }
}
