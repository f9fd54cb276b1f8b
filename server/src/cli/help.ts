// The help texts of `dmalens` and its subcommands.
export const MAIN_HELP = `dmalens — what each platform's Linux kernel does to a DMA address

Usage:
  dmalens simulate --platform ID [--set key=value]... [--json] OP [--key value]...
  dmalens simulate --platform ID [--set key=value]... [--json] --ops FILE|-
  dmalens platforms [--json]
  dmalens tour
  dmalens scan PATH... [--platforms a,b] [--format text|json|sarif] [--rules ...]
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
