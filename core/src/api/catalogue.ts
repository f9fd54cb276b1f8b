// The catalogue of kernel functions DMA Lens recognises at call sites (spec §7). Pure data: the server's
// extractor finds calls by these names, reads arguments by their roles, and the checks and hovers map each
// call to the simulator operation it stands for. Signatures follow the Linux 6.1 headers named in `header`.

/** What a function does, as far as the checks are concerned. */
export type ApiKind =
  | 'map' // creates a streaming mapping (dma_map_*, legacy pci_map_*)
  | 'unmap'
  | 'sync'
  | 'check' // dma_mapping_error and friends
  | 'alloc' // coherent / non-coherent allocations
  | 'free'
  | 'mmap'
  | 'mask' // dma_set_mask & co.
  | 'query' // read-only device DMA properties
  | 'pool' // dma_pool_create/destroy
  | 'pool-alloc'
  | 'pool-free'
  | 'bookkeeping' // dma_unmap_addr/len helpers
  | 'offset' // functions that change a device's DMA offset (drivers must not call them)
  | 'ops' // dma_map_ops plumbing and per-device coherent pools (bus and arch code; unusual in drivers)
  | 'iova' // the two-step IOVA API (dma_iova_*), newer than 6.1
  | 'virtio-add'
  | 'virtio-kick'
  | 'virtio-get'
  | 'virtio-detach'
  | 'virtio-cb'
  | 'virtio-ring' // ring geometry and addresses
  | 'virtio-dma' // virtqueue_dma_* helpers and premapped mode
  | 'virtio-feature'
  | 'virtio-device' // device lifecycle and setup
  | 'virtio-config'
  | 'raw-phys' // CPU physical or bus addresses computed without the DMA API
  | 'sg-buffer'; // points a scatterlist entry at a CPU buffer that dma_map_sg() will map

/** The role of one argument, by position. */
export type ArgRole =
  | 'dev'
  | 'buffer' // CPU virtual address of the memory mapped or synced
  | 'page'
  | 'offset'
  | 'size'
  | 'dir'
  | 'handle' // a dma_addr_t passed in
  | 'handle_out' // &dma_addr_t filled by the call
  | 'cpu_addr' // the CPU address of a coherent allocation being freed or mapped to user space
  | 'sg'
  | 'nents'
  | 'sgt'
  | 'bvec' // a struct bio_vec: the page, offset and length the call maps
  | 'attrs'
  | 'gfp'
  | 'mask'
  | 'phys'
  | 'pool'
  | 'vq'
  | 'vdev'
  | 'num' // number of scatterlist entries given to a virtqueue
  | 'out_sgs'
  | 'in_sgs'
  | 'data' // the driver token returned by get_buf
  | 'ctx'
  | 'len_out'
  | 'feature'
  | 'vma'
  | 'other';

/**
 * The operation a call stands for, or null when it is not simulated: core Request['op'] names, except
 * `alloc_pages`, `free_pages`, `pool_alloc` and `pool_free`, kernel operations without a core request of
 * that name (the server says how it simulates them).
 */
export type SimOp =
  | 'map_single'
  | 'map_page'
  | 'map_sg'
  | 'map_resource'
  | 'unmap'
  | 'sync_for_cpu'
  | 'sync_for_device'
  | 'alloc_coherent'
  | 'free_coherent'
  | 'alloc_pages'
  | 'free_pages'
  | 'pool_alloc'
  | 'pool_free'
  | 'set_mask'
  | 'virtqueue_add'
  | 'virtqueue_get_buf'
  | 'virtio_negotiate'
  | 'vring_alloc';

/** What the return value is, which decides how a caller must check it. */
export type ApiReturn =
  | 'dma_handle' // check with dma_mapping_error
  | 'count' // 0 means failure (dma_map_sg)
  | 'errno' // 0 or -errno
  | 'cpu_addr' // NULL means failure
  | 'pointer' // another pointer (pool, page, sg_table, buffer token)
  | 'bool'
  | 'value' // a property (mask, size, address)
  | 'void';

export interface ApiEntry {
  name: string;
  kind: ApiKind;
  /** Argument roles by position; `other` where the argument does not matter to DMA Lens. */
  args: readonly ArgRole[];
  op: SimOp | null;
  /** The header that declares it (6.1), or the last one that did for removed functions. */
  header: string;
  returns: ApiReturn;
  /** Direction the call implies when it has no direction argument (virtqueue_add_outbuf reads memory: to_device). */
  impliedDirection?: 'to_device' | 'from_device';
  /**
   * For unmap, sync and free calls: the operation that created what they release or sync (dma_unmap_sg
   * releases a map_sg, dma_free_coherent an alloc_coherent), so a simulation can make it first.
   */
  mapping?: SimOp;
  /** Kernel version whose release no longer has the function (spec §7.5). */
  removedIn?: string;
  /** First kernel version with the function, for those newer than the 6.1 baseline (spec §9). */
  addedIn?: string;
  /** What to write instead. */
  replacement?: string;
  /** One sentence shown in hovers when the call has a caveat. */
  note?: string;
}

