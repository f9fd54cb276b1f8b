// `dmalens tour` (what `npm start` shows): one buffer mapped on many platforms side by side, the kernel
// stages behind a few of them, a virtio buffer with and without VIRTIO_F_ACCESS_PLATFORM, a board from its
// device tree with a driver's call site on it, then a scan of the bundled example drivers.
import {
  formatAddress,
  wrap,
  renderTextComparison,
  renderTextPipeline,
  type OpResult,
  type PlatformResult,
} from '@dmalens/core';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from './args';
import { TOUR_HELP } from './help';
import { print } from './output';
import { platformLabel, runOn } from './run';
import { UsageError } from './usage-error';
import { boardTourText } from './tour-board';

/** A 1514-byte network frame below 1 GiB, so that window offsets (RPi4) and bypass bases (powerpc) show. */
const BUFFER = { phys: 0x1234_5000n, size: 1514n };

interface TourPlatform {
  id: string;
  set?: Record<string, string>;
  /** Shown instead of the id when overrides change what the profile models. */
  label?: string;
}

const MAPPING_PLATFORMS: TourPlatform[] = [
  { id: 'x86_64' },
  { id: 'x86_64-vtd' },
  { id: 'x86_64-sme-host' },
  { id: 'x86_64-sev-guest' },
  { id: 'x86_64-tdx-guest' },
  { id: 'arm64', set: { coherent: 'false' }, label: 'arm64 non-coherent' },
  { id: 'arm64-smmu' },
  { id: 'rpi4-soc' },
  { id: 'pseries' },
  { id: 'pseries', set: { dma_mask: '32' }, label: 'pseries 32-bit mask' },
  { id: 'powernv' },
  { id: 's390-pv' },
  { id: 'xen-pv' },
  { id: 'xen-grant' },
];

/** Rows whose stages the tour prints in full: a hypercall path, a bounce path and a window offset. */
const DETAILED = ['pseries 32-bit mask', 'x86_64-sev-guest', 'rpi4-soc'];

const VIRTIO_CASES: { platform: TourPlatform; offered: string[] }[] = [
  { platform: { id: 'x86_64' }, offered: ['VERSION_1'] },
  { platform: { id: 'x86_64-vtd', label: 'x86_64-vtd +AP' }, offered: ['VERSION_1', 'ACCESS_PLATFORM'] },
  { platform: { id: 'pseries' }, offered: ['VERSION_1'] },
  { platform: { id: 'pseries', label: 'pseries +AP' }, offered: ['VERSION_1', 'ACCESS_PLATFORM'] },
  { platform: { id: 'x86_64-sev-guest' }, offered: ['VERSION_1'] },
  { platform: { id: 'x86_64-sev-guest', label: 'x86_64-sev-guest +AP' }, offered: ['VERSION_1', 'ACCESS_PLATFORM'] },
  { platform: { id: 'x86_64-tdx-guest' }, offered: ['VERSION_1'] },
  { platform: { id: 'xen-grant', label: 'xen-grant +AP' }, offered: ['VERSION_1', 'ACCESS_PLATFORM'] },
];

function mapOnPlatform(platform: TourPlatform): PlatformResult & { map: OpResult } {
  const run = runOn(
    platform.id,
    platform.set ?? {},
    [
      { op: 'map_single', phys: BUFFER.phys, size: BUFFER.size, dir: 'to_device' },
      { op: 'unmap', of: 0 },
    ],
    'tour',
  );
  const [map, unmap] = run.results as [OpResult, OpResult];
  return { platform: { ...platformLabel(run), id: platform.label ?? platform.id }, result: map, related: [unmap], map };
}

function virtioOnPlatform(platform: TourPlatform, offered: string[]): PlatformResult {
  // A probe that fails stops the driver before any buffer is added, so the add runs only after a good probe.
  const probe = runOn(platform.id, platform.set ?? {}, [{ op: 'virtio_negotiate', offered }], 'tour');
  const label = { ...platformLabel(probe), id: platform.label ?? platform.id };
  if (probe.results[0]!.error !== null) return { platform: label, result: probe.results[0]! };
  const run = runOn(
    platform.id,
    platform.set ?? {},
    [
      { op: 'virtio_negotiate', offered },
      { op: 'virtqueue_add', out: [BUFFER], in: [] },
      { op: 'virtqueue_get_buf', of: 1 },
    ],
    'tour',
  );
  const [, add, done] = run.results as [OpResult, OpResult, OpResult];
  return { platform: label, result: add, related: [done] };
}

export function tourText(): string {
  const buffer = `phys ${formatAddress(BUFFER.phys)}, ${BUFFER.size} bytes, DMA_TO_DEVICE, 64-bit DMA mask`;
  const rows = MAPPING_PLATFORMS.map(mapOnPlatform);
  const sections = [
    `DMA Lens tour — the same dma_map_single() on ${rows.length} platforms (Linux 6.1 rules)`,
    `Buffer: ${buffer}.\nCosts include the matching dma_unmap_single().`,
    renderTextComparison(rows),
    ...DETAILED.map((id) => {
      const row = rows.find((entry) => entry.platform.id === id);
      return row ? `-- ${id} (${row.platform.title}), stage by stage:\n${renderTextPipeline(row.map)}` : '';
    }).filter(Boolean),
    wrap(
      'Virtio: virtqueue_add_outbuf() of the same buffer after feature negotiation (+AP = the device offers VIRTIO_F_ACCESS_PLATFORM; without it the ring skips the DMA API and hands the device guest-physical addresses).',
      100,
    ).join('\n'),
    renderTextComparison(VIRTIO_CASES.map(({ platform, offered }) => virtioOnPlatform(platform, offered))),
    'Try:\n  dmalens simulate --platform x86_64,pseries,rpi4-soc map_single --phys 0x12345000 --size 0x3000 \\\n      --dir bidirectional\n  dmalens platforms',
  ];
  return sections.join('\n\n');
}

/** The example drivers next to the bundle (server/dist/cli.js -> examples/), as a path relative to the cwd. */
function examplesDir(): string | null {
  const dir = join(__dirname, '..', '..', 'examples');
  if (!existsSync(dir)) return null;
  return relative(process.cwd(), dir) || '.';
}

/**
 * Prints the tour, then scans the example drivers. The scan's findings are the point of the demo, so its
 * "error-level findings" status does not make the tour fail; only a scan that could not run does (it throws).
 */
export async function tourCommand(argv: readonly string[], scan: (argv: string[]) => Promise<number>): Promise<void> {
  const parsed = parseArgs(argv, { values: [], flags: ['help'] }, 'tour');
  if (parsed.flags.has('help')) return print(TOUR_HELP);
  if (parsed.positionals.length) throw new UsageError(`tour: unexpected argument '${parsed.positionals[0]}'`);
  print(tourText());
  const examples = examplesDir();
  if (examples === null)
    return print('\n(The example drivers are not next to this installation, so the scan part of the tour is skipped.)');
  print(`\n${await boardTourText(examples)}`);
  print(`\nThe bundled example drivers, scanned: dmalens scan --notes ${examples}\n`);
  await scan(['--notes', examples]);
}
