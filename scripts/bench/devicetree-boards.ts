// The device-tree benchmark's worker (bundled by scripts/bench-devicetree.mjs): resolves the boards it is sent
// with one opener (so shared headers are read and tokenized once per worker), and, in the dtc pass, runs cpp and
// dtc as scripts/Makefile.lib does and compares the trees. Results go back as plain objects.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import {
  BoardOpener,
  compareTrees,
  kernelIncludePrefixes,
  problemLines,
  type Board,
} from '../../server/src/devicetree';

interface Job {
  kind: 'resolve' | 'dtc';
  files: string[];
}

const opener = new BoardOpener();
const scratch = mkdtempSync(join(tmpdir(), 'dmalens-dt-bench-'));
const timeBudgetMs = (workerData as { budgetMs?: number } | undefined)?.budgetMs ?? 60_000;

async function resolveOne(file: string) {
  const started = performance.now();
  const board = await opener.open({ file });
  const ms = performance.now() - started;
  let withWindows = 0;
  let multiWindows = 0;
  const devices = board.devices();
  for (const node of devices) {
    const windows = board.config(node).windows;
    if (windows && windows.length > 0) withWindows++;
    if (windows && windows.length > 1) multiWindows++;
  }
  const errors = problemLines(board).filter((line) => line.includes(': error: '));
  return {
    file,
    ms,
    failed: board.failed,
    errors: errors.slice(0, 3),
    devices: devices.length,
    withWindows,
    multiWindows,
  };
}

/** cpp and dtc exactly as scripts/Makefile.lib runs them, timed; the printed tree read back by our parser. */
function dtcRun(file: string): { ms: number; text: string | null; error: string | null } {
  const prefixes = kernelIncludePrefixes(file);
  const pre = join(scratch, 'pre.dts');
  const out = join(scratch, 'out.dts');
  const started = performance.now();
  const cpp = spawnSync(
    'cpp',
    [
      '-nostdinc',
      ...(prefixes ? ['-I', prefixes] : []),
      '-undef',
      '-D__DTS__',
      '-x',
      'assembler-with-cpp',
      '-o',
      pre,
      file,
    ],
    { encoding: 'utf8', timeout: timeBudgetMs },
  );
  if (cpp.status !== 0) return { ms: performance.now() - started, text: null, error: `cpp: ${firstLine(cpp.stderr)}` };
  const dtc = spawnSync(
    'dtc',
    [
      '-q',
      '-I',
      'dts',
      '-O',
      'dts',
      '-b',
      '0',
      '-i',
      dirname(file),
      ...(prefixes ? ['-i', prefixes] : []),
      '-o',
      out,
      pre,
    ],
    { encoding: 'utf8', timeout: timeBudgetMs },
  );
  const ms = performance.now() - started;
  if (dtc.status !== 0) return { ms, text: null, error: `dtc: ${firstLine(dtc.stderr)}` };
  return { ms, text: readFileSync(out, 'utf8'), error: null };
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => /error/i.test(line)) ?? text.split('\n')[0] ?? '').trim().slice(0, 200);
}

async function compareOne(file: string) {
  const dtc = dtcRun(file);
  if (dtc.text === null) return { file, dtcMs: dtc.ms, dtcError: dtc.error, differences: [] as string[] };
  const printed = join(scratch, 'printed.dts');
  writeFileSync(printed, dtc.text);
  const [ours, theirs]: Board[] = [await opener.open({ file }), await new BoardOpener().open({ file: printed })];
  const errors = problemLines(ours).filter((line) => line.includes(': error: '));
  const differences = [
    ...errors.slice(0, 2),
    ...compareTrees(ours.root, theirs.root)
      .slice(0, 3)
      .map(
        (difference) => `${difference.what} ${difference.path}${difference.property ? ` ${difference.property}` : ''}`,
      ),
  ];
  return { file, dtcMs: dtc.ms, dtcError: null, differences };
}

parentPort!.on('message', async (job: Job | null) => {
  if (job === null) {
    rmSync(scratch, { recursive: true, force: true });
    process.exit(0);
  }
  const results = [];
  for (const file of job.files) results.push(job.kind === 'resolve' ? await resolveOne(file) : await compareOne(file));
  parentPort!.postMessage(results);
});