const DMA_MAPPING_H = 'include/linux/dma-mapping.h';
const DMAPOOL_H = 'include/linux/dmapool.h';
const DMA_MAP_OPS_H = 'include/linux/dma-map-ops.h';
const VIRTIO_H = 'include/linux/virtio.h';
const VIRTIO_CONFIG_H = 'include/linux/virtio_config.h';
const PCI_DMA_COMPAT_H = 'include/linux/pci-dma-compat.h';
const BLKDEV_H = 'include/linux/blkdev.h';
const SKBUFF_H = 'include/linux/skbuff.h';

function entry(
  name: string,
  kind: ApiKind,
  args: readonly ArgRole[],
  op: SimOp | null,
  header: string,
  returns: ApiReturn,
  extra: Partial<
    Pick<ApiEntry, 'impliedDirection' | 'mapping' | 'removedIn' | 'addedIn' | 'replacement' | 'note'>
  > = {},
): ApiEntry {
  return { name, kind, args, op, header, returns, ...extra };
}

/** A function and its `_attrs` variant, which takes `attrs` as its last argument. */
function withAttrs(
  name: string,
  kind: ApiKind,
  args: readonly ArgRole[],
  op: SimOp | null,
  returns: ApiReturn,
  extra: Pick<ApiEntry, 'mapping'> = {},
): ApiEntry[] {
  return [
    entry(name, kind, args, op, DMA_MAPPING_H, returns, extra),
    entry(`${name}_attrs`, kind, [...args, 'attrs'], op, DMA_MAPPING_H, returns, extra),
  ];
}

const STREAMING: ApiEntry[] = [
  ...withAttrs('dma_map_single', 'map', ['dev', 'buffer', 'size', 'dir'], 'map_single', 'dma_handle'),
  ...withAttrs('dma_unmap_single', 'unmap', ['dev', 'handle', 'size', 'dir'], 'unmap', 'void', {
    mapping: 'map_single',
  }),
  ...withAttrs('dma_map_page', 'map', ['dev', 'page', 'offset', 'size', 'dir'], 'map_page', 'dma_handle'),
  ...withAttrs('dma_unmap_page', 'unmap', ['dev', 'handle', 'size', 'dir'], 'unmap', 'void', { mapping: 'map_page' }),
  ...withAttrs('dma_map_sg', 'map', ['dev', 'sg', 'nents', 'dir'], 'map_sg', 'count'),
  ...withAttrs('dma_unmap_sg', 'unmap', ['dev', 'sg', 'nents', 'dir'], 'unmap', 'void', { mapping: 'map_sg' }),
  entry('dma_map_sgtable', 'map', ['dev', 'sgt', 'dir', 'attrs'], 'map_sg', DMA_MAPPING_H, 'errno'),
  entry('dma_unmap_sgtable', 'unmap', ['dev', 'sgt', 'dir', 'attrs'], 'unmap', DMA_MAPPING_H, 'void', {
    mapping: 'map_sg',
  }),
  // Wrappers that subsystems define around dma_map_page: their mappings are released with dma_unmap_page.
  entry('dma_map_bvec', 'map', ['dev', 'bvec', 'dir', 'attrs'], 'map_page', BLKDEV_H, 'dma_handle', {
    note: "A macro for dma_map_page_attrs() of the bio_vec's page, offset and length; release it with dma_unmap_page().",
  }),
  entry('skb_frag_dma_map', 'map', ['dev', 'other', 'offset', 'size', 'dir'], 'map_page', SKBUFF_H, 'dma_handle', {
    note: "dma_map_page() of the fragment's page at the fragment's offset plus this one; release it with dma_unmap_page().",
  }),
  entry(
    'dma_map_resource',
    'map',
    ['dev', 'phys', 'size', 'dir', 'attrs'],
    'map_resource',
    DMA_MAPPING_H,
    'dma_handle',
  ),
  entry('dma_unmap_resource', 'unmap', ['dev', 'handle', 'size', 'dir', 'attrs'], 'unmap', DMA_MAPPING_H, 'void', {
    mapping: 'map_resource',
  }),
  entry('dma_sync_single_for_cpu', 'sync', ['dev', 'handle', 'size', 'dir'], 'sync_for_cpu', DMA_MAPPING_H, 'void', {
    mapping: 'map_single',
  }),
  entry(
    'dma_sync_single_for_device',
    'sync',
    ['dev', 'handle', 'size', 'dir'],
    'sync_for_device',
    DMA_MAPPING_H,
    'void',
    {
      mapping: 'map_single',
    },
  ),
  entry(
    'dma_sync_single_range_for_cpu',
    'sync',
    ['dev', 'handle', 'offset', 'size', 'dir'],
    'sync_for_cpu',
    DMA_MAPPING_H,
    'void',
    { mapping: 'map_single' },
  ),
  entry(
    'dma_sync_single_range_for_device',
    'sync',
    ['dev', 'handle', 'offset', 'size', 'dir'],
    'sync_for_device',
    DMA_MAPPING_H,
    'void',
    { mapping: 'map_single' },
  ),
  entry('dma_sync_sg_for_cpu', 'sync', ['dev', 'sg', 'nents', 'dir'], 'sync_for_cpu', DMA_MAPPING_H, 'void', {
    mapping: 'map_sg',
  }),
  entry('dma_sync_sg_for_device', 'sync', ['dev', 'sg', 'nents', 'dir'], 'sync_for_device', DMA_MAPPING_H, 'void', {
    mapping: 'map_sg',
  }),
  entry('dma_sync_sgtable_for_cpu', 'sync', ['dev', 'sgt', 'dir'], 'sync_for_cpu', DMA_MAPPING_H, 'void', {
    mapping: 'map_sg',
  }),
  entry('dma_sync_sgtable_for_device', 'sync', ['dev', 'sgt', 'dir'], 'sync_for_device', DMA_MAPPING_H, 'void', {
    mapping: 'map_sg',
  }),
  entry('dma_mapping_error', 'check', ['dev', 'handle'], null, DMA_MAPPING_H, 'errno'),
];

