/** Base class of every error the Pulumi program raises before it registers resources. */
export class PipelineInfraError extends Error {
  override readonly name: string = 'PipelineInfraError';
}

/** The stack's configuration is missing, malformed or out of range; `key` names the config key. */
export class PipelineConfigError extends PipelineInfraError {
  override readonly name: string = 'PipelineConfigError';
  constructor(
    /** Fully qualified config key, e.g. `ordered-event-pipeline:processor.batchSize`. */
    readonly key: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid config "${key}": ${reason}`, options);
  }
}

/** A component was given an invalid combination of arguments; `arg` names the offending argument. */
export class ComponentArgsError extends PipelineInfraError {
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
export class HandlerBundleError extends PipelineInfraError {
  override readonly name: string = 'HandlerBundleError';
  constructor(
    readonly entry: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot bundle Lambda handler ${entry}: ${reason}`, options);
  }
}
