// Boots each configuration's guest (two at a time: one QEMU per core) and replays its trace: what the test
// asserts and what docs/fidelity.md tabulates come from the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootGuest } from './boot-guest';
import type { Configuration } from './configurations';
import { guestKernel, type GuestArch, type GuestKernel } from './guest-kernels';
import { buildInitramfs } from './initramfs';
import { replay, type Replay } from './replay';
import { guestProblems, parseTrace, traceText } from './trace-events';

export interface GuestRun {
  config: Configuration;
  kernel: GuestKernel;
  replay: Replay;
  bootMs: number;
}

/** Long enough for a guest that boots in about 8 s on a loaded 2-core machine, short enough to fail fast. */
const BOOT_TIMEOUT_MS = 180_000;

export async function runGuests(configs: readonly Configuration[], parallel = 2): Promise<GuestRun[]> {
  const work = mkdtempSync(join(tmpdir(), 'dmalens-differential-'));
  try {
    const kernels = new Map<GuestArch, GuestKernel>();
    // One initramfs per architecture and workload.
    const initramfs = new Map<string, string>();
    const imageOf = (config: Configuration): string => {
      const kernel = kernels.get(config.arch) ?? guestKernel(config.arch);
      kernels.set(config.arch, kernel);
      const key = `${config.arch} ${JSON.stringify(config.workload)}`;
      let image = initramfs.get(key);
      if (!image) {
        image = buildInitramfs(kernel, config.workload, join(work, `initramfs-${initramfs.size}.cpio.gz`));
        initramfs.set(key, image);
      }
      return image;
    };
    const images = configs.map(imageOf);
    const runs: GuestRun[] = new Array(configs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < configs.length) {
        const index = next++;
        const config = configs[index]!;
        runs[index] = await runOne(config, kernels.get(config.arch)!, images[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, configs.length) }, worker));
    return runs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function runOne(config: Configuration, kernel: GuestKernel, initramfs: string): Promise<GuestRun> {
  const started = performance.now();
  const request = {
    kernel,
    initramfs,
    devices: config.devices,
    cmdline: config.cmdline,
    timeoutMs: BOOT_TIMEOUT_MS,
    ...(config.netdev ? { netdev: config.netdev } : {}),
    ...(config.machine ? { machine: config.machine } : {}),
    // The RAM the simulation is told of is the RAM QEMU gives the guest.
    ...(typeof config.params['ram'] === 'string' ? { ram: config.params['ram'] } : {}),
  };
  // A guest that does not come up is booted once more (a loaded host can starve an emulated timer at boot);
  // a second failure fails the run with both consoles' endings.
  const console = await bootGuest(request).catch((first: Error) =>
    bootGuest(request).catch((second: Error) => {
      throw new Error(
        `${config.id}: the guest did not come up twice.\nFirst: ${first.message}\nThen: ${second.message}`,
      );
    }),
  );
  const bootMs = performance.now() - started;
  const problems = guestProblems(console);
  if (problems.length > 0) {
    const tail = console.split('\n').slice(-20).join('\n');
    throw new Error(`${config.id}: the guest reported:\n${problems.join('\n')}\nits console ended:\n${tail}`);
  }
  return { config, kernel, replay: replay(config, parseTrace(traceText(console), config.arch)), bootMs };
}
