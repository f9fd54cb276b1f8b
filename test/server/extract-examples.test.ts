// The example drivers (the default input of `npm start`) must expose the facts their mistakes are about.
// Each expectation names the call by a snippet of its line; the values come from the driver's own code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { CallSite } from '../../server/src/analysis/callsite';
import { extractCallSites } from '../../server/src/analysis/extract';
import { initParser } from '../../server/src/parse/parser';
import { repoRoot } from './extract-support';

before(async () => {
  await initParser();
});

function sitesOf(name: string): { text: string; sites: CallSite[] } {
  const text = readFileSync(join(repoRoot, 'examples', name), 'utf8');
  return { text, sites: extractCallSites(text) };
}

/** The site of `api` on the first line containing `snippet`. */
function siteOn(file: { text: string; sites: CallSite[] }, api: string, snippet: string): CallSite {
  const line = file.text.split('\n').findIndex((text) => text.includes(snippet));
  assert.ok(line >= 0, `snippet not found: ${snippet}`);
  const site = file.sites.find((candidate) => candidate.api === api && candidate.nameRange.start.line === line);
  assert.ok(site, `no ${api} on line ${line + 1}`);
  return site;
}

test('buggy_demo_dev.c: each planted mistake is visible in the facts', () => {
  const file = sitesOf('buggy_demo_dev.c');
  const stack = siteOn(file, 'dma_map_single', 'cmd, BDD_CMD_LEN');
  assert.equal(stack.bufferOrigin, 'stack');
  assert.equal(stack.checked, false);
  assert.equal(stack.resultUse, 'assigned');
  assert.equal(siteOn(file, 'dma_map_single', 'priv->log, BDD_LOG_BYTES').bufferOrigin, 'vmalloc');
  assert.equal(siteOn(file, 'dma_map_single', 'priv->log, BDD_LOG_BYTES').size?.value, 256n * 1024n);

  const reply = siteOn(file, 'dma_map_single', 'priv->reply, 512');
  assert.equal(reply.bufferOrigin, 'kmalloc');
  const unmap = siteOn(file, 'dma_unmap_single', 'priv->reply_dma, 256');
  assert.equal(unmap.size?.value, 256n);
  assert.equal(unmap.direction, 'bidirectional');
  assert.ok(
    reply.pairedWith.includes(file.sites.indexOf(unmap)),
    'the unmap pairs with the map through priv->reply_dma',
  );
  assert.equal(siteOn(file, 'dma_sync_single_for_device', 'reply_dma, 512, DMA_TO_DEVICE').direction, 'to_device');

  // Through cpu_to_le64() into the descriptor: stored there, as the value it is.
  assert.equal(siteOn(file, 'virt_to_phys', 'virt_to_phys(frame)').resultUse, 'assigned');
  assert.equal(siteOn(file, 'pci_set_dma_mask', 'pci_set_dma_mask').kind, 'mask');
  assert.deepEqual(siteOn(file, 'dma_zalloc_coherent', 'dma_zalloc_coherent').size, {
    value: null,
    text: 'PAGE_SIZE',
    kind: 'page_size',
    pages: 1,
  });
  const loop = siteOn(file, 'dma_map_page', 'pages[i]');
  assert.equal(loop.inLoop, true);
  assert.equal(loop.checked, true);
});

test('pci_demo_nic.c: rings pair with their frees, streaming maps are checked', () => {
  const file = sitesOf('pci_demo_nic.c');
  const tx = siteOn(file, 'dma_alloc_coherent', '&priv->tx_ring_dma');
  assert.equal(tx.size?.value, 256n * 16n);
  assert.equal(tx.handle, 'priv->tx_ring_dma');
  assert.equal(tx.cpuAddr, 'priv->tx_ring');
  assert.equal(tx.pairedWith.length, 2, 'freed on the error path and in pdn_free_rings');
  const page = siteOn(file, 'dma_map_page', 'dma_map_page(dev, page');
  assert.equal(page.bufferOrigin, 'page');
  assert.equal(page.checked, true);
  assert.equal(siteOn(file, 'dma_map_single', 'skb->data').bufferOrigin, 'field');
  assert.equal(siteOn(file, 'dma_map_single', 'skb->data').checked, true);
});

test('soc_demo_dma.c: scatterlist and resource mappings pair across functions', () => {
  const file = sitesOf('soc_demo_dma.c');
  const sg = siteOn(file, 'dma_map_sg', 'count = dma_map_sg');
  assert.equal(sg.checked, true);
  assert.equal(sg.handle, 'priv->frame.sgl');
  assert.deepEqual(sg.pairedWith.map((index) => file.sites[index]!.api).sort(), [
    'dma_sync_sg_for_cpu',
    'dma_unmap_sg',
  ]);
  const resource = siteOn(file, 'dma_map_resource', 'priv->fifo_dma = dma_map_resource');
  assert.equal(resource.size?.value, 4096n);
  assert.equal(resource.checked, true);
  assert.equal(siteOn(file, 'dmam_alloc_coherent', 'priv->desc = dmam_alloc_coherent').size?.value, 512n);
});

test('virtio_demo_net.c: virtqueue calls carry the direction their API implies', () => {
  const file = sitesOf('virtio_demo_net.c');
  assert.equal(siteOn(file, 'virtqueue_add_inbuf', 'err = virtqueue_add_inbuf').direction, 'from_device');
  assert.equal(siteOn(file, 'virtqueue_add_outbuf', '|| virtqueue_add_outbuf').direction, 'to_device');
  assert.equal(siteOn(file, 'virtqueue_get_buf', 'priv->rvq, &len').inLoop, true);
  // The dev_info text mentions no API, and the string in names[] is not a call.
  assert.equal(file.sites.filter((site) => site.api === 'virtio_has_feature').length, 2);
});
