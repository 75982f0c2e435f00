/** Base class of every replay error. */
export class ReplayError extends Error {
  override readonly name: string = 'ReplayError';
}

/** A replay option or CLI flag is invalid; the message names it. */
export class ReplayOptionsError extends ReplayError {
  override readonly name = 'ReplayOptionsError';
}

/** An archive object or line could not be read and the run was told to stop on bad input. */
export class ArchiveReadError extends ReplayError {
  override readonly name = 'ArchiveReadError';
  constructor(
    message: string,
    /** The object's key. */
    readonly key: string,
    /** The 1-based line number, absent when the whole object is unreadable (e.g. bad gzip). */
    readonly line?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A checkpoint file does not belong to this run or cannot be parsed. */
export class CheckpointError extends ReplayError {
  override readonly name = 'CheckpointError';
}
