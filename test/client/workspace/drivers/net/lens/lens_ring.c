// SPDX-License-Identifier: GPL-2.0
/*
 * A small kernel-style driver for the DMA Lens end-to-end test: it maps a transmit buffer without
 * checking dma_mapping_error (so the Problems panel shows a finding) and maps a receive buffer the
 * right way.
 */
#include <linux/dma-mapping.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#define LENS_RX_BUF_SIZE 2048

struct lens_ring {
	struct device *dev;
	void *rx_buf;
	dma_addr_t rx_dma;
	dma_addr_t tx_dma;
};

static int lens_xmit(struct lens_ring *ring, struct sk_buff *skb)
{
	ring->tx_dma = dma_map_single(ring->dev, skb->data, skb_headlen(skb), DMA_TO_DEVICE);
	return 0;
}

static int lens_rx_refill(struct lens_ring *ring)
{
	ring->rx_buf = kmalloc(LENS_RX_BUF_SIZE, GFP_KERNEL);
	if (!ring->rx_buf)
		return -ENOMEM;
	ring->rx_dma = dma_map_single(ring->dev, ring->rx_buf, LENS_RX_BUF_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(ring->dev, ring->rx_dma)) {
		kfree(ring->rx_buf);
		return -ENOMEM;
	}
	return 0;
}
