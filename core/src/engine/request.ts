// The JSON form of requests (the CLI's --ops files, the server's simulate requests), validated with zod.
// Addresses and sizes are "0x.." strings or plain integers; directions take the short form
// (to_device) or the kernel name (DMA_TO_DEVICE).
import { z } from 'zod';
import type { Direction, Request } from '../types';
import { parseBigInt, parseMask, parseSize } from '../params/parse';

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
    ctx.addIssue({
      code: 'custom',
      message: `expected a 64-bit unsigned integer as decimal or 0x hex, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return parsed;
});

/** A byte count: what `big` takes, and K/M/G/T sizes (4K, 2M) as the CLI's --set takes them. */
const bytes = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const parsed = parseSize(value);
  if (parsed === null || parsed < 0n || parsed > U64_MAX) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a byte count as decimal or 0x hex, optionally with K, M or G, got ${JSON.stringify(value)}`,
    });
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
    ctx.addIssue({
      code: 'custom',
      message: `expected a direction (to_device, from_device, bidirectional, none or DMA_TO_DEVICE...), got '${value}'`,
    });
    return z.NEVER;
  }
  return dir;
});

const mask = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const parsed = parseMask(value);
  if (parsed === null || parsed > U64_MAX) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a bit count 1..64 (e.g. 32) or a mask of contiguous low bits (e.g. 0xffffffff), got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return parsed;
});

const attrs = z
  .array(
    z.enum([
      'WEAK_ORDERING',
      'WRITE_COMBINE',
      'NO_KERNEL_MAPPING',
      'SKIP_CPU_SYNC',
      'FORCE_CONTIGUOUS',
      'ALLOC_SINGLE_PAGES',
      'NO_WARN',
      'PRIVILEGED',
    ]),
  )
  .optional();
const cpu = z.number().int().min(0).max(4095).optional();
const of = z.number().int().min(0);
const range = z.object({ phys: big, size: bytes }).strict();
/**
 * Bounds on list lengths, so that one request cannot make a session run for minutes or exhaust memory:
 * a scatterlist of more entries than a 16 MiB transfer of 4 KiB pages has (4096), and more virtqueue
 * buffers in one add than QEMU's largest queue (VIRTQUEUE_MAX_SIZE, 1024) could take.
 */
export const MAX_SG_ENTRIES = 4096;
export const MAX_VIRTQUEUE_BUFFERS = 1024;
const mapOne = { phys: big, size: bytes, dir: direction, attrs };

const schema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('map_single'), ...mapOne, cpu }).strict(),
  z.object({ op: z.literal('map_page'), ...mapOne, cpu }).strict(),
  z
    .object({
      op: z.literal('map_sg'),
      entries: z.array(range).min(1).max(MAX_SG_ENTRIES, `a scatterlist of at most ${MAX_SG_ENTRIES} entries`),
      dir: direction,
      attrs,
      cpu,
    })
    .strict(),
  z.object({ op: z.literal('map_resource'), ...mapOne }).strict(),
  z.object({ op: z.literal('unmap'), of, size: bytes.optional(), dir: direction.optional(), attrs }).strict(),
  z
    .object({
      op: z.literal('sync_for_cpu'),
      of,
      offset: big.optional(),
      size: bytes.optional(),
      dir: direction.optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('sync_for_device'),
      of,
      offset: big.optional(),
      size: bytes.optional(),
      dir: direction.optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('alloc_coherent'),
      size: bytes,
      gfp: z.enum(['GFP_KERNEL', 'GFP_ATOMIC']).optional(),
      attrs,
      phys: big.optional(),
      pages: z.array(big).min(1).optional(),
    })
    .strict(),
  z.object({ op: z.literal('free_coherent'), of }).strict(),
  z.object({ op: z.literal('dma_pool_create'), size: bytes, align: big.optional(), boundary: big.optional() }).strict(),
  z.object({ op: z.literal('dma_pool_alloc'), of }).strict(),
  z.object({ op: z.literal('set_mask'), mask, which: z.enum(['streaming', 'coherent', 'both']).optional() }).strict(),
  z
    .object({
      op: z.literal('virtio_negotiate'),
      offered: z.array(z.string()),
      transport: z.enum(['pci-modern', 'pci-legacy', 'mmio', 'ccw']).optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('virtqueue_add'),
      out: z.array(range).max(MAX_VIRTQUEUE_BUFFERS, `at most ${MAX_VIRTQUEUE_BUFFERS} buffers`),
      in: z.array(range).max(MAX_VIRTQUEUE_BUFFERS, `at most ${MAX_VIRTQUEUE_BUFFERS} buffers`),
      indirect: z.boolean().optional(),
    })
    .strict()
    .refine((add) => add.out.length + add.in.length <= MAX_VIRTQUEUE_BUFFERS, {
      message: `a virtqueue add takes at most ${MAX_VIRTQUEUE_BUFFERS} buffers in all`,
      path: ['in'],
    }),
  z.object({ op: z.literal('virtqueue_get_buf'), of }).strict(),
  z
    .object({
      op: z.literal('vring_alloc'),
      num: z.number().int().min(1).max(32768),
      packed: z.boolean().optional(),
      legacy: z.boolean().optional(),
      phys: big.optional(),
      pages: z.array(big).min(1).optional(),
    })
    .strict(),
  z.object({ op: z.literal('fq_timeout') }).strict(),
]);

