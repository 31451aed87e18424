/** An error meant for the person at the terminal: printed as one line, no stack trace, exit status 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
