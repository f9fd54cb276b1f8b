// The API catalogue covers spec §7 and the prefilter built from it matches names exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_CATALOGUE, catalogueEntry, type ArgRole } from '@dmalens/core';
import { findCandidateNames } from '../../server/src/analysis/prefilter';

/** The functions named in spec §7 (7.1–7.5) and its version-delta table, written out by hand from the spec. */
const SPEC_SECTION_7 = `
dma_map_single dma_map_single_attrs dma_unmap_single dma_unmap_single_attrs dma_map_page dma_map_page_attrs
dma_unmap_page dma_unmap_page_attrs dma_map_sg dma_map_sg_attrs dma_unmap_sg dma_unmap_sg_attrs dma_map_sgtable
dma_unmap_sgtable dma_map_resource dma_unmap_resource dma_sync_single_for_cpu dma_sync_single_for_device
dma_sync_single_range_for_cpu dma_sync_single_range_for_device dma_sync_sg_for_cpu dma_sync_sg_for_device
dma_sync_sgtable_for_cpu dma_sync_sgtable_for_device dma_mapping_error dma_alloc_coherent dma_free_coherent
dma_alloc_attrs dma_free_attrs dmam_alloc_coherent dmam_alloc_attrs dmam_free_coherent dma_alloc_wc dma_free_wc
dma_mmap_wc dma_alloc_pages dma_free_pages dma_mmap_pages dma_alloc_noncoherent dma_free_noncoherent
dma_alloc_noncontiguous dma_free_noncontiguous dma_vmap_noncontiguous dma_vunmap_noncontiguous
dma_mmap_noncontiguous dma_get_sgtable dma_get_sgtable_attrs dma_mmap_coherent dma_mmap_attrs dma_can_mmap
dma_set_mask dma_set_coherent_mask dma_set_mask_and_coherent dma_coerce_mask_and_coherent dma_get_mask
dma_get_required_mask dma_addressing_limited dma_max_mapping_size dma_opt_mapping_size dma_need_sync
dma_get_merge_boundary dma_get_max_seg_size dma_set_max_seg_size dma_get_seg_boundary dma_get_seg_boundary_nr_pages
dma_set_seg_boundary dma_get_min_align_mask dma_set_min_align_mask dma_get_cache_alignment dma_pci_p2pdma_supported
dma_unmap_addr dma_unmap_addr_set dma_unmap_len dma_unmap_len_set
dma_pool_create dma_pool_alloc dma_pool_zalloc dma_pool_free dma_pool_destroy dmam_pool_create dmam_pool_destroy
set_dma_ops get_dma_ops dma_direct_set_offset arch_setup_dma_ops dev_is_dma_coherent dma_alloc_from_dev_coherent
dma_declare_coherent_memory
virtqueue_add_outbuf virtqueue_add_inbuf virtqueue_add_inbuf_ctx virtqueue_add_sgs virtqueue_kick virtqueue_kick_prepare
virtqueue_notify virtqueue_get_buf virtqueue_get_buf_ctx virtqueue_disable_cb virtqueue_enable_cb
virtqueue_enable_cb_prepare virtqueue_enable_cb_delayed virtqueue_poll virtqueue_detach_unused_buf
virtqueue_get_vring_size virtqueue_is_broken virtqueue_get_desc_addr virtqueue_get_avail_addr virtqueue_get_used_addr
virtqueue_resize virtqueue_set_dma_premapped virtqueue_dma_map_single_attrs virtqueue_dma_unmap_single_attrs
virtqueue_dma_mapping_error virtqueue_dma_need_sync virtqueue_dma_sync_single_range_for_cpu
virtqueue_dma_sync_single_range_for_device virtio_max_dma_size virtio_device_ready virtio_reset_device
virtio_break_device virtio_find_vqs virtio_find_vqs_ctx virtio_find_single_vq virtio_has_feature virtio_has_dma_quirk
virtio_cread8 virtio_cread16 virtio_cread32 virtio_cread64 virtio_cwrite8 virtio_cwrite16 virtio_cwrite32 virtio_cwrite64
virtio_get_shm_region virtqueue_set_affinity register_virtio_driver unregister_virtio_driver
pci_map_single pci_map_page pci_map_sg pci_unmap_single pci_unmap_page pci_unmap_sg pci_alloc_consistent
pci_free_consistent pci_set_dma_mask pci_dma_sync_single_for_cpu pci_dma_sync_single_for_device pci_dma_sync_sg_for_cpu
pci_dma_sync_sg_for_device dma_zalloc_coherent virt_to_bus bus_to_virt isa_virt_to_bus set_dma_offset get_dma_offset
dma_cache_sync arch_has_restricted_virtio_memory_access
dma_iova_try_alloc dma_iova_link dma_iova_sync dma_iova_unlink dma_iova_destroy dma_iova_free dma_use_iova
dma_map_phys dma_unmap_phys
virt_to_phys __pa page_to_phys sg_phys
`
  .split(/\s+/)
  .filter(Boolean);

