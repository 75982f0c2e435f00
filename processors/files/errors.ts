/** A file that exists but does not hold what its reader expects (not JSON); the message names the file. */
export class JsonFileError extends Error {
  override readonly name = 'JsonFileError';
  constructor(
    readonly file: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${file} ${detail}`, options);
  }
}
