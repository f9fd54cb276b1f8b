// SPDX-License-Identifier: GPL-2.0
/*
 * buggy_demo_dev: a driver full of the DMA mistakes DMA Lens reports, written for DMA Lens examples.
 * Every function below compiles (against an old enough kernel) and works on a plain x86 laptop,
 * which is exactly why these bugs survive until the driver meets an IOMMU, a bounce buffer or a
 * powerpc board.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/dma-mapping.h>
#include <linux/vmalloc.h>
#include <linux/virtio_config.h>

#define BDD_CMD_LEN	64
#define BDD_LOG_BYTES	(256 * 1024)
#define BDD_REG_CMD	0x20

struct bdd_desc {
	__le64 addr;
	__le32 len;
	__le32 flags;
};

struct bdd_priv {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct bdd_desc *ring;
	dma_addr_t ring_dma;
	void *log;
	dma_addr_t log_dma;
	void *reply;
	dma_addr_t reply_dma;
};

/* Mistake: the command lives on the stack and the mapping result is never checked. */
static void bdd_send_cmd(struct bdd_priv *priv, u32 opcode)
{
	u8 cmd[BDD_CMD_LEN];
	dma_addr_t dma;

	memset(cmd, 0, sizeof(cmd));
	cmd[0] = opcode;
	dma = dma_map_single(&priv->pdev->dev, cmd, BDD_CMD_LEN, DMA_TO_DEVICE);
	writeq(dma, priv->regs + BDD_REG_CMD);
	dma_unmap_single(&priv->pdev->dev, dma, BDD_CMD_LEN, DMA_TO_DEVICE);
}

/* Mistake: vmalloc memory is not physically contiguous; dma_map_single() rejects it. */
static int bdd_map_log(struct bdd_priv *priv)
{
	priv->log = vmalloc(BDD_LOG_BYTES);
	if (!priv->log)
		return -ENOMEM;
	priv->log_dma = dma_map_single(&priv->pdev->dev, priv->log, BDD_LOG_BYTES, DMA_FROM_DEVICE);
	if (dma_mapping_error(&priv->pdev->dev, priv->log_dma))
		return -ENOMEM;
	return 0;
}

/* Mistake: unmapped with a different size and direction than it was mapped with. */
static int bdd_reply_buffer(struct bdd_priv *priv)
{
	priv->reply = kmalloc(512, GFP_KERNEL);
	if (!priv->reply)
		return -ENOMEM;
	priv->reply_dma = dma_map_single(&priv->pdev->dev, priv->reply, 512, DMA_FROM_DEVICE);
	if (dma_mapping_error(&priv->pdev->dev, priv->reply_dma))
		return -ENOMEM;
	return 0;
}

static void bdd_reply_done(struct bdd_priv *priv)
{
	dma_sync_single_for_device(&priv->pdev->dev, priv->reply_dma, 512, DMA_TO_DEVICE);
	dma_unmap_single(&priv->pdev->dev, priv->reply_dma, 256, DMA_BIDIRECTIONAL);
	kfree(priv->reply);
}

/* Mistake: a CPU physical address written where the device reads it. */
static void bdd_post_raw(struct bdd_priv *priv, void *frame, unsigned int len)
{
	priv->ring[0].addr = cpu_to_le64(virt_to_phys(frame));
	priv->ring[0].len = cpu_to_le32(len);
}

/* Mistake: APIs that no longer exist. */
static int bdd_old_setup(struct bdd_priv *priv)
{
	if (pci_set_dma_mask(priv->pdev, DMA_BIT_MASK(32)))
		return -EIO;
	priv->ring = dma_zalloc_coherent(&priv->pdev->dev, PAGE_SIZE, &priv->ring_dma, GFP_KERNEL);
	if (!priv->ring)
		return -ENOMEM;
	return 0;
}

/* Mistake: one mapping per page inside a loop, each one a hypercall on pseries. */
static int bdd_map_pages(struct bdd_priv *priv, struct page **pages, dma_addr_t *dma, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		dma[i] = dma_map_page(&priv->pdev->dev, pages[i], 0, PAGE_SIZE, DMA_TO_DEVICE);
		if (dma_mapping_error(&priv->pdev->dev, dma[i]))
			return -ENOMEM;
	}
	return 0;
}

/* Mistake: the feature was renamed VIRTIO_F_ACCESS_PLATFORM. */
static bool bdd_uses_iommu(struct virtio_device *vdev)
{
	return virtio_has_feature(vdev, VIRTIO_F_IOMMU_PLATFORM);
}

MODULE_DESCRIPTION("DMA Lens example: common DMA mistakes");
MODULE_LICENSE("GPL");
