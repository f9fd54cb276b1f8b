// The machine a platform profile's kernel is, in the terms the definitions index evaluates C in: the
// architecture folder and the machine symbols from the build table (project/build-profiles.ts), the ABI
// from the profile's architecture, and the page size the profile simulates. Every other CONFIG_ option is
// the user's choice, so a value that depends on one is given per choice.
import { paramSpec, parseParamValue, type PlatformProfile } from '@dmalens/core';
import type { TargetMachine } from '../definitions';
import { buildProfile } from '../project';

const ILP32_ARCHES: ReadonlySet<string> = new Set(['arm', 'ppc32', 'mips']);
const BIG_ENDIAN_ARCHES: ReadonlySet<string> = new Set(['ppc32', 's390x', 'mips', 'mips64']);

export function machineFor(profile: PlatformProfile): TargetMachine | null {
  const build = buildProfile(profile.id, profile.arch);
  if (!build) return null;
  const abi = ILP32_ARCHES.has(profile.arch) ? 'ILP32' : 'LP64';
  const pageShift = pageSizeOf(profile).toString(2).length - 1;
  const symbols = build.symbols;
  return {
    srcarch: build.srcarch,
    abi,
    bigEndian: BIG_ENDIAN_ARCHES.has(profile.arch),
    pageShift,
    config: (symbol) =>
      Object.hasOwn(symbols, symbol)
        ? symbols[symbol]
          ? 'y'
          : 'n'
        : symbol === '64BIT'
          ? abi === 'LP64'
            ? 'y'
            : 'n'
          : 'free',
    key: JSON.stringify([build.srcarch, abi, pageShift, symbols]),
  };
}

function pageSizeOf(profile: PlatformProfile): bigint {
  const spec = paramSpec('page_size')!;
  const value = parseParamValue(spec, profile.params['page_size'] ?? spec.default);
  return typeof value === 'bigint' ? value : 4096n;
}
