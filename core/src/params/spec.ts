// Parameter specifications. Each platform family declares the parameters it reads in its own file and
// registers them here, so that validation, the CLI (`--set key=value`), JSON requests, editor settings
// and the generated reference page all come from one catalogue.
import type { ParamValue } from '../types';

export type ParamKind =
  | 'size' // bytes; accepts 4096, 0x1000, 4K, 8G
  | 'address' // 64-bit address; accepts decimal or 0x hex
  | 'mask' // a DMA mask; accepts a bit count (32) or a hex mask (0xffffffff)
  | 'int'
  | 'bool'
  | 'enum'
  | 'list' // list of strings, comma separated on the command line
  | 'windows' // list of {cpu, dma, size}; `cpu:dma:size,...` on the command line
  | 'map'; // string -> string, `k=v;k=v` on the command line (e.g. the Xen p2m)

export interface ParamSpec {
  key: string;
  kind: ParamKind;
  /** For enums, the accepted values. */
  values?: readonly string[];
  /** One or two sentences for the reference page and settings, naming the kernel concept it models. */
  doc: string;
  /** Kernel source or spec reference for the concept. */
  ref: string;
  /** Which families read it; documentation only. `*` for every profile. */
  appliesTo: string;
  /**
   * The value a profile gets when it does not set the key. Written in the same forms users type
   * (e.g. '8G', 32, '0xBBF00000'), so the reference page can show it verbatim.
   */
  default: string | number | boolean | readonly unknown[] | Record<string, string>;
  /** Inclusive bounds for `int` and `size` parameters. */
  min?: number;
  max?: number;
  /** The kernel only knows powers of two here (page sizes, cache lines, IOMMU granules). */
  powerOfTwo?: boolean;
  /**
   * Another key this one replaces when set: a layer (profile or overrides) that sets this key resets the
   * other to its default, unless the same layer sets the other too (then both non-default is an error).
   */
  supersedes?: string;
}

export type Params = Record<string, ParamValue>;

const registry = new Map<string, ParamSpec>();
/** The registry in key order; every session resolves its parameters through it, so it is sorted once. */
let sortedSpecs: readonly ParamSpec[] | null = null;

export function defineParams(specs: readonly ParamSpec[]): void {
  for (const spec of specs) {
    if (registry.has(spec.key)) throw new Error(`parameter '${spec.key}' is declared twice`);
    registry.set(spec.key, spec);
  }
  sortedSpecs = null;
}

export function paramSpec(key: string): ParamSpec | undefined {
  return registry.get(key);
}

export function allParamSpecs(): ParamSpec[] {
  sortedSpecs ??= [...registry.values()].sort((a, b) => a.key.localeCompare(b.key));
  return [...sortedSpecs];
}
