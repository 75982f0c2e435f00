/** The environment flags are contradictory, invalid, or name an environment that lacks what the tool needs. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}