const OPS = schema.options.map((option) => option.shape.op.value);

/** Validates one request in its JSON form; throws RequestError naming the field and what it accepts. */
export function parseRequest(json: unknown): Request {
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const op = (json as Record<string, unknown>).op;
    if (typeof op !== 'string' || !OPS.includes(op as never))
      throw new RequestError(`unknown op ${JSON.stringify(op)}; known: ${OPS.join(', ')}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'request';
    throw new RequestError(`bad request: ${where}: ${describeIssue(issue, json)}`);
  }
  return stripUndefined(parsed.data) as Request;
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

/** What each field accepts, for the messages of missing or mistyped fields (zod's own say only the JS type). */
const FIELD_FORMS: Record<string, string> = {
  phys: 'an address as decimal or 0x hex',
  size: 'a byte count as decimal or 0x hex, optionally with K, M or G (4K, 2M)',
  offset: 'a byte offset as decimal or 0x hex',
  align: 'a power-of-two alignment as decimal or 0x hex',
  boundary: 'a power-of-two boundary as decimal or 0x hex',
  dir: 'a direction: to_device, from_device, bidirectional, none or DMA_TO_DEVICE...',
  of: 'the index of an earlier request (an integer from 0)',
  mask: 'a bit count 1..64 (e.g. 32) or a mask of contiguous low bits (e.g. 0xffffffff)',
  entries: `a non-empty array of at most ${MAX_SG_ENTRIES} {phys, size}`,
  out: `an array of at most ${MAX_VIRTQUEUE_BUFFERS} {phys, size}`,
  in: `an array of at most ${MAX_VIRTQUEUE_BUFFERS} {phys, size}`,
  offered: 'an array of feature names such as VERSION_1, ACCESS_PLATFORM',
  num: 'a ring size from 1 to 32768',
  cpu: 'a CPU number from 0 to 4095',
};

function fieldValue(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path)
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const container = fieldValue(json, issue.path);
    const known = knownKeys(issue.path.length === 0 ? (json as Record<string, unknown>).op : undefined, container);
    return `${issue.message}${known ? `; accepted: ${known}` : ''}`;
  }
  if (issue.code !== 'invalid_type' && issue.code !== 'invalid_union') return issue.message;
  const field = [...issue.path].reverse().find((key): key is string => typeof key === 'string');
  const form = field === undefined ? undefined : FIELD_FORMS[field];
  if (form === undefined) return issue.message;
  const value = fieldValue(json, issue.path);
  return value === undefined ? `missing; expected ${form}` : `expected ${form}, got ${JSON.stringify(value)}`;
}

/** The fields an op accepts (top level), or those of a {phys, size} range. */
function knownKeys(op: unknown, container: unknown): string | null {
  if (op === undefined) return container && typeof container === 'object' ? 'phys, size' : null;
  const option = schema.options.find((candidate) => candidate.shape.op.value === op);
  return option ? Object.keys(option.shape).join(', ') : null;
}
