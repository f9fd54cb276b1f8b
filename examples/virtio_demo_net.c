// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_demo_net: a small virtio network driver written for DMA Lens examples.
 *
 * One receive and one transmit virtqueue. Receive buffers are kmalloc'ed and posted with
 * virtqueue_add_inbuf(); transmit frames are posted from the skb with virtqueue_add_outbuf().
 * Whether the virtio core maps these buffers through the DMA API depends on VIRTIO_F_ACCESS_PLATFORM.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#define VDN_RX_BUF_LEN		(ETH_FRAME_LEN + sizeof(struct virtio_net_hdr_mrg_rxbuf))
#define VDN_RX_RING_FILL	128

struct vdn_priv {
	struct virtio_device *vdev;
	struct net_device *ndev;
	struct virtqueue *rvq;
	struct virtqueue *svq;
	struct napi_struct napi;
};

static int vdn_post_rx(struct vdn_priv *priv, gfp_t gfp)
{
	struct scatterlist sg;
	void *buf;
	int err;

	buf = kmalloc(VDN_RX_BUF_LEN, gfp);
	if (!buf)
		return -ENOMEM;
	sg_init_one(&sg, buf, VDN_RX_BUF_LEN);
	err = virtqueue_add_inbuf(priv->rvq, &sg, 1, buf, gfp);
	if (err < 0)
		kfree(buf);
	return err;
}

static void vdn_fill_rx(struct vdn_priv *priv)
{
	int i;

	for (i = 0; i < VDN_RX_RING_FILL; i++) {
		if (vdn_post_rx(priv, GFP_KERNEL))
			break;
	}
	virtqueue_kick(priv->rvq);
}

static int vdn_poll(struct napi_struct *napi, int budget)
{
	struct vdn_priv *priv = container_of(napi, struct vdn_priv, napi);
	unsigned int len;
	int done = 0;
	void *buf;

	while (done < budget && (buf = virtqueue_get_buf(priv->rvq, &len)) != NULL) {
		struct sk_buff *skb = netdev_alloc_skb(priv->ndev, len);

		if (skb) {
			skb_put_data(skb, buf + sizeof(struct virtio_net_hdr_mrg_rxbuf),
				     len - sizeof(struct virtio_net_hdr_mrg_rxbuf));
			skb->protocol = eth_type_trans(skb, priv->ndev);
			napi_gro_receive(napi, skb);
		}
		kfree(buf);
		vdn_post_rx(priv, GFP_ATOMIC);
		done++;
	}
	if (done < budget && napi_complete_done(napi, done))
		virtqueue_enable_cb(priv->rvq);
	virtqueue_kick(priv->rvq);
	return done;
}

static netdev_tx_t vdn_start_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct vdn_priv *priv = netdev_priv(ndev);
	struct scatterlist sg[MAX_SKB_FRAGS + 2];
	unsigned int len;
	void *done_skb;
	int nsg;

	while ((done_skb = virtqueue_get_buf(priv->svq, &len)) != NULL)
		dev_consume_skb_any(done_skb);

	sg_init_table(sg, ARRAY_SIZE(sg));
	nsg = skb_to_sgvec(skb, sg, 0, skb->len);
	if (nsg < 0 || virtqueue_add_outbuf(priv->svq, sg, nsg, skb, GFP_ATOMIC)) {
		dev_kfree_skb_any(skb);
		ndev->stats.tx_dropped++;
		return NETDEV_TX_OK;
	}
	if (virtqueue_kick_prepare(priv->svq))
		virtqueue_notify(priv->svq);
	return NETDEV_TX_OK;
}

static int vdn_probe(struct virtio_device *vdev)
{
	struct virtqueue *vqs[2];
	vq_callback_t *callbacks[] = { NULL, NULL };
	static const char * const names[] = { "rx", "tx" };
	struct net_device *ndev;
	struct vdn_priv *priv;
	int err;

	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		return -ENODEV;
	if (!virtio_has_feature(vdev, VIRTIO_F_ACCESS_PLATFORM))
		dev_info(&vdev->dev, "device bypasses the IOMMU: buffers are passed by guest physical address\n");

	ndev = alloc_etherdev(sizeof(*priv));
	if (!ndev)
		return -ENOMEM;
	priv = netdev_priv(ndev);
	priv->vdev = vdev;
	priv->ndev = ndev;
	vdev->priv = priv;

	err = virtio_find_vqs(vdev, 2, vqs, callbacks, names, NULL);
	if (err)
		goto err_free;
	priv->rvq = vqs[0];
	priv->svq = vqs[1];
	virtio_device_ready(vdev);
	vdn_fill_rx(priv);
	return register_netdev(ndev);

err_free:
	free_netdev(ndev);
	return err;
}

static void vdn_remove(struct virtio_device *vdev)
{
	struct vdn_priv *priv = vdev->priv;
	void *buf;

	unregister_netdev(priv->ndev);
	virtio_reset_device(vdev);
	while ((buf = virtqueue_detach_unused_buf(priv->rvq)) != NULL)
		kfree(buf);
	while ((buf = virtqueue_detach_unused_buf(priv->svq)) != NULL)
		dev_kfree_skb(buf);
	vdev->config->del_vqs(vdev);
	free_netdev(priv->ndev);
}

static const struct virtio_device_id vdn_id_table[] = {
	{ VIRTIO_ID_NET, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct virtio_driver vdn_driver = {
	.driver.name	= "virtio_demo_net",
	.id_table	= vdn_id_table,
	.probe		= vdn_probe,
	.remove		= vdn_remove,
};
module_virtio_driver(vdn_driver);
MODULE_DESCRIPTION("DMA Lens example: virtio network driver");
MODULE_LICENSE("GPL");
