// `dmalens scan --progress`: one status line on a terminal, redrawn in place, with throughput and ETA.
// Nothing at all is written when the stream is not a terminal, so logs and pipes stay clean.
import type { ScanProgress } from './scan-tree';

const BAR_WIDTH = 24;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** An `onProgress` for scanTree that draws on `stream` when it is a terminal. */
export function createProgressBar(stream: ProgressStream): (progress: ScanProgress) => void {
  if (!stream.isTTY) return () => undefined;
  return (progress) => {
    if (progress.done) {
      stream.write('\r\x1b[2K');
      return;
    }
    const line = formatProgressLine(progress);
    const width = stream.columns ?? 80;
    stream.write(`\r\x1b[2K${line.length >= width ? line.slice(0, width - 1) : line}`);
  };
}

/** The status line: bar (once the total is known), files done, files per second, ETA, files with calls. */
export function formatProgressLine(progress: ScanProgress): string {
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? progress.filesDone / seconds : 0;
  const parts: string[] = [];
  if (progress.walkDone && progress.filesSeen > 0) {
    const fraction = Math.min(1, progress.filesDone / progress.filesSeen);
    const filled = Math.round(fraction * BAR_WIDTH);
    parts.push(
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${count(progress.filesDone)}/${count(progress.filesSeen)} files`,
    );
  } else {
    parts.push(`${count(progress.filesDone)} files (still listing, ${count(progress.filesSeen)} found)`);
  }
  parts.push(`${count(Math.round(rate))} files/s`);
  if (progress.walkDone && rate > 0) parts.push(`ETA ${duration((progress.filesSeen - progress.filesDone) / rate)}`);
  parts.push(`${count(progress.candidates)} with DMA calls`);
  return parts.join('  ');
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function duration(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}
