/** The stack's configuration is missing, malformed or out of range; `key` names the config key. */
export class PipelineConfigError extends Error {
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
