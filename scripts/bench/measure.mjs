// Runs a command as a child process and measures its wall time and peak RSS. Peak RSS comes from GNU
// time (`/usr/bin/time -f %M`, the kernel's ru_maxrss of the child) when installed, else from polling
// VmHWM in /proc, which can miss only a peak reached in the last few milliseconds.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

/**
 * Runs `command args` with stdout read in full (counted, and kept when `keepStdout`), stderr kept for errors.
 * Resolves to {wallMs, rssKb, exitCode, stdout, stdoutBytes, stderr}.
 */
export function measure(command, args, { env = process.env, cwd, keepStdout = false, nice = null } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'dmalens-bench-'));
  const rssFile = join(scratch, 'rss');
  const useTime = existsSync(GNU_TIME);
  let argv = [command, ...args];
  if (nice !== null) argv = ['nice', '-n', String(nice), ...argv];
  if (useTime) argv = [GNU_TIME, '-f', '%M', '-o', rssFile, ...argv];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0], argv.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    let stdoutBytes = 0;
    let stderr = '';
    let polledKb = 0;
    child.stdout.on('data', (chunk) => {
      stdoutBytes += chunk.length;
      if (keepStdout) chunks.push(chunk);
    });
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString();
    });
    const poll = useTime ? null : setInterval(() => (polledKb = Math.max(polledKb, readPeakKb(child.pid))), 10);
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on('close', (exitCode) => {
      const wallMs = performance.now() - started;
      if (poll) clearInterval(poll);
      // A process that ended before the first poll has no reading: unknown, not zero.
      let rssKb = polledKb > 0 ? polledKb : NaN;
      if (useTime) {
        try {
          rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        } catch {
          rssKb = NaN;
        }
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({
        wallMs,
        rssKb,
        exitCode,
        stdout: keepStdout ? Buffer.concat(chunks).toString('utf8') : '',
        stdoutBytes,
        stderr,
      });
    });
  });
}

/** VmHWM (peak resident set) of a live process in kB, or 0 when it has gone. */
export function readPeakKb(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export function readRssKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      rssKb: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN),
      peakKb: Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN),
    };
  } catch {
    return { rssKb: NaN, peakKb: NaN };
  }
}

/** Median and range of a list of numbers. */
export function stats(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN, count: 0 };
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], count: sorted.length };
}

/** The p-th percentile (0..100) by the nearest-rank method. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