const ALLOCATIONS: ApiEntry[] = [
  entry(
    'dma_alloc_coherent',
    'alloc',
    ['dev', 'size', 'handle_out', 'gfp'],
    'alloc_coherent',
    DMA_MAPPING_H,
    'cpu_addr',
  ),
  entry('dma_free_coherent', 'free', ['dev', 'size', 'cpu_addr', 'handle'], 'free_coherent', DMA_MAPPING_H, 'void', {
    mapping: 'alloc_coherent',
  }),
  entry(
    'dma_alloc_attrs',
    'alloc',
    ['dev', 'size', 'handle_out', 'gfp', 'attrs'],
    'alloc_coherent',
    DMA_MAPPING_H,
    'cpu_addr',
  ),
  entry(
    'dma_free_attrs',
    'free',
    ['dev', 'size', 'cpu_addr', 'handle', 'attrs'],
    'free_coherent',
    DMA_MAPPING_H,
    'void',
    { mapping: 'alloc_coherent' },
  ),
  entry(
    'dmam_alloc_coherent',
    'alloc',
    ['dev', 'size', 'handle_out', 'gfp'],
    'alloc_coherent',
    DMA_MAPPING_H,
    'cpu_addr',
    {
      note: 'Device-managed: freed automatically when the driver detaches.',
    },
  ),
  entry(
    'dmam_alloc_attrs',
    'alloc',
    ['dev', 'size', 'handle_out', 'gfp', 'attrs'],
    'alloc_coherent',
    DMA_MAPPING_H,
    'cpu_addr',
  ),
  entry('dmam_free_coherent', 'free', ['dev', 'size', 'cpu_addr', 'handle'], 'free_coherent', DMA_MAPPING_H, 'void', {
    mapping: 'alloc_coherent',
  }),
  entry('dma_alloc_wc', 'alloc', ['dev', 'size', 'handle_out', 'gfp'], 'alloc_coherent', DMA_MAPPING_H, 'cpu_addr', {
    note: 'Allocates with DMA_ATTR_WRITE_COMBINE.',
  }),
  entry('dma_free_wc', 'free', ['dev', 'size', 'cpu_addr', 'handle'], 'free_coherent', DMA_MAPPING_H, 'void', {
    mapping: 'alloc_coherent',
  }),
  entry('dma_mmap_wc', 'mmap', ['dev', 'vma', 'cpu_addr', 'handle', 'size'], null, DMA_MAPPING_H, 'errno'),
  entry(
    'dma_alloc_pages',
    'alloc',
    ['dev', 'size', 'handle_out', 'dir', 'gfp'],
    'alloc_pages',
    DMA_MAPPING_H,
    'pointer',
    {
      note: 'Non-coherent pages: ownership moves with dma_sync_single_for_cpu/_for_device.',
    },
  ),
  entry('dma_free_pages', 'free', ['dev', 'size', 'page', 'handle', 'dir'], 'free_pages', DMA_MAPPING_H, 'void', {
    mapping: 'alloc_pages',
  }),
  entry('dma_mmap_pages', 'mmap', ['dev', 'vma', 'size', 'page'], null, DMA_MAPPING_H, 'errno'),
  entry(
    'dma_alloc_noncoherent',
    'alloc',
    ['dev', 'size', 'handle_out', 'dir', 'gfp'],
    'alloc_pages',
    DMA_MAPPING_H,
    'cpu_addr',
    {
      note: 'Non-coherent memory: explicit dma_sync_single_for_cpu/_for_device calls are required.',
    },
  ),
  entry(
    'dma_free_noncoherent',
    'free',
    ['dev', 'size', 'cpu_addr', 'handle', 'dir'],
    'free_pages',
    DMA_MAPPING_H,
    'void',
    { mapping: 'alloc_pages' },
  ),
  entry(
    'dma_alloc_noncontiguous',
    'alloc',
    ['dev', 'size', 'dir', 'gfp', 'attrs'],
    'alloc_pages',
    DMA_MAPPING_H,
    'pointer',
  ),
  entry('dma_free_noncontiguous', 'free', ['dev', 'size', 'sgt', 'dir'], 'free_pages', DMA_MAPPING_H, 'void', {
    mapping: 'alloc_pages',
  }),
  entry('dma_vmap_noncontiguous', 'query', ['dev', 'size', 'sgt'], null, DMA_MAPPING_H, 'cpu_addr'),
  entry('dma_vunmap_noncontiguous', 'query', ['dev', 'buffer'], null, DMA_MAPPING_H, 'void'),
  entry('dma_mmap_noncontiguous', 'mmap', ['dev', 'vma', 'size', 'sgt'], null, DMA_MAPPING_H, 'errno'),
  entry('dma_get_sgtable', 'query', ['dev', 'sgt', 'cpu_addr', 'handle', 'size'], null, DMA_MAPPING_H, 'errno'),
  entry(
    'dma_get_sgtable_attrs',
    'query',
    ['dev', 'sgt', 'cpu_addr', 'handle', 'size', 'attrs'],
    null,
    DMA_MAPPING_H,
    'errno',
  ),
  entry('dma_mmap_coherent', 'mmap', ['dev', 'vma', 'cpu_addr', 'handle', 'size'], null, DMA_MAPPING_H, 'errno'),
  entry('dma_mmap_attrs', 'mmap', ['dev', 'vma', 'cpu_addr', 'handle', 'size', 'attrs'], null, DMA_MAPPING_H, 'errno'),
  entry('dma_can_mmap', 'query', ['dev'], null, DMA_MAPPING_H, 'bool'),
];

