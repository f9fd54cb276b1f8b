// The Debian 6.1 kernels the differential suite boots, as scripts/install-test-deps.sh unpacks them into
// the test-deps cache (never into the repository): each architecture's kernel image, its modules and a
// static busybox for the initramfs.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type GuestArch = 'amd64' | 'ppc64el';

export interface GuestKernel {
  arch: GuestArch;
  /** The kernel release, e.g. 6.1.0-50-amd64. */
  release: string;
  /** The Debian package version, e.g. 6.1.176-1, from the unpacked package's file name. */
  version: string;
  image: string;
  modules: string;
  busybox: string;
  qemu: string;
}

export function testDepsDir(): string {
  return process.env.DMALENS_TEST_DEPS_DIR ?? join(homedir(), '.cache/dmalens-test-deps');
}

const IMAGE_PREFIX: Record<GuestArch, string> = { amd64: 'vmlinuz-', ppc64el: 'vmlinux-' };
const QEMU: Record<GuestArch, string> = { amd64: 'qemu-system-x86_64', ppc64el: 'qemu-system-ppc64' };

/** The unpacked kernel of one architecture; throws with the command that provides it when it is missing. */
export function guestKernel(arch: GuestArch): GuestKernel {
  const root = join(testDepsDir(), 'guests', arch);
  const missing = (what: string): Error =>
    new Error(`${what} for ${arch} is missing under ${root}: run scripts/install-test-deps.sh`);
  const boot = join(root, 'boot');
  const image = existsSync(boot) ? readdirSync(boot).find((name) => name.startsWith(IMAGE_PREFIX[arch])) : undefined;
  if (!image) throw missing('the Debian 6.1 kernel image');
  const release = image.slice(IMAGE_PREFIX[arch].length);
  const modules = join(root, 'lib/modules', release, 'kernel');
  if (!existsSync(modules)) throw missing(`the modules of ${release}`);
  // amd64 uses the host's busybox-static; ppc64el gets the ppc64el package unpacked beside its kernel.
  const busybox = arch === 'amd64' ? '/bin/busybox' : join(root, 'bin/busybox');
  if (!existsSync(busybox)) throw missing('busybox (busybox-static)');
  const version = readdirSync(join(testDepsDir(), 'guests')).find(
    (name) => name.startsWith('linux-image-6.1') && name.includes(arch === 'amd64' ? '_amd64' : '_ppc64el'),
  );
  return {
    arch,
    release,
    version: version?.split('_')[1] ?? 'unknown',
    image: join(boot, image),
    modules,
    busybox,
    qemu: QEMU[arch],
  };
}
