/** Base class of every error raised by the local Pipe. */
export class PipeError extends Error {
  override readonly name: string = 'PipeError';
}

/** A Pipe definition AWS would refuse at `CreatePipe` (batch size, filters, template, target parameters). */
export class InvalidPipeConfigError extends PipeError {
  override readonly name: string = 'InvalidPipeConfigError';
  constructor(
    readonly field: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid pipe ${field}: ${reason}`, options);
  }
}

/** A malformed input template; `position` is the character offset of the problem. */
export class InvalidInputTemplateError extends PipeError {
  override readonly name: string = 'InvalidInputTemplateError';
  constructor(
    readonly position: number,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Invalid input template at character ${position}: ${reason}`, options);
  }
}

/** A JSON path AWS Pipes does not support (dot names, dashes, underscores, `[n]`, `*`). */
export class InvalidJsonPathError extends PipeError {
  override readonly name: string = 'InvalidJsonPathError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Invalid JSON path ${JSON.stringify(path)}: ${reason}`);
  }
}

/** One record could not be turned into a bus entry (a target parameter path found nothing, say). */
export class PipeRecordError extends PipeError {
  override readonly name: string = 'PipeRecordError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
