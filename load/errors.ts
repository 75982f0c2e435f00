/** Base class of every load-test error. */
export class LoadError extends Error {
  override readonly name: string = 'LoadError';
}

/** A command-line option or scenario value is invalid; raised before any traffic is sent (exit code 2). */
export class InvalidLoadOptionsError extends LoadError {
  override readonly name = 'InvalidLoadOptionsError';
}

/** The target cannot be resolved or reached (no endpoints file, stack not running, token rejected). */
export class LoadTargetError extends LoadError {
  override readonly name = 'LoadTargetError';
}
