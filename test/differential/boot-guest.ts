// Boots one guest under QEMU (TCG: KVM does not work on the machines this runs on) and returns its console.
// A guest that does not print the end of its trace in time is killed and reported with its last console
// lines; no QEMU process outlives the call, nor the test process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestKernel } from './guest-kernels';
import { MARKERS } from './guest-init';

export interface BootRequest {
  kernel: GuestKernel;
  initramfs: string;
  /** Device options after `-device`, for the virtio-blk device (the drive is added here). */
  devices: string[];
  /** Words added to the kernel command line. */
  cmdline: string[];
  /** A QEMU -netdev backend, when a device needs one. */
  netdev?: string;
  /** The QEMU machine, when not the architecture's usual one (q35, pseries). */
  machine?: GuestMachine;
  /** The guest's RAM (QEMU -m), when not GUEST_RAM. */
  ram?: string;
  timeoutMs: number;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export type GuestMachine = 'q35' | 'pseries' | 'powernv9';

interface Machine {
  args: string[];
  console: string;
  cmdline: string[];
  /**
   * Whether QEMU's default devices stay out (-nodefaults). powernv's PCIe host bridges and their root ports
   * are default devices: without them a PCI device has no bus (they are `pcie.0` and up).
   */
  noDefaults: boolean;
}

const MACHINES: Record<GuestMachine, Machine> = {
  // no_timer_check: on a loaded host the emulated timer can miss the kernel's boot-time IRQ test ("timer doesn't
  // work through Interrupt-remapped IO-APIC"), which panics a guest that would otherwise run normally.
  q35: { args: ['-machine', 'q35', '-cpu', 'max'], console: 'ttyS0', cmdline: ['no_timer_check'], noDefaults: true },
  pseries: { args: ['-machine', 'pseries'], console: 'hvc0', cmdline: [], noDefaults: true },
  // Bare-metal POWER9 under QEMU's skiboot firmware: OPAL's console is hvc0 too.
  powernv9: { args: ['-machine', 'powernv9', '-monitor', 'none'], console: 'hvc0', cmdline: [], noDefaults: false },
};

const USUAL_MACHINE: Record<GuestKernel['arch'], GuestMachine> = { amd64: 'q35', ppc64el: 'pseries' };

export const GUEST_RAM = '2G';

function qemuArguments(request: BootRequest, disk: string): string[] {
  const machine = MACHINES[request.machine ?? USUAL_MACHINE[request.kernel.arch]];
  return [
    '-accel',
    'tcg,thread=single',
    '-smp',
    '1',
    '-m',
    request.ram ?? GUEST_RAM,
    ...(machine.noDefaults ? ['-nodefaults'] : []),
    '-nographic',
    '-serial',
    'stdio',
    '-no-reboot',
    ...machine.args,
    '-kernel',
    request.kernel.image,
    '-initrd',
    request.initramfs,
    '-append',
    ['console=' + machine.console, 'nokaslr', 'panic=-1', 'quiet', ...machine.cmdline, ...request.cmdline].join(' '),
    '-drive',
    `file=${disk},format=raw,if=none,id=disk0,readonly=on`,
    ...(request.netdev ? ['-netdev', request.netdev] : []),
    ...request.devices.flatMap((device) => ['-device', device]),
  ];
}

export async function bootGuest(request: BootRequest): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'dmalens-guest-'));
  const disk = join(work, 'disk.img');
  // A disk of 4 MiB of a repeating pattern: reads of any size find data.
  writeFileSync(disk, Buffer.alloc(4 << 20, 0x5a));
  try {
    return await runQemu(request, qemuArguments(request, disk));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function runQemu(request: BootRequest, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(request.kernel.qemu, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const output: Buffer[] = [];
    // The guest waits after printing its trace; QEMU is stopped here once the end marker has arrived whole.
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output.push(chunk);
      tail = (tail + chunk.toString('latin1')).slice(-2 * MARKERS.end.length);
      if (tail.includes(MARKERS.end)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), request.timeoutMs);
    const text = (): string => Buffer.concat(output).toString('utf8').replace(/\r/g, '');
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new Error(`${request.kernel.qemu}: ${error.message} (install it: scripts/install-test-deps.sh)`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const console = text();
      if (console.includes(MARKERS.end)) return resolve(console);
      const tail = console.split('\n').slice(-25).join('\n');
      const why = signal === 'SIGKILL' ? `did not finish within ${request.timeoutMs / 1000} s` : `exited with ${code}`;
      reject(
        new Error(
          `the ${request.kernel.arch} guest (${request.devices.join(' ')}; ${request.cmdline.join(' ')}) ${why}; its console ended:\n${tail}`,
        ),
      );
    });
  });
}
