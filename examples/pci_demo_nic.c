// SPDX-License-Identifier: GPL-2.0
/*
 * pci_demo_nic: a PCI network controller with coherent descriptor rings and streaming buffers,
 * written for DMA Lens examples.
 *
 * The rings live in dma_alloc_coherent() memory for the driver's lifetime; every transmit frame is
 * mapped with dma_map_single() and every receive page with dma_map_page(), then synced for the CPU
 * when the device has written it.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/netdevice.h>
#include <linux/dma-mapping.h>

#define PDN_RING_SIZE		256
#define PDN_DESC_BYTES		16
#define PDN_RING_BYTES		(PDN_RING_SIZE * PDN_DESC_BYTES)
#define PDN_RX_BUF_LEN		2048
#define PDN_REG_TX_BASE		0x100
#define PDN_REG_RX_BASE		0x108
#define PDN_REG_TX_TAIL		0x110

struct pdn_desc {
	__le64 addr;
	__le32 len;
	__le32 flags;
};

struct pdn_rx_slot {
	struct page *page;
	dma_addr_t dma;
};

struct pdn_tx_slot {
	struct sk_buff *skb;
	dma_addr_t dma;
	unsigned int len;
};

struct pdn_priv {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct pdn_desc *tx_ring;
	struct pdn_desc *rx_ring;
	dma_addr_t tx_ring_dma;
	dma_addr_t rx_ring_dma;
	struct pdn_tx_slot tx_slots[PDN_RING_SIZE];
	struct pdn_rx_slot rx_slots[PDN_RING_SIZE];
	unsigned int tx_head;
};

static int pdn_alloc_rings(struct pdn_priv *priv)
{
	struct device *dev = &priv->pdev->dev;

	priv->tx_ring = dma_alloc_coherent(dev, PDN_RING_BYTES, &priv->tx_ring_dma, GFP_KERNEL);
	if (!priv->tx_ring)
		return -ENOMEM;
	priv->rx_ring = dma_alloc_coherent(dev, PDN_RING_BYTES, &priv->rx_ring_dma, GFP_KERNEL);
	if (!priv->rx_ring) {
		dma_free_coherent(dev, PDN_RING_BYTES, priv->tx_ring, priv->tx_ring_dma);
		return -ENOMEM;
	}
	writeq(priv->tx_ring_dma, priv->regs + PDN_REG_TX_BASE);
	writeq(priv->rx_ring_dma, priv->regs + PDN_REG_RX_BASE);
	return 0;
}

static void pdn_free_rings(struct pdn_priv *priv)
{
	struct device *dev = &priv->pdev->dev;

	dma_free_coherent(dev, PDN_RING_BYTES, priv->rx_ring, priv->rx_ring_dma);
	dma_free_coherent(dev, PDN_RING_BYTES, priv->tx_ring, priv->tx_ring_dma);
}

static int pdn_refill_rx(struct pdn_priv *priv, unsigned int i)
{
	struct pdn_rx_slot *slot = &priv->rx_slots[i];
	struct device *dev = &priv->pdev->dev;
	struct page *page;
	dma_addr_t dma;

	page = dev_alloc_page();
	if (!page)
		return -ENOMEM;
	dma = dma_map_page(dev, page, 0, PAGE_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, dma)) {
		__free_page(page);
		return -ENOMEM;
	}
	slot->page = page;
	slot->dma = dma;
	priv->rx_ring[i].addr = cpu_to_le64(dma);
	priv->rx_ring[i].len = cpu_to_le32(PDN_RX_BUF_LEN);
	return 0;
}

static void pdn_rx_one(struct pdn_priv *priv, unsigned int i, unsigned int len)
{
	struct pdn_rx_slot *slot = &priv->rx_slots[i];
	struct device *dev = &priv->pdev->dev;

	dma_sync_single_for_cpu(dev, slot->dma, len, DMA_FROM_DEVICE);
	/* The frame is copied out here; the page goes back to the device afterwards. */
	dma_sync_single_for_device(dev, slot->dma, len, DMA_FROM_DEVICE);
}

static netdev_tx_t pdn_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct pdn_priv *priv = netdev_priv(ndev);
	struct device *dev = &priv->pdev->dev;
	unsigned int i = priv->tx_head % PDN_RING_SIZE;
	struct pdn_tx_slot *slot = &priv->tx_slots[i];
	dma_addr_t dma;

	dma = dma_map_single(dev, skb->data, skb_headlen(skb), DMA_TO_DEVICE);
	if (unlikely(dma_mapping_error(dev, dma))) {
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	slot->skb = skb;
	slot->dma = dma;
	slot->len = skb_headlen(skb);
	priv->tx_ring[i].addr = cpu_to_le64(dma);
	priv->tx_ring[i].len = cpu_to_le32(slot->len);
	priv->tx_head++;
	writel(priv->tx_head, priv->regs + PDN_REG_TX_TAIL);
	return NETDEV_TX_OK;
}

static void pdn_tx_complete(struct pdn_priv *priv, unsigned int i)
{
	struct pdn_tx_slot *slot = &priv->tx_slots[i];

	dma_unmap_single(&priv->pdev->dev, slot->dma, slot->len, DMA_TO_DEVICE);
	dev_consume_skb_any(slot->skb);
	slot->skb = NULL;
}

static int pdn_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct pdn_priv *priv;
	unsigned int i;
	int err;

	err = pcim_enable_device(pdev);
	if (err)
		return err;
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err)
		return err;
	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->pdev = pdev;
	priv->regs = pcim_iomap(pdev, 0, 0);
	if (!priv->regs)
		return -ENOMEM;
	err = pdn_alloc_rings(priv);
	if (err)
		return err;
	for (i = 0; i < PDN_RING_SIZE; i++) {
		err = pdn_refill_rx(priv, i);
		if (err)
			goto err_rings;
	}
	pci_set_drvdata(pdev, priv);
	return 0;

err_rings:
	while (i--)
		dma_unmap_page(&pdev->dev, priv->rx_slots[i].dma, PAGE_SIZE, DMA_FROM_DEVICE);
	pdn_free_rings(priv);
	return err;
}

static const struct pci_device_id pdn_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x10f0) },
	{ }
};
MODULE_DEVICE_TABLE(pci, pdn_ids);

static struct pci_driver pdn_driver = {
	.name		= "pci_demo_nic",
	.id_table	= pdn_ids,
	.probe		= pdn_probe,
};
module_pci_driver(pdn_driver);
MODULE_DESCRIPTION("DMA Lens example: PCI NIC with coherent rings and streaming maps");
MODULE_LICENSE("GPL");
