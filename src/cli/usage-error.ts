/** A wrong command line: said with a hint, exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}