const MASKS_AND_QUERIES: ApiEntry[] = [
  entry('dma_set_mask', 'mask', ['dev', 'mask'], 'set_mask', DMA_MAPPING_H, 'errno'),
  entry('dma_set_coherent_mask', 'mask', ['dev', 'mask'], 'set_mask', DMA_MAPPING_H, 'errno'),
  entry('dma_set_mask_and_coherent', 'mask', ['dev', 'mask'], 'set_mask', DMA_MAPPING_H, 'errno'),
  entry('dma_coerce_mask_and_coherent', 'mask', ['dev', 'mask'], 'set_mask', DMA_MAPPING_H, 'errno'),
  entry('dma_get_mask', 'query', ['dev'], null, DMA_MAPPING_H, 'value'),
  entry('dma_get_required_mask', 'query', ['dev'], null, DMA_MAPPING_H, 'value'),
  entry('dma_addressing_limited', 'query', ['dev'], null, DMA_MAPPING_H, 'bool'),
  entry('dma_max_mapping_size', 'query', ['dev'], null, DMA_MAPPING_H, 'value'),
  entry('dma_opt_mapping_size', 'query', ['dev'], null, DMA_MAPPING_H, 'value'),
  entry('dma_need_sync', 'query', ['dev', 'handle'], null, DMA_MAPPING_H, 'bool'),
  entry('dma_get_merge_boundary', 'query', ['dev'], null, DMA_MAPPING_H, 'value'),
  entry('dma_get_max_seg_size', 'query', ['dev'], null, DMA_MAPPING_H, 'value'),
  entry('dma_set_max_seg_size', 'mask', ['dev', 'size'], null, DMA_MAPPING_H, 'errno'),
  entry('dma_get_seg_boundary', 'query', ['dev'], null, DMA_MAPPING_H, 'value'),
  entry('dma_get_seg_boundary_nr_pages', 'query', ['dev', 'other'], null, DMA_MAPPING_H, 'value'),
  entry('dma_set_seg_boundary', 'mask', ['dev', 'mask'], null, DMA_MAPPING_H, 'errno'),
  entry('dma_get_min_align_mask', 'query', ['dev'], null, DMA_MAPPING_H, 'value'),
  entry('dma_set_min_align_mask', 'mask', ['dev', 'mask'], null, DMA_MAPPING_H, 'void'),
  entry('dma_get_cache_alignment', 'query', [], null, DMA_MAPPING_H, 'value'),
  entry('dma_pci_p2pdma_supported', 'query', ['dev'], null, DMA_MAPPING_H, 'bool'),
  entry('dma_unmap_addr', 'bookkeeping', ['other', 'other'], null, DMA_MAPPING_H, 'value'),
  entry('dma_unmap_addr_set', 'bookkeeping', ['other', 'other', 'handle'], null, DMA_MAPPING_H, 'void'),
  entry('dma_unmap_len', 'bookkeeping', ['other', 'other'], null, DMA_MAPPING_H, 'value'),
  entry('dma_unmap_len_set', 'bookkeeping', ['other', 'other', 'size'], null, DMA_MAPPING_H, 'void'),
];

const POOLS: ApiEntry[] = [
  entry('dma_pool_create', 'pool', ['other', 'dev', 'size', 'other', 'other'], null, DMAPOOL_H, 'pointer'),
  entry('dmam_pool_create', 'pool', ['other', 'dev', 'size', 'other', 'other'], null, DMAPOOL_H, 'pointer'),
  entry('dma_pool_destroy', 'pool', ['pool'], null, DMAPOOL_H, 'void'),
  entry('dmam_pool_destroy', 'pool', ['pool'], null, DMAPOOL_H, 'void'),
  entry('dma_pool_alloc', 'pool-alloc', ['pool', 'gfp', 'handle_out'], 'pool_alloc', DMAPOOL_H, 'cpu_addr'),
  entry('dma_pool_zalloc', 'pool-alloc', ['pool', 'gfp', 'handle_out'], 'pool_alloc', DMAPOOL_H, 'cpu_addr'),
  entry('dma_pool_free', 'pool-free', ['pool', 'cpu_addr', 'handle'], 'pool_free', DMAPOOL_H, 'void', {
    mapping: 'pool_alloc',
  }),
];

