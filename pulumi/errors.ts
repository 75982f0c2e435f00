/** Re-exported: the config schema (config/, shared with the local stack) raises it. */
export { PipelineConfigError } from '../config/errors.js';

/** A component was given an invalid combination of arguments; `arg` names the offending argument. */
export class ComponentArgsError extends Error {
  override readonly name: string = 'ComponentArgsError';
  constructor(
    readonly component: string,
    readonly arg: string,
    readonly reason: string,
  ) {
    super(`${component}: invalid argument "${arg}": ${reason}`);
  }
}

/** esbuild could not bundle a Lambda handler. */
export class HandlerBundleError extends Error {
  override readonly name: string = 'HandlerBundleError';
  constructor(
    readonly entry: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot bundle Lambda handler ${entry}: ${reason}`, options);
  }
}
