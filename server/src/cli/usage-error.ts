// Bad command-line usage: the CLI prints the message on stderr and exits with status 2.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit statuses of `dmalens` besides 0 (a stable contract): 1 internal failure, 2 bad usage. */
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