test('every function of spec §7 is in the catalogue', () => {
  const missing = SPEC_SECTION_7.filter((name) => !catalogueEntry(name));
  assert.deepEqual(missing, []);
});

test('catalogue names are unique identifiers', () => {
  const names = API_CATALOGUE.map((api) => api.name);
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.match(name, /^[A-Za-z_]\w*$/);
});

test('removed APIs carry the version they left and their replacement (spec §7.5)', () => {
  for (const name of ['pci_map_single', 'pci_alloc_consistent', 'pci_set_dma_mask', 'pci_dma_sync_sg_for_cpu']) {
    assert.equal(catalogueEntry(name)?.removedIn, 'v5.18', name);
  }
  assert.equal(catalogueEntry('dma_zalloc_coherent')?.removedIn, 'v5.0');
  // 6.1 still defines virt_to_bus (ppc32, m68k Amiga/VME) and bus_to_virt (ppc32): arch/powerpc/include/asm/io.h,
  // arch/m68k/include/asm/virtconvert.h.
  assert.equal(catalogueEntry('virt_to_bus')?.removedIn, undefined);
  assert.equal(catalogueEntry('bus_to_virt')?.removedIn, undefined);
  assert.equal(catalogueEntry('set_dma_offset')?.removedIn, 'v5.0');
  assert.equal(catalogueEntry('isa_virt_to_bus')?.removedIn, undefined, 'isa_virt_to_bus remains in 6.1');
  for (const api of API_CATALOGUE.filter((entry) => entry.removedIn))
    assert.ok(api.replacement, `${api.name} has a replacement`);
});

test('streaming calls name their direction and size or entry-count arguments', () => {
  for (const api of API_CATALOGUE.filter(
    (entry) => ['map', 'unmap', 'sync'].includes(entry.kind) && entry.op !== null,
  )) {
    assert.ok(api.args.includes('dir'), `${api.name} has a dir argument`);
    const sized = ['size', 'nents', 'sgt', 'bvec'].some((role) => api.args.includes(role as ArgRole));
    assert.ok(sized, `${api.name} has a size, nents, sg_table or bio_vec argument`);
  }
  assert.deepEqual(catalogueEntry('dma_alloc_coherent')?.args, ['dev', 'size', 'handle_out', 'gfp']);
  assert.deepEqual(catalogueEntry('dma_free_coherent')?.args, ['dev', 'size', 'cpu_addr', 'handle']);
  assert.equal(catalogueEntry('virtqueue_add_outbuf')?.impliedDirection, 'to_device');
  assert.equal(catalogueEntry('virtqueue_add_inbuf')?.impliedDirection, 'from_device');
  assert.equal(catalogueEntry('dma_map_sg')?.returns, 'count');
  assert.equal(catalogueEntry('dma_map_single')?.returns, 'dma_handle');
});

test('the prefilter matches whole names only, with or without a space before the parenthesis', () => {
  const text =
    'x = __pa (p); y = dma_map_single_attrs(d); z = xdma_map_single(d); w = dma_map_single_foo(d); dma_map_single';
  assert.deepEqual(
    findCandidateNames(text).map((candidate) => [candidate.name, candidate.offset]),
    [
      ['__pa', text.indexOf('__pa')],
      ['dma_map_single_attrs', text.indexOf('dma_map_single_attrs')],
      ['dma_map_single', text.lastIndexOf('dma_map_single')],
    ],
  );
  assert.deepEqual(findCandidateNames('int main(void) { return 0; }'), []);
  assert.deepEqual(findCandidateNames('virtqueue_kick(vq);'), [{ offset: 0, name: 'virtqueue_kick' }]);
});

test('unmaps, syncs and frees name what they release, and syncs say which way ownership moves', () => {
  for (const api of API_CATALOGUE.filter((entry) => ['unmap', 'sync', 'free', 'pool-free'].includes(entry.kind))) {
    if (api.op === null) continue;
    assert.ok(api.mapping, `${api.name} names the operation that made what it releases`);
  }
  // The function names say it: *_for_cpu hands the buffer to the CPU, *_for_device back to the device.
  for (const api of API_CATALOGUE.filter((entry) => entry.kind === 'sync' && entry.op !== null)) {
    const to = /_for_(cpu|device)$/.exec(api.name)?.[1];
    assert.equal(api.op, `sync_for_${to}`, api.name);
  }
  // A release pairs with the map of its own family (kernel/dma/debug.c compares the entry types).
  assert.equal(catalogueEntry('dma_unmap_sg')?.mapping, 'map_sg');
  assert.equal(catalogueEntry('dma_unmap_sgtable')?.mapping, 'map_sg');
  assert.equal(catalogueEntry('dma_unmap_resource')?.mapping, 'map_resource');
  assert.equal(catalogueEntry('dma_unmap_page')?.mapping, 'map_page');
  assert.equal(catalogueEntry('dma_sync_sg_for_cpu')?.mapping, 'map_sg');
  assert.equal(catalogueEntry('dma_free_coherent')?.mapping, 'alloc_coherent');
  assert.equal(catalogueEntry('dma_pool_free')?.mapping, 'pool_alloc');
});