const OFFSETS: ApiEntry[] = [
  entry('dma_direct_set_offset', 'offset', ['dev', 'phys', 'other', 'size'], null, DMA_MAP_OPS_H, 'errno', {
    note: 'The kernel says any call to this from a driver is a bug: DMA offsets come from the firmware (dma-ranges).',
  }),
  entry('set_dma_offset', 'offset', ['dev', 'other'], null, 'arch/powerpc/include/asm/dma-mapping.h', 'void', {
    removedIn: 'v5.0',
    replacement: 'dev->archdata.dma_offset set by the platform code',
  }),
  entry('get_dma_offset', 'offset', ['dev'], null, 'arch/powerpc/include/asm/dma-mapping.h', 'value', {
    removedIn: 'v5.0',
    replacement: 'dev->archdata.dma_offset',
  }),
];

/** §7.3: what bus and architecture code calls; a driver calling these deserves a look. */
const OPS: ApiEntry[] = [
  entry('set_dma_ops', 'ops', ['dev', 'other'], null, DMA_MAP_OPS_H, 'void'),
  entry('get_dma_ops', 'ops', ['dev'], null, DMA_MAP_OPS_H, 'pointer'),
  entry('arch_setup_dma_ops', 'ops', ['dev', 'other', 'size', 'other', 'other'], null, DMA_MAP_OPS_H, 'void'),
  entry('dev_is_dma_coherent', 'query', ['dev'], null, DMA_MAP_OPS_H, 'bool'),
  entry(
    'dma_declare_coherent_memory',
    'ops',
    ['dev', 'phys', 'handle', 'size'],
    null,
    'include/linux/dma-map-ops.h',
    'errno',
  ),
  entry('dma_alloc_from_dev_coherent', 'ops', ['dev', 'size', 'handle_out', 'other'], null, DMA_MAP_OPS_H, 'errno'),
];

/** Newer than the 6.1 baseline (spec §9): recognised so that hovers can say they do not exist in 6.1. */
const NEWER: ApiEntry[] = [
  entry('dma_map_phys', 'map', ['dev', 'phys', 'size', 'dir', 'attrs'], 'map_page', DMA_MAPPING_H, 'dma_handle', {
    addedIn: 'v6.18',
  }),
  entry('dma_unmap_phys', 'unmap', ['dev', 'handle', 'size', 'dir', 'attrs'], 'unmap', DMA_MAPPING_H, 'void', {
    mapping: 'map_page',
    addedIn: 'v6.18',
  }),
  entry('dma_iova_try_alloc', 'iova', ['dev', 'other', 'phys', 'size'], null, DMA_MAPPING_H, 'bool', {
    addedIn: 'v6.17',
  }),
  entry(
    'dma_iova_link',
    'iova',
    ['dev', 'other', 'phys', 'offset', 'size', 'dir', 'attrs'],
    null,
    DMA_MAPPING_H,
    'errno',
    { addedIn: 'v6.17' },
  ),
  entry('dma_iova_sync', 'iova', ['dev', 'other', 'offset', 'size'], null, DMA_MAPPING_H, 'errno', {
    addedIn: 'v6.17',
  }),
  entry('dma_iova_unlink', 'iova', ['dev', 'other', 'offset', 'size', 'dir', 'attrs'], null, DMA_MAPPING_H, 'void', {
    addedIn: 'v6.17',
  }),
  entry('dma_iova_destroy', 'iova', ['dev', 'other', 'size', 'dir', 'attrs'], null, DMA_MAPPING_H, 'void', {
    addedIn: 'v6.17',
  }),
  entry('dma_iova_free', 'iova', ['dev', 'other'], null, DMA_MAPPING_H, 'void', { addedIn: 'v6.17' }),
  entry('dma_use_iova', 'iova', ['other'], null, DMA_MAPPING_H, 'bool', { addedIn: 'v6.17' }),
];

