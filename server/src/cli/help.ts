// The help texts of `dmalens` and its subcommands.
import { DEFAULT_MAX_FILE_BYTES } from '../batch/scan-tree';
import { DEFAULT_PLATFORMS } from '../config/settings';
export const MAIN_HELP = `dmalens — what each platform's Linux kernel does to a DMA address

Usage:
  dmalens simulate --platform ID [--set key=value]... [--json] OP [--key value]...
  dmalens simulate --platform ID [--set key=value]... [--json] --ops FILE|-
  dmalens platforms [--json]
  dmalens tour
  dmalens scan PATH... [--platforms a,b] [--format text|json|sarif] [--rules a,b] ...
  dmalens reference            (prints docs/reference/platforms.md)

Run \`dmalens COMMAND --help\` for the options of a command.
Exit status: 0 success (a simulated kernel failure is a result), 2 bad usage, 1 internal error
(scan: 1 when it finds error-level diagnostics).
`;

export const SIMULATE_HELP = `Usage: dmalens simulate --platform ID [--set key=value]... [--json] OP [--key value]...
       dmalens simulate --platform ID [--set key=value]... [--json] --ops FILE|-

Simulates DMA-API and virtio operations on one or more platform profiles (see \`dmalens platforms\`).

Options:
  --platform ID      platform profile; repeat it or separate ids with commas for a side-by-side comparison
  --set key=value    override a profile parameter (e.g. --set dma_mask=32 --set ram=8G); applies to every platform
  --ops FILE         run the JSON array of requests in FILE in one session; '-' reads standard input, e.g.
                     [{"op":"map_single","phys":"0x123456789","size":"0x200","dir":"from_device"},{"op":"unmap","of":0}]
  --svg FILE         also write the address pipeline of the last request on the first four platforms as a
                     self-contained SVG (the picture the editor's pipeline view shows)
  --json             print JSON instead of text: one object {"platform", "params", "results": [...]} for one
                     platform, an array of such objects (in --platform order) for several
  --help             show this help

Operations and their arguments (addresses and sizes as decimal or 0x hex; dir: to_device, from_device,
bidirectional, none or the DMA_* name):
  map_single | map_page   --phys A --size N --dir D [--attrs SKIP_CPU_SYNC,...] [--cpu C]
  map_sg                  --entries phys:size,phys:size --dir D [--attrs ...]
  map_resource            --phys A --size N --dir D
  alloc_coherent          --size N [--gfp GFP_KERNEL|GFP_ATOMIC]
  dma_pool_create         --size N [--align N] [--boundary N]
  set_mask                --mask 32|0xffffffff [--which streaming|coherent|both]
  virtio_negotiate        --offered VERSION_1,ACCESS_PLATFORM,... [--transport pci-modern|pci-legacy|mmio|ccw]
  virtqueue_add           [--out phys:size,...] [--in phys:size,...] [--no-indirect]
  vring_alloc             --num N [--packed] [--legacy]
  unmap, sync_for_cpu, sync_for_device, free_coherent, dma_pool_alloc, virtqueue_get_buf refer to an earlier
  request with --of INDEX, so they are used in --ops sequences.

Example:
  dmalens simulate --platform pseries map_single --phys 0x12345000 --size 0x3000 --dir bidirectional
`;

export const PLATFORMS_HELP = `Usage: dmalens platforms [--json]

Lists the built-in platform profiles with what they model and the parameters every profile accepts
(as --set key=value, in --ops sessions and in the editor settings).
  --json   print {"profiles": [...], "parameters": [...]} instead of text
`;

export const TOUR_HELP = `Usage: dmalens tour

Maps the same buffer on many platforms side by side, shows the kernel stages of a few of them, compares
a virtio buffer with and without VIRTIO_F_ACCESS_PLATFORM, and scans the bundled example drivers.
`;

export const REFERENCE_HELP = `Usage: dmalens reference

Prints the reference page of every platform profile and parameter (docs/reference/platforms.md) as markdown.
`;

export const SCAN_HELP = `Usage: dmalens scan PATH... [--platforms id,id] [--format text|json|sarif] [--rules id,id]
                    [--exclude GLOB]... [--jobs N] [--cache DIR | --no-cache] [--max-file-size BYTES] [--progress]

Every DMA-API and virtio call site and finding under the paths, written while the scan runs.
  --platforms      target platform ids (default: ${DEFAULT_PLATFORMS.join(',')})
  --format         text (compiler style, with a note per mapping, default), json (sites, their per-platform
                   summaries and findings), or sarif (SARIF 2.1.0, findings only)
  --rules          only these rule ids (default: all)
  --exclude        skip paths matching the glob (repeatable; adds to the defaults)
  --jobs           threads that analyse files, this process's own included (0 or 1: no worker threads;
                   default: one per core, at most 4)
  --cache DIR      where the scan cache lives (default: $XDG_CACHE_HOME/dmalens); --no-cache disables it
  --max-file-size  skip files larger than this many bytes (default ${DEFAULT_MAX_FILE_BYTES}), with a note
  --progress       draw a progress bar on stderr when it is a terminal
Exit status: 0 no error-level findings, 1 error-level findings, 2 bad usage.
`;
