// Runs the built CLI (server/dist/cli.js) as a child process, as users and scripts do.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root: tests run from out/test/cli/. */
export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
export const CLI = join(ROOT, 'server', 'dist', 'cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], input?: string): CliRun {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function runJson(args: string[], input?: string): unknown {
  const run = runCli(args, input);
  if (run.status !== 0) throw new Error(`dmalens ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}
