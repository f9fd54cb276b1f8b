// The JSON form of requests (the CLI's --ops files, the server's simulate requests), validated with zod.
// Addresses and sizes are "0x.." strings or plain integers; directions take the short form
// (to_device) or the kernel name (DMA_TO_DEVICE).
import { z } from 'zod';
import type { Direction, Request } from '../types';
import { parseBigInt } from '../params/parse';

export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

const U64_MAX = (1n << 64n) - 1n;

const big = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const parsed = parseBigInt(value);
  if (parsed === null || parsed < 0n || parsed > U64_MAX) {
    ctx.addIssue({ code: 'custom', message: `expected a 64-bit unsigned integer as decimal or 0x hex, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return parsed;
});

const DIRECTIONS: Record<string, Direction> = {
  to_device: 'to_device',
  from_device: 'from_device',
  bidirectional: 'bidirectional',
  none: 'none',
  dma_to_device: 'to_device',
  dma_from_device: 'from_device',
  dma_bidirectional: 'bidirectional',
  dma_none: 'none',
};

const direction = z.string().transform((value, ctx) => {
  const dir = DIRECTIONS[value.toLowerCase()];
  if (!dir) {
    ctx.addIssue({ code: 'custom', message: `expected a direction (to_device, from_device, bidirectional, none or DMA_TO_DEVICE...), got '${value}'` });
    return z.NEVER;
  }
  return dir;
});

const attrs = z.array(z.enum(['WEAK_ORDERING', 'WRITE_COMBINE', 'NO_KERNEL_MAPPING', 'SKIP_CPU_SYNC', 'FORCE_CONTIGUOUS', 'ALLOC_SINGLE_PAGES', 'NO_WARN', 'PRIVILEGED'])).optional();
const cpu = z.number().int().min(0).max(4095).optional();
const of = z.number().int().min(0);
const range = z.object({ phys: big, size: big }).strict();
const mapOne = { phys: big, size: big, dir: direction, attrs };

const schema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('map_single'), ...mapOne, cpu }).strict(),
  z.object({ op: z.literal('map_page'), ...mapOne, cpu }).strict(),
  z.object({ op: z.literal('map_sg'), entries: z.array(range).min(1), dir: direction, attrs, cpu }).strict(),
  z.object({ op: z.literal('map_resource'), ...mapOne }).strict(),
  z.object({ op: z.literal('unmap'), of, size: big.optional(), dir: direction.optional(), attrs }).strict(),
  z.object({ op: z.literal('sync_for_cpu'), of, offset: big.optional(), size: big.optional(), dir: direction.optional() }).strict(),
  z.object({ op: z.literal('sync_for_device'), of, offset: big.optional(), size: big.optional(), dir: direction.optional() }).strict(),
  z.object({ op: z.literal('alloc_coherent'), size: big, gfp: z.enum(['GFP_KERNEL', 'GFP_ATOMIC']).optional(), attrs, phys: big.optional() }).strict(),
  z.object({ op: z.literal('free_coherent'), of }).strict(),
  z.object({ op: z.literal('dma_pool_create'), size: big, align: big.optional(), boundary: big.optional() }).strict(),
  z.object({ op: z.literal('dma_pool_alloc'), of }).strict(),
  z.object({ op: z.literal('set_mask'), mask: z.union([z.string(), z.number()]).transform((value, ctx) => {
    const text = String(value);
    const parsed = /^0x/i.test(text) ? parseBigInt(text) : parseBigInt(value);
    if (parsed === null || parsed > U64_MAX) {
      ctx.addIssue({ code: 'custom', message: `expected a bit count (e.g. 32) or a hex mask, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return !/^0x/i.test(text) && parsed >= 1n && parsed <= 64n ? (parsed === 64n ? U64_MAX : (1n << parsed) - 1n) : parsed;
  }), which: z.enum(['streaming', 'coherent', 'both']).optional() }).strict(),
  z.object({ op: z.literal('virtio_negotiate'), offered: z.array(z.string()), transport: z.enum(['pci-modern', 'pci-legacy', 'mmio', 'ccw']).optional() }).strict(),
  z.object({ op: z.literal('virtqueue_add'), out: z.array(range), in: z.array(range), indirect: z.boolean().optional() }).strict(),
  z.object({ op: z.literal('virtqueue_get_buf'), of }).strict(),
  z.object({ op: z.literal('vring_alloc'), num: z.number().int().min(1).max(32768), packed: z.boolean().optional(), legacy: z.boolean().optional() }).strict(),
]);

const OPS = schema.options.map((option) => option.shape.op.value);

/** Validates one request in its JSON form; throws RequestError naming the field and what it accepts. */
export function parseRequest(json: unknown): Request {
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const op = (json as Record<string, unknown>).op;
    if (typeof op !== 'string' || !OPS.includes(op as never)) throw new RequestError(`unknown op ${JSON.stringify(op)}; known: ${OPS.join(', ')}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'request';
    throw new RequestError(`bad request: ${where}: ${issue.message}`);
  }
  return stripUndefined(parsed.data) as Request;
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}