const VIRTIO: ApiEntry[] = [
  entry('virtqueue_add_outbuf', 'virtio-add', ['vq', 'sg', 'num', 'data', 'gfp'], 'virtqueue_add', VIRTIO_H, 'errno', {
    impliedDirection: 'to_device',
  }),
  entry('virtqueue_add_inbuf', 'virtio-add', ['vq', 'sg', 'num', 'data', 'gfp'], 'virtqueue_add', VIRTIO_H, 'errno', {
    impliedDirection: 'from_device',
  }),
  entry(
    'virtqueue_add_inbuf_ctx',
    'virtio-add',
    ['vq', 'sg', 'num', 'data', 'ctx', 'gfp'],
    'virtqueue_add',
    VIRTIO_H,
    'errno',
    {
      impliedDirection: 'from_device',
    },
  ),
  entry(
    'virtqueue_add_sgs',
    'virtio-add',
    ['vq', 'sg', 'out_sgs', 'in_sgs', 'data', 'gfp'],
    'virtqueue_add',
    VIRTIO_H,
    'errno',
  ),
  entry('virtqueue_kick', 'virtio-kick', ['vq'], null, VIRTIO_H, 'bool'),
  entry('virtqueue_kick_prepare', 'virtio-kick', ['vq'], null, VIRTIO_H, 'bool'),
  entry('virtqueue_notify', 'virtio-kick', ['vq'], null, VIRTIO_H, 'bool'),
  entry('virtqueue_get_buf', 'virtio-get', ['vq', 'len_out'], 'virtqueue_get_buf', VIRTIO_H, 'pointer'),
  entry('virtqueue_get_buf_ctx', 'virtio-get', ['vq', 'len_out', 'ctx'], 'virtqueue_get_buf', VIRTIO_H, 'pointer'),
  entry('virtqueue_detach_unused_buf', 'virtio-detach', ['vq'], null, VIRTIO_H, 'pointer'),
  entry('virtqueue_disable_cb', 'virtio-cb', ['vq'], null, VIRTIO_H, 'void'),
  entry('virtqueue_enable_cb', 'virtio-cb', ['vq'], null, VIRTIO_H, 'bool'),
  entry('virtqueue_enable_cb_prepare', 'virtio-cb', ['vq'], null, VIRTIO_H, 'value'),
  entry('virtqueue_enable_cb_delayed', 'virtio-cb', ['vq'], null, VIRTIO_H, 'bool'),
  entry('virtqueue_poll', 'virtio-cb', ['vq', 'other'], null, VIRTIO_H, 'bool'),
  entry('virtqueue_get_vring_size', 'virtio-ring', ['vq'], null, VIRTIO_H, 'value'),
  entry('virtqueue_is_broken', 'virtio-ring', ['vq'], null, VIRTIO_H, 'bool'),
  entry('virtqueue_get_desc_addr', 'virtio-ring', ['vq'], null, VIRTIO_H, 'value'),
  entry('virtqueue_get_avail_addr', 'virtio-ring', ['vq'], null, VIRTIO_H, 'value'),
  entry('virtqueue_get_used_addr', 'virtio-ring', ['vq'], null, VIRTIO_H, 'value'),
  entry('virtqueue_resize', 'virtio-ring', ['vq', 'num', 'other'], 'vring_alloc', VIRTIO_H, 'errno'),
  entry('virtqueue_set_affinity', 'virtio-device', ['vq', 'other'], null, VIRTIO_CONFIG_H, 'errno'),
  entry('virtqueue_set_dma_premapped', 'virtio-dma', ['vq'], null, VIRTIO_H, 'errno', {
    note: 'Premapped mode: the driver maps buffers itself with virtqueue_dma_map_single_attrs (v6.6+).',
  }),
  entry(
    'virtqueue_dma_map_single_attrs',
    'map',
    ['vq', 'buffer', 'size', 'dir', 'attrs'],
    'map_single',
    VIRTIO_H,
    'dma_handle',
  ),
  entry(
    'virtqueue_dma_unmap_single_attrs',
    'unmap',
    ['vq', 'handle', 'size', 'dir', 'attrs'],
    'unmap',
    VIRTIO_H,
    'void',
    { mapping: 'map_single' },
  ),
  entry('virtqueue_dma_mapping_error', 'check', ['vq', 'handle'], null, VIRTIO_H, 'errno'),
  entry('virtqueue_dma_need_sync', 'virtio-dma', ['vq', 'handle'], null, VIRTIO_H, 'bool'),
  entry(
    'virtqueue_dma_sync_single_range_for_cpu',
    'sync',
    ['vq', 'handle', 'offset', 'size', 'dir'],
    'sync_for_cpu',
    VIRTIO_H,
    'void',
    { mapping: 'map_single' },
  ),
  entry(
    'virtqueue_dma_sync_single_range_for_device',
    'sync',
    ['vq', 'handle', 'offset', 'size', 'dir'],
    'sync_for_device',
    VIRTIO_H,
    'void',
    { mapping: 'map_single' },
  ),
  entry('virtio_max_dma_size', 'virtio-dma', ['vdev'], null, VIRTIO_H, 'value'),
  entry('virtio_device_ready', 'virtio-device', ['vdev'], null, VIRTIO_CONFIG_H, 'void'),
  entry('virtio_reset_device', 'virtio-device', ['vdev'], null, VIRTIO_H, 'void'),
  entry('virtio_break_device', 'virtio-device', ['vdev'], null, VIRTIO_H, 'void'),
  entry(
    'virtio_find_vqs',
    'virtio-device',
    ['vdev', 'num', 'other', 'other', 'other', 'other'],
    'vring_alloc',
    VIRTIO_CONFIG_H,
    'errno',
  ),
  entry(
    'virtio_find_vqs_ctx',
    'virtio-device',
    ['vdev', 'num', 'other', 'other', 'other', 'other', 'other'],
    'vring_alloc',
    VIRTIO_CONFIG_H,
    'errno',
  ),
  entry(
    'virtio_find_single_vq',
    'virtio-device',
    ['vdev', 'other', 'other'],
    'vring_alloc',
    VIRTIO_CONFIG_H,
    'pointer',
  ),
  entry('virtio_has_feature', 'virtio-feature', ['vdev', 'feature'], 'virtio_negotiate', VIRTIO_CONFIG_H, 'bool'),
  entry('__virtio_test_bit', 'virtio-feature', ['vdev', 'feature'], null, VIRTIO_CONFIG_H, 'bool'),
  entry('__virtio_set_bit', 'virtio-feature', ['vdev', 'feature'], null, VIRTIO_CONFIG_H, 'void'),
  entry('__virtio_clear_bit', 'virtio-feature', ['vdev', 'feature'], null, VIRTIO_CONFIG_H, 'void'),
  entry('virtio_has_dma_quirk', 'virtio-feature', ['vdev'], 'virtio_negotiate', VIRTIO_CONFIG_H, 'bool', {
    note: 'True when the device does not offer VIRTIO_F_ACCESS_PLATFORM: the ring then bypasses the DMA API.',
  }),
  entry('virtio_get_shm_region', 'virtio-config', ['vdev', 'other', 'other'], null, VIRTIO_CONFIG_H, 'bool'),
  ...['virtio_cread8', 'virtio_cread16', 'virtio_cread32', 'virtio_cread64', 'virtio_cread_bytes'].map((name) =>
    entry(name, 'virtio-config', ['vdev', 'offset'], null, VIRTIO_CONFIG_H, 'value'),
  ),
  ...['virtio_cwrite8', 'virtio_cwrite16', 'virtio_cwrite32', 'virtio_cwrite64'].map((name) =>
    entry(name, 'virtio-config', ['vdev', 'offset', 'other'], null, VIRTIO_CONFIG_H, 'void'),
  ),
  entry('register_virtio_driver', 'virtio-device', ['other'], null, VIRTIO_H, 'errno'),
  entry(
    'arch_has_restricted_virtio_memory_access',
    'virtio-feature',
    [],
    null,
    'include/linux/virtio_config.h',
    'bool',
    {
      removedIn: 'v5.19',
      replacement: 'virtio_check_mem_acc_cb (v6.0+), installed by the platform; drivers need not test it',
    },
  ),
  entry('unregister_virtio_driver', 'virtio-device', ['other'], null, VIRTIO_H, 'void'),
];

