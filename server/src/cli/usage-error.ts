// Bad command-line usage: the CLI prints the message on stderr and exits with status 2.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit statuses of `dmalens` (a stable contract): 0 success, 1 internal failure, 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
