/** One bad environment variable of a Lambda. */
export interface EnvironmentProblem {
  readonly variable: string;
  readonly problem: string;
}

/** Thrown at cold start when a Lambda's environment is invalid; the message names each bad variable. */
export class LambdaConfigError extends Error {
  override readonly name: string = 'LambdaConfigError';
  constructor(
    /** The Lambda, e.g. `stream processor`. */
    readonly lambda: string,
    readonly problems: readonly EnvironmentProblem[],
  ) {
    super(
      `invalid ${lambda} configuration: ${problems.map((p) => `${p.variable}: ${p.problem}`).join('; ')}`,
    );
  }
}
