// SPDX-License-Identifier: GPL-2.0
/*
 * soc_demo_dma: a platform (device-tree) capture engine on an arm64 SoC, written for DMA Lens examples.
 *
 * The engine can only address 32 bits and sits behind an interconnect whose dma-ranges translate CPU
 * addresses, so the bus address it must be given is never the CPU physical address. Frames are
 * scatter-gather buffers; the command FIFO of a peripheral is reached with dma_map_resource().
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/io.h>

#define SDC_FRAME_BYTES		SZ_64K
#define SDC_DESC_COUNT		32
#define SDC_FIFO_OFFSET		0x400
#define SDC_REG_DESC_BASE	0x10
#define SDC_REG_FIFO_ADDR	0x18
#define SDC_REG_SEG_ADDR(n)	(0x100 + (n) * 8)

struct sdc_priv {
	struct device *dev;
	void __iomem *regs;
	resource_size_t regs_phys;
	void *desc;
	dma_addr_t desc_dma;
	dma_addr_t fifo_dma;
	struct sg_table frame;
};

static int sdc_map_frame(struct sdc_priv *priv)
{
	struct scatterlist *sg;
	int count, i;

	count = dma_map_sg(priv->dev, priv->frame.sgl, priv->frame.orig_nents, DMA_FROM_DEVICE);
	if (!count)
		return -EIO;
	for_each_sg(priv->frame.sgl, sg, count, i)
		writeq(sg_dma_address(sg), priv->regs + SDC_REG_SEG_ADDR(i));
	return 0;
}

static void sdc_frame_done(struct sdc_priv *priv)
{
	dma_sync_sg_for_cpu(priv->dev, priv->frame.sgl, priv->frame.orig_nents, DMA_FROM_DEVICE);
	dma_unmap_sg(priv->dev, priv->frame.sgl, priv->frame.orig_nents, DMA_FROM_DEVICE);
}

static int sdc_map_fifo(struct sdc_priv *priv)
{
	priv->fifo_dma = dma_map_resource(priv->dev, priv->regs_phys + SDC_FIFO_OFFSET, SZ_4K,
					  DMA_BIDIRECTIONAL, 0);
	if (dma_mapping_error(priv->dev, priv->fifo_dma))
		return -EIO;
	writeq(priv->fifo_dma, priv->regs + SDC_REG_FIFO_ADDR);
	return 0;
}

static int sdc_probe(struct platform_device *pdev)
{
	struct sdc_priv *priv;
	struct resource *res;
	int err;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->dev = &pdev->dev;
	priv->regs = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(priv->regs))
		return PTR_ERR(priv->regs);
	priv->regs_phys = res->start;

	/* The engine's address bus is 32 bits wide. */
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (err)
		return err;

	priv->desc = dmam_alloc_coherent(&pdev->dev, SDC_DESC_COUNT * 16, &priv->desc_dma, GFP_KERNEL);
	if (!priv->desc)
		return -ENOMEM;
	writeq(priv->desc_dma, priv->regs + SDC_REG_DESC_BASE);

	err = sg_alloc_table(&priv->frame, SDC_FRAME_BYTES / PAGE_SIZE, GFP_KERNEL);
	if (err)
		return err;
	err = sdc_map_fifo(priv);
	if (err)
		return err;
	platform_set_drvdata(pdev, priv);
	return sdc_map_frame(priv);
}

static int sdc_remove(struct platform_device *pdev)
{
	struct sdc_priv *priv = platform_get_drvdata(pdev);

	sdc_frame_done(priv);
	dma_unmap_resource(priv->dev, priv->fifo_dma, SZ_4K, DMA_BIDIRECTIONAL, 0);
	sg_free_table(&priv->frame);
	return 0;
}

static const struct of_device_id sdc_of_match[] = {
	{ .compatible = "dmalens,demo-capture" },
	{ }
};
MODULE_DEVICE_TABLE(of, sdc_of_match);

static struct platform_driver sdc_driver = {
	.driver = {
		.name = "soc_demo_dma",
		.of_match_table = sdc_of_match,
	},
	.probe = sdc_probe,
	.remove = sdc_remove,
};
module_platform_driver(sdc_driver);
MODULE_DESCRIPTION("DMA Lens example: SoC capture engine behind dma-ranges");
MODULE_LICENSE("GPL");
