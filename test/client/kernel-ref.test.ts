// A stage's kernel reference becomes a file of the tree and the line that defines the function: kernel
// style puts a definition's first line at column 0 and ends a prototype's with `;`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionLine, parseKernelRef } from '../../client/src/pipeline/kernel-ref';

const MAPPING_C = `// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-map-ops.h>

dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page,
		size_t offset, size_t size, enum dma_data_direction dir,
		unsigned long attrs);

static void helper(struct device *dev)
{
	dma_map_page_attrs(dev, NULL, 0, 0, DMA_NONE, 0);
}

dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page,
		size_t offset, size_t size, enum dma_data_direction dir,
		unsigned long attrs)
{
	return 0;
}
`;

test('a reference names a file of the tree and its function', () => {
  assert.deepEqual(parseKernelRef('kernel/dma/mapping.c:dma_map_page_attrs'), {
    path: 'kernel/dma/mapping.c',
    fn: 'dma_map_page_attrs',
  });
  assert.deepEqual(parseKernelRef('include/linux/dma-direct.h'), { path: 'include/linux/dma-direct.h', fn: null });
  // References outside the kernel tree (QEMU, the spec) and paths that climb out of it are not files to open.
  assert.equal(parseKernelRef('hw/virtio/virtio.c:virtio_init'), null);
  assert.equal(parseKernelRef('kernel/../../etc/passwd:x'), null);
  assert.equal(parseKernelRef('spec §1.2'), null);
});

test('the definition is found past its prototype and its callers', () => {
  assert.equal(definitionLine(MAPPING_C, 'dma_map_page_attrs'), 12);
});

test('a macro is the definition when there is no function; nothing found is the first line', () => {
  const header = '#ifndef X\n#define dma_map_single(d, a, s, r) dma_map_single_attrs(d, a, s, r, 0)\n#endif\n';
  assert.equal(definitionLine(header, 'dma_map_single'), 1);
  assert.equal(definitionLine(header, 'swiotlb_map'), 0);
});
