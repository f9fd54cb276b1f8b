#!/usr/bin/env node
// `dmalens`: dispatches to the subcommands. Bad usage exits with 2 and a message on stderr; a simulated
// kernel failure is a result (exit 0); anything unexpected exits with 1. `scan` has its own statuses
// (1 when it finds error-level diagnostics).
import { MAIN_HELP } from './cli/help';
import { printError, print } from './cli/output';
import { platformsCommand } from './cli/platforms';
import { referenceCommand } from './cli/reference';
import { scanCommand } from './cli/scan';
import { simulateCommand } from './cli/simulate';
import { tourCommand } from './cli/tour';
import { dtCommand } from './cli/dt';
import { EXIT_INTERNAL, EXIT_USAGE, UsageError } from './cli/usage-error';

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'simulate':
      return await simulateCommand(rest);
    case 'platforms':
      return platformsCommand(rest);
    case 'tour':
      return tourCommand(rest, scanCommand);
    case 'scan':
      process.exitCode = await scanCommand(rest);
      return;
    case 'reference':
      return referenceCommand(rest);
    case 'dt':
      return await dtCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return print(MAIN_HELP);
    default:
      throw new UsageError(
        `unknown command '${command}' (commands: simulate, platforms, tour, scan, reference, dt; see dmalens --help)`,
      );
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // The reader of our output went away (`dmalens scan ... | head`): like grep, stop quietly.
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return;
  if (error instanceof UsageError) {
    printError(error.message);
    process.exitCode = EXIT_USAGE;
  } else {
    printError(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = EXIT_INTERNAL;
  }
});
