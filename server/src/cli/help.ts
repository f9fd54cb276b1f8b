// The help texts of `dmalens` and its subcommands.
import { DEFAULT_MAX_FILE_BYTES } from '../batch/scan-tree';
import { DEFAULT_PLATFORMS } from '../config/settings';
export const MAIN_HELP = `dmalens — what each platform's Linux kernel does to a DMA address

Usage:
  dmalens simulate --platform ID [--set key=value]... [--json] OP [--key value]...
  dmalens simulate --platform ID [--set key=value]... [--json] --ops FILE|-
  dmalens simulate --dts FILE --node PATH [--platform ID]... OP [--key value]...
  dmalens platforms [--json]
  dmalens tour
  dmalens scan PATH... [--platforms auto|a,b] [--format text|json|sarif] [--rules a,b] ...
  dmalens reference            (prints docs/reference/platforms.md)
  dmalens dt FILE.dts [--include DIR]... [--overlay FILE]... [--node PATH] [--json]

Run \`dmalens COMMAND --help\` for the options of a command.
Exit status: 0 success (a simulated kernel failure is a result), 2 bad usage, 1 internal error
(scan: 1 when it finds error-level diagnostics).
`;

export const SIMULATE_HELP = `Usage: dmalens simulate --platform ID [--set key=value]... [--json] OP [--key value]...
       dmalens simulate --platform ID [--set key=value]... [--json] --ops FILE|-
       dmalens simulate --dts FILE --node PATH [--platform ID]... [--set key=value]... OP [--key value]...

Simulates DMA-API and virtio operations on one or more platform profiles (see \`dmalens platforms\`).

Options:
  --platform ID      platform profile; repeat it or separate ids with commas for a side-by-side comparison
  --set key=value    override a profile parameter (e.g. --set dma_mask=32 --set ram=8G); applies to every platform
  --dts FILE         a device tree whose nodes (--node PATH, repeatable) become platforms: the node's dma-ranges
                     windows, bus_dma_limit, masks, coherence, IOMMU and restricted pool as of_dma_configure gives
                     them, the board's memory nodes as RAM (see dmalens dt); --include DIR, --overlay FILE and
                     --arch ARCH as for dmalens dt
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
  fq_timeout              the lazy dma-iommu flush-queue timer fires: IOVAs queued by unmaps return to the
                          rcache (a later map reuses the last one first), so a sequence can say when time passed
  unmap, sync_for_cpu, sync_for_device, free_coherent, dma_pool_alloc, virtqueue_get_buf refer to an earlier
  request with --of INDEX, so they are used in --ops sequences. In --ops files alloc_coherent and vring_alloc
  also take "phys" (one block) or "pages" (dma-iommu's remapped pages, in order): the pages a real kernel's
  trace shows, instead of the stand-in page allocator's choice.

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

export const SCAN_HELP = `Usage: dmalens scan PATH... [--platforms auto|id,id] [--format text|json|sarif|checkpatch]
                    [--rules id,id] [--notes] [--baseline REPORT.json] [--fail-on SEVERITY] [--exclude GLOB]...
                    [--jobs N] [--cache DIR | --no-cache] [--max-file-size BYTES] [--progress]
       dmalens scan --diff REV|A..B|PATCH|- [PATH...] [same options]

Every finding under the paths (and, on request, what each platform does at every DMA call), written while
the scan runs. With --diff, only what a change is answerable for.
  --platforms      auto (the default): each file's own targets, from its kernel tree's Makefiles and Kconfig
                   (outside a kernel tree, and for files that build almost everywhere, the default platforms
                   ${DEFAULT_PLATFORMS.join(',')}); or a list of platform ids for every file
  --diff CHANGE    check a change: a git revision (its diff to the working tree), a range A..B, a patch file
                   (git format-patch or diff -u, applied to the working tree or not) or - for one on standard
                   input. Each C file it changes is analysed whole, before and after; reported are the
                   findings on lines it adds and the findings it brings into functions it touches. PATHs
                   (default .) limit the files; a patch's paths are relative to the git top level (or to the
                   current directory outside git)
  --format         text (compiler style, findings only, default), json (sites, their per-platform
                   summaries and findings), sarif (SARIF 2.1.0, findings only), or checkpatch (as
                   checkpatch.pl --terse --show-types: FILE:LINE: WARNING:TYPE: message, then its total line)
  --notes          text: also a note per mapping, allocation and virtqueue add saying what each platform
                   does there (x86: direct · SEV: bounce 1514 B · pseries: H_PUT_TCE ×1)
  --rules          only these rule ids (default: all)
  --baseline FILE  leave out the findings of an earlier \`--format json\` report (matched by file path and
                   fingerprint, which edits elsewhere in the file keep): report only what is new
  --exclude        skip paths matching the glob (repeatable; adds to the defaults)
  --jobs           threads that analyse files, this process's own included (0 or 1: no worker threads;
                   default: one per core, at most 4)
  --cache DIR      where the scan cache lives (default: $XDG_CACHE_HOME/dmalens); --no-cache disables it
  --max-file-size  skip files larger than this many bytes (default ${DEFAULT_MAX_FILE_BYTES}), with a note
  --progress       draw a progress bar on stderr when it is a terminal
  --fail-on        the least severity that makes the exit status 1: error (the default), warning (the
                   default with --diff), information, hint, or never
A changed file the patch matches neither applied nor unapplied is listed as skipped, with the hunk.
Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 bad usage (an unknown option, a
revision git does not know, a malformed patch).
`;

export const DT_HELP = `Usage: dmalens dt FILE.dts [--include DIR]... [--overlay FILE]... [--node PATH] [--arch ARCH] [--json]

Resolves a device tree as the kernel build does (cpp with the kernel's DTS include paths, then dtc's
includes, labels, &label overrides, /delete-node/ and /delete-property/), applies overlays in order, and
prints for every enabled device node with a compatible the DMA configuration Linux 6.1 computes at
of_dma_configure time: the dma-ranges windows (dev->dma_range_map), bus_dma_limit, coherence, an IOMMU
and a restricted DMA pool.

Options:
  --include DIR    also search DIR for #include and /include/ (after the file's folder and, inside a kernel
                   tree, scripts/dtc/include-prefixes); repeatable
  --overlay FILE   apply FILE (.dtso or a .dts with /plugin/) on top, as fdtoverlay does; repeatable, in order
  --node PATH      only this node, e.g. /scb/ethernet@7d580000
  --arch ARCH      arm, arm64, powerpc, mips or riscv (default: the arch/<ARCH>/boot/dts folder the file is in,
                   else a guess from /cpus); decides the default coherence
  --json           print {"dts", "nodes": [{"path", "compatible", "dma_ranges", "bus_dma_limit", "coherent",
                   "iommu", "restricted_pool", "error"}]} with addresses as 0x hex
  --help           show this help

Problems go to standard error as FILE:LINE:COLUMN: error|warning: message. Exit status: 0, or 1 when cpp or
dtc would not build the board (the output then shows what could be resolved), 2 for bad usage.
`;
