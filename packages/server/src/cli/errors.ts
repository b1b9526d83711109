// A command's failure as the user should read it: one message on stderr, and an exit code that
// scripts can tell apart (1: the operation failed; 2: the command line or a file is wrong).

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    /** The server answered with an error (as opposed to: it could not be reached, or the input is wrong). */
    readonly answered = false,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A wrong flag value or input file: exit code 2, like commander's own usage errors. */
export const usageError = (message: string): CliError => new CliError(message, 2);
