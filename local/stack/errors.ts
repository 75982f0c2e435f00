/** Base class of the local stack's errors. */
export class LocalStackError extends Error {
  override readonly name: string = 'LocalStackError';
}

/** The data directory is corrupt, from an incompatible version, or not a local stack's directory. */
export class DataDirError extends LocalStackError {
  override readonly name = 'DataDirError';
  constructor(
    readonly dataDir: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `data directory ${dataDir}: ${problem}. Nothing was deleted; move it away or choose another directory with --data-dir (or PIPELINE_DATA_DIR)`,
      options,
    );
  }
}

/** Options the stack can not run with (the message names the option). */
export class InvalidStackOptionsError extends LocalStackError {
  override readonly name = 'InvalidStackOptionsError';
}