const PCI_REMOVED = { removedIn: 'v5.18' } as const;

const LEGACY: ApiEntry[] = [
  entry('pci_map_single', 'map', ['dev', 'buffer', 'size', 'dir'], 'map_single', PCI_DMA_COMPAT_H, 'dma_handle', {
    ...PCI_REMOVED,
    replacement: 'dma_map_single(&pdev->dev, ptr, size, dir)',
  }),
  entry('pci_unmap_single', 'unmap', ['dev', 'handle', 'size', 'dir'], 'unmap', PCI_DMA_COMPAT_H, 'void', {
    mapping: 'map_single',
    ...PCI_REMOVED,
    replacement: 'dma_unmap_single(&pdev->dev, addr, size, dir)',
  }),
  entry('pci_map_page', 'map', ['dev', 'page', 'offset', 'size', 'dir'], 'map_page', PCI_DMA_COMPAT_H, 'dma_handle', {
    ...PCI_REMOVED,
    replacement: 'dma_map_page(&pdev->dev, page, offset, size, dir)',
  }),
  entry('pci_unmap_page', 'unmap', ['dev', 'handle', 'size', 'dir'], 'unmap', PCI_DMA_COMPAT_H, 'void', {
    mapping: 'map_page',
    ...PCI_REMOVED,
    replacement: 'dma_unmap_page(&pdev->dev, addr, size, dir)',
  }),
  entry('pci_map_sg', 'map', ['dev', 'sg', 'nents', 'dir'], 'map_sg', PCI_DMA_COMPAT_H, 'count', {
    ...PCI_REMOVED,
    replacement: 'dma_map_sg(&pdev->dev, sg, nents, dir)',
  }),
  entry('pci_unmap_sg', 'unmap', ['dev', 'sg', 'nents', 'dir'], 'unmap', PCI_DMA_COMPAT_H, 'void', {
    mapping: 'map_sg',
    ...PCI_REMOVED,
    replacement: 'dma_unmap_sg(&pdev->dev, sg, nents, dir)',
  }),
  entry('pci_dma_mapping_error', 'check', ['dev', 'handle'], null, PCI_DMA_COMPAT_H, 'errno', {
    ...PCI_REMOVED,
    replacement: 'dma_mapping_error(&pdev->dev, addr)',
  }),
  entry(
    'pci_alloc_consistent',
    'alloc',
    ['dev', 'size', 'handle_out'],
    'alloc_coherent',
    PCI_DMA_COMPAT_H,
    'cpu_addr',
    {
      ...PCI_REMOVED,
      replacement: 'dma_alloc_coherent(&pdev->dev, size, &dma, GFP_KERNEL)',
      note: 'pci_alloc_consistent allocated with GFP_ATOMIC; choose the gfp flags for the calling context.',
    },
  ),
  entry(
    'pci_zalloc_consistent',
    'alloc',
    ['dev', 'size', 'handle_out'],
    'alloc_coherent',
    PCI_DMA_COMPAT_H,
    'cpu_addr',
    {
      ...PCI_REMOVED,
      replacement: 'dma_alloc_coherent(&pdev->dev, size, &dma, GFP_KERNEL)',
    },
  ),
  entry(
    'pci_free_consistent',
    'free',
    ['dev', 'size', 'cpu_addr', 'handle'],
    'free_coherent',
    PCI_DMA_COMPAT_H,
    'void',
    {
      mapping: 'alloc_coherent',
      ...PCI_REMOVED,
      replacement: 'dma_free_coherent(&pdev->dev, size, cpu_addr, dma)',
    },
  ),
  entry('pci_set_dma_mask', 'mask', ['dev', 'mask'], 'set_mask', PCI_DMA_COMPAT_H, 'errno', {
    ...PCI_REMOVED,
    replacement: 'dma_set_mask(&pdev->dev, mask)',
  }),
  entry('pci_set_consistent_dma_mask', 'mask', ['dev', 'mask'], 'set_mask', PCI_DMA_COMPAT_H, 'errno', {
    ...PCI_REMOVED,
    replacement: 'dma_set_coherent_mask(&pdev->dev, mask)',
  }),
  ...(['single', 'sg'] as const).flatMap((what) =>
    (['cpu', 'device'] as const).map((to) =>
      entry(
        `pci_dma_sync_${what}_for_${to}`,
        'sync',
        what === 'single' ? ['dev', 'handle', 'size', 'dir'] : ['dev', 'sg', 'nents', 'dir'],
        `sync_for_${to}`,
        PCI_DMA_COMPAT_H,
        'void',
        {
          mapping: what === 'single' ? 'map_single' : 'map_sg',
          ...PCI_REMOVED,
          replacement: `dma_sync_${what}_for_${to}(&pdev->dev, ...)`,
        },
      ),
    ),
  ),
  entry(
    'dma_zalloc_coherent',
    'alloc',
    ['dev', 'size', 'handle_out', 'gfp'],
    'alloc_coherent',
    DMA_MAPPING_H,
    'cpu_addr',
    {
      removedIn: 'v5.0',
      replacement: 'dma_alloc_coherent (it always returns zeroed memory)',
    },
  ),
  entry('dma_cache_sync', 'sync', ['dev', 'buffer', 'size', 'dir'], null, DMA_MAPPING_H, 'void', {
    removedIn: 'v5.10',
    replacement: 'dma_alloc_pages or dma_alloc_noncoherent with dma_sync_single_for_cpu/_for_device',
  }),
];

