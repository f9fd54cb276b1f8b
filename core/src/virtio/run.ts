// Dispatch of the four virtio requests to their stage modules.
import type { OpResult, Request } from '../types';
import { parseOffered, virtioNegotiate } from './negotiate';
import type { VirtioContext } from './state';
import { virtqueueAdd, virtqueueGetBuf } from './virtqueue';
import { vringAlloc } from './vring';

export type VirtioRequest = Extract<
  Request,
  { op: 'virtio_negotiate' | 'virtqueue_add' | 'virtqueue_get_buf' | 'vring_alloc' }
>;

export const VIRTIO_OPS: VirtioRequest['op'][] = [
  'virtio_negotiate',
  'virtqueue_add',
  'virtqueue_get_buf',
  'vring_alloc',
];

/** Runs one virtio request; `index` is its position in the session (what a later get_buf's `of` names). */
export function runVirtioRequest(request: VirtioRequest, index: number, ctx: VirtioContext): OpResult {
  switch (request.op) {
    case 'virtio_negotiate':
      return virtioNegotiate(ctx, parseOffered(request.offered), request.transport);
    case 'virtqueue_add':
      return virtqueueAdd(ctx, request, index);
    case 'virtqueue_get_buf':
      return virtqueueGetBuf(ctx, request.of);
    case 'vring_alloc':
      return vringAlloc(ctx, request);
  }
}
