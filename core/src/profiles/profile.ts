// A platform profile is data: which kernel paths a device on that machine takes, with the parameter
// values that select them. Behaviour lives in the kernel-named stage modules, never in profiles.
import type { Params } from '../params/spec';

export interface PlatformProfile {
  /** Stable id users type in settings and on the command line, e.g. `pseries`. */
  id: string;
  title: string;
  arch: 'x86_64' | 'arm64' | 'arm' | 'ppc64' | 'ppc32' | 'mips64' | 'mips' | 'riscv64' | 's390x';
  /** Short label for inlay hints and table headers, e.g. `pseries`, `SEV`. */
  short: string;
  /** What the profile models, in a few sentences, including what it leaves out. */
  description: string;
  /** Kernel sources (and spec sections) the profile's rules come from. */
  sources: string[];
  /** Parameter values; every key must be a registered parameter. Unset keys take the family defaults. */
  params: Params;
  /** For a profile derived from a built-in one (a user's custom platform), the built-in profile's id. */
  extends?: string;
}
