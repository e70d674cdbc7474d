/** A CLI failure: the message goes to stderr and the process exits with `exitCode` (2: usage). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
