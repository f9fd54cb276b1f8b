// The shape of the requests a panel may carry, checked field by field before the extension passes a
// page's state on: only the operations and fields of the protocol's WireRequest, each of its JSON type
// and form, and `of` naming an earlier request. Whether the values make sense for a platform is the
// server's question (it parses every request with the core's validator). No vscode and no DOM.
import type { WireRequest } from '@dmalens/protocol';
import { DIRECTIONS, MAX_PANEL_REQUESTS } from './state';
import { isAddress, isMask, isSize } from './inputs';

type FieldCheck = (value: unknown, index: number) => string | null;

const text =
  (test: (value: string) => boolean, what: string): FieldCheck =>
  (value) =>
    typeof value === 'string' && test(value) ? null : `must be ${what}`;
const address = text(isAddress, 'an address in hex (0x1_2345_6000 or 0x123456000) or decimal');
const size = text(isSize, 'a positive byte count: decimal, 0x hex, or with K, M or G');
const mask = text(isMask, 'a bit count 1..64 or a 0x hex mask');
const oneOf =
  (values: readonly string[]): FieldCheck =>
  (value) =>
    typeof value === 'string' && values.includes(value) ? null : `must be one of ${values.join(', ')}`;
const direction = oneOf(DIRECTIONS);
const names: FieldCheck = (value) =>
  Array.isArray(value) &&
  value.length <= 32 &&
  value.every((item) => typeof item === 'string' && /^[A-Z0-9_]{1,40}$/.test(item))
    ? null
    : 'must be a list of upper-case names';
const ranges: FieldCheck = (value) =>
  Array.isArray(value) &&
  value.length <= 64 &&
  value.every(
    (item) =>
      typeof item === 'object' &&
      item !== null &&
      Object.keys(item).sort().join() === 'phys,size' &&
      address(Reflect.get(item, 'phys'), 0) === null &&
      size(Reflect.get(item, 'size'), 0) === null,
  )
    ? null
    : 'must be a list of {phys, size}';
const earlier: FieldCheck = (value, index) =>
  Number.isInteger(value) && typeof value === 'number' && value >= 0 && value < index
    ? null
    : 'must be the index of an earlier request';
const count: FieldCheck = (value) =>
  Number.isInteger(value) && typeof value === 'number' && value > 0 && value <= 65536 ? null : 'must be a count';
const cpu: FieldCheck = (value) =>
  Number.isInteger(value) && typeof value === 'number' && value >= 0 && value <= 4095 ? null : 'must be a CPU number';
const flag: FieldCheck = (value) => (typeof value === 'boolean' ? null : 'must be true or false');
const addresses: FieldCheck = (value, index) =>
  Array.isArray(value) && value.length > 0 && value.every((item) => address(item, index) === null)
    ? null
    : 'must be a list of addresses';

/** Fields per operation; a `?` marks an optional one. The type makes every operation of the protocol listed. */
const FIELDS: { [Op in WireRequest['op']]: Record<string, FieldCheck> } = {
  map_single: { phys: address, size, dir: direction, 'attrs?': names, 'cpu?': cpu },
  map_page: { phys: address, size, dir: direction, 'attrs?': names, 'cpu?': cpu },
  map_sg: { entries: ranges, dir: direction, 'attrs?': names, 'cpu?': cpu },
  map_resource: { phys: address, size, dir: direction, 'attrs?': names },
  unmap: { of: earlier, 'size?': size, 'dir?': direction, 'attrs?': names },
  sync_for_cpu: { of: earlier, 'offset?': size, 'size?': size, 'dir?': direction },
  sync_for_device: { of: earlier, 'offset?': size, 'size?': size, 'dir?': direction },
  alloc_coherent: {
    size,
    'gfp?': oneOf(['GFP_KERNEL', 'GFP_ATOMIC']),
    'attrs?': names,
    'phys?': address,
    'pages?': addresses,
  },
  free_coherent: { of: earlier },
  dma_pool_create: { size, 'align?': size, 'boundary?': size },
  dma_pool_alloc: { of: earlier },
  set_mask: { mask, 'which?': oneOf(['streaming', 'coherent', 'both']) },
  virtio_negotiate: { offered: names, 'transport?': oneOf(['pci-modern', 'pci-legacy', 'mmio', 'ccw']) },
  virtqueue_add: { out: ranges, in: ranges, 'indirect?': flag },
  virtqueue_get_buf: { of: earlier },
  vring_alloc: { num: count, 'packed?': flag, 'legacy?': flag, 'phys?': address, 'pages?': addresses },
  fq_timeout: {},
};

function isOperation(op: unknown): op is WireRequest['op'] {
  return typeof op === 'string' && Object.prototype.hasOwnProperty.call(FIELDS, op);
}

/** Reasons why `input` is not a list of requests a panel may carry; empty when it is one. */
export function requestProblems(input: unknown, where = 'state.requests'): string[] {
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_PANEL_REQUESTS)
    return [`${where} must list 1 to ${MAX_PANEL_REQUESTS} requests`];
  return input.flatMap((request: unknown, index) => {
    const at = `${where}[${index}]`;
    if (typeof request !== 'object' || request === null || Array.isArray(request)) return [`${at} is not an object`];
    const op = Reflect.get(request, 'op');
    if (!isOperation(op)) return [`${at}.op must be one of ${Object.keys(FIELDS).join(', ')}`];
    const fields = FIELDS[op];
    const problems: string[] = [];
    for (const [spec, check] of Object.entries(fields)) {
      const name = spec.replace('?', '');
      const value = Reflect.get(request, name);
      if (value === undefined) {
        if (!spec.endsWith('?')) problems.push(`${at}.${name} is missing`);
        continue;
      }
      const problem = check(value, index);
      if (problem) problems.push(`${at}.${name} ${problem}`);
    }
    const known = new Set(['op', ...Object.keys(fields).map((spec) => spec.replace('?', ''))]);
    for (const key of Object.keys(request))
      if (!known.has(key)) problems.push(`${at} has an unknown field ${JSON.stringify(key).slice(0, 40)}`);
    return problems;
  });
}

/** Whether `input` is a list of requests a panel may carry (every field checked by requestProblems). */
export function isRequestList(input: unknown): input is WireRequest[] {
  return requestProblems(input).length === 0;
}