const RAW_PHYS: ApiEntry[] = [
  entry('virt_to_phys', 'raw-phys', ['buffer'], null, 'arch/*/include/asm/io.h', 'value', {
    note: 'A CPU physical address: the device sees a different address wherever an IOMMU, offset or bounce buffer applies.',
  }),
  entry('__pa', 'raw-phys', ['buffer'], null, 'arch/*/include/asm/page.h', 'value'),
  entry('page_to_phys', 'raw-phys', ['page'], null, 'arch/*/include/asm/io.h', 'value'),
  entry('sg_phys', 'raw-phys', ['sg'], null, 'include/linux/scatterlist.h', 'value'),
  entry('isa_virt_to_bus', 'raw-phys', ['buffer'], null, 'arch/x86/include/asm/io.h', 'value', {
    note: 'Only meaningful for ISA DMA below 16 MiB on x86.',
  }),
  // The generic CONFIG_VIRT_TO_BUS versions left in v6.0 ("arch/*/: remove CONFIG_VIRT_TO_BUS"), but 6.1
  // still defines these two per architecture, so they are not "removed" on the 6.1 baseline.
  entry('virt_to_bus', 'raw-phys', ['buffer'], null, 'arch/powerpc/include/asm/io.h', 'value', {
    replacement: 'dma_map_single (or isa_virt_to_bus for ISA devices)',
    note: 'Gone from generic code in v6.0; 6.1 keeps it only on ppc32 (__pa + PCI_DRAM_OFFSET) and on m68k Amiga/VME (arch/m68k/include/asm/virtconvert.h: = virt_to_phys).',
  }),
  entry('bus_to_virt', 'raw-phys', ['handle'], null, 'arch/powerpc/include/asm/io.h', 'value', {
    replacement: 'keep the CPU pointer next to the dma_addr_t returned by the DMA API',
    note: 'Gone from generic code in v6.0; 6.1 keeps it only on ppc32 (__va(address - PCI_DRAM_OFFSET)).',
  }),
];

/**
 * Scatterlist setters: the buffer they take reaches the device when the list is mapped, so its origin
 * matters as a map's does (include/linux/scatterlist.h: sg_set_buf() BUG()s under CONFIG_DEBUG_SG when
 * virt_addr_valid() rejects the address; kernel/dma/debug.c:debug_dma_map_sg checks each entry's memory).
 */
const SCATTERLIST_BUFFERS: ApiEntry[] = [
  entry('sg_set_buf', 'sg-buffer', ['sg', 'buffer', 'size'], null, 'include/linux/scatterlist.h', 'void', {
    note: "Points the entry at the buffer's page and offset (virt_to_page): the buffer must be in the linear map, as for dma_map_single().",
  }),
  entry('sg_init_one', 'sg-buffer', ['sg', 'buffer', 'size'], null, 'lib/scatterlist.c', 'void', {
    note: 'sg_init_table() of one entry, then sg_set_buf(): the buffer must be in the linear map, as for dma_map_single().',
  }),
];

/** Every recognised function, in catalogue order. */
export const API_CATALOGUE: readonly ApiEntry[] = [
  ...STREAMING,
  ...ALLOCATIONS,
  ...MASKS_AND_QUERIES,
  ...POOLS,
  ...OFFSETS,
  ...OPS,
  ...NEWER,
  ...VIRTIO,
  ...LEGACY,
  ...RAW_PHYS,
  ...SCATTERLIST_BUFFERS,
];

const BY_NAME = new Map(API_CATALOGUE.map((api) => [api.name, api]));

export function catalogueEntry(name: string): ApiEntry | undefined {
  return BY_NAME.get(name);
}

/** The index of the first argument with this role, or -1. */
export function argIndex(api: ApiEntry, role: ArgRole): number {
  return api.args.indexOf(role);
}
