// The public API contract: profiles, parameter validation, the JSON request and result forms,
// a map and the unmap that pairs with it, and clear errors for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ParamError,
  RequestError,
  allParamSpecs,
  createSession,
  getProfile,
  listProfiles,
  parseRequest,
  resultToJson,
} from '@dmalens/core';

const ENGINE_PROFILES = [
  'x86_64',
  'x86_64-vtd',
  'x86_64-sme-host',
  'x86_64-sev-guest',
  'x86_64-tdx-guest',
  'arm64',
  'arm64-smmu',
  'rpi4-soc',
  'rpi4-pcie',
  'rpi1',
  'rpi2-3',
  'keystone',
  'rcar-h2-pcie',
  'stm32mp151-mlahb',
  'loongson64',
  'octeon-pcie',
  'octeon-pcie2',
  's390-pv',
  'xen-pv',
  'xen-grant',
];

test('every required profile exists, documents itself and creates a session', () => {
  const ids = listProfiles().map((profile) => profile.id);
  for (const id of ENGINE_PROFILES) assert.ok(ids.includes(id), `missing profile ${id}`);
  assert.equal(new Set(ids).size, ids.length, 'profile ids are unique');
  for (const profile of listProfiles()) {
    assert.ok(
      profile.description.length > 40 && profile.sources.length > 0 && profile.title && profile.short,
      `${profile.id} documents what it models`,
    );
    createSession(profile.id);
  }
});

test('every parameter has documentation, a reference and a valid default', () => {
  for (const spec of allParamSpecs()) {
    assert.ok(spec.doc.length > 10 && spec.ref.length > 3, `${spec.key} is documented`);
  }
  for (const key of [
    'ram',
    'page_size',
    'dma_mask',
    'coherent_mask',
    'bus_dma_limit',
    'coherent',
    'cache_line',
    'cpu',
    'swiotlb_start',
    'swiotlb_slots',
    'swiotlb_force',
    'min_align_mask',
    'untrusted',
    'iommu_mode',
    'forcedac',
    'caching_mode',
    'aperture_bits',
    'dma_windows',
    'dma_offset',
  ]) {
    assert.ok(
      allParamSpecs().some((spec) => spec.key === key),
      `parameter ${key} exists`,
    );
  }
});

test('unknown platform, unknown key and bad values throw ParamError naming what is accepted', () => {
  assert.throws(
    () => createSession('foo'),
    (error: unknown) => error instanceof ParamError && /^unknown platform 'foo'; known: x86_64, /.test(error.message),
  );
  assert.throws(
    () => createSession('x86_64', { rma: '8G' }),
    (error: unknown) => error instanceof ParamError && /unknown parameter 'rma'; known: .*\bram\b/.test(error.message),
  );
  assert.throws(
    () => createSession('x86_64', { ram: 'lots' }),
    (error: unknown) => error instanceof ParamError && /'ram'.*4096, 0x1000, 64K, 8G/.test(error.message),
  );
  assert.throws(
    () => createSession('x86_64', { iommu_mode: 'eager' }),
    (error: unknown) => error instanceof ParamError && /one of lazy, strict, passthrough/.test(error.message),
  );
  assert.throws(
    () => createSession('x86_64', { dma_windows: '1:2' }),
    (error: unknown) => error instanceof ParamError && /'dma_windows'/.test(error.message),
  );
  assert.throws(() => getProfile(''), ParamError);
});

test('overrides accept CLI strings and JSON values alike', () => {
  const fromStrings = createSession('x86_64', {
    ram: '3G',
    dma_mask: '32',
    coherent: 'false',
    dma_windows: '0x0:0x80000000:1G',
    xen_p2m: '0x1=0x2',
  });
  const fromJson = createSession('x86_64', {
    ram: 3 * 2 ** 30,
    dma_mask: 32,
    coherent: false,
    dma_windows: [{ cpu: '0x0', dma: '0x80000000', size: '1G' }],
    xen_p2m: { '0x1': '0x2' },
  });
  assert.deepEqual(fromStrings.params, fromJson.params);
  assert.equal(fromStrings.params.dma_mask, 0xffffffffn);
  assert.equal(createSession('x86_64', { dma_mask: '0xffffff' }).params.dma_mask, 0xffffffn);
});

test('parseRequest takes the CLI JSON op form and rejects bad fields with their path', () => {
  assert.deepEqual(parseRequest({ op: 'map_single', phys: '0x123456789', size: '0x200', dir: 'from_device' }), {
    op: 'map_single',
    phys: 0x123456789n,
    size: 0x200n,
    dir: 'from_device',
  });
  assert.deepEqual(parseRequest({ op: 'unmap', of: 0 }), { op: 'unmap', of: 0 });
  assert.equal(
    (parseRequest({ op: 'map_page', phys: 4096, size: 16, dir: 'DMA_TO_DEVICE' }) as { dir: string }).dir,
    'to_device',
  );
  assert.deepEqual(parseRequest({ op: 'set_mask', mask: 32 }), { op: 'set_mask', mask: 0xffffffffn });
  assert.throws(
    () => parseRequest({ op: 'map_single', phys: 'xyz', size: 1, dir: 'to_device' }),
    (error: unknown) => error instanceof RequestError && /phys/.test(error.message),
  );
  assert.throws(
    () => parseRequest({ op: 'map_single', phys: 1, size: 1, dir: 'sideways' }),
    (error: unknown) => error instanceof RequestError && /dir.*to_device/.test(error.message),
  );
  assert.throws(
    () => parseRequest({ op: 'teleport' }),
    (error: unknown) => error instanceof RequestError && /unknown op "teleport"; known: map_single/.test(error.message),
  );
  assert.throws(() => parseRequest({ op: 'unmap', of: 0, extra: 1 }), RequestError);
});

test('parameters the kernel only knows as powers of two or contiguous masks reject other values, naming the key', () => {
  const rejects = (overrides: Record<string, unknown>, pattern: RegExp): void =>
    assert.throws(
      () => createSession('x86_64', overrides),
      (error: unknown) => error instanceof ParamError && pattern.test(error.message),
      JSON.stringify(overrides),
    );
  rejects({ page_size: 3000 }, /'page_size': expected a power-of-two byte count from 4096/);
  rejects({ cache_line: 48 }, /'cache_line': expected a power of two from 16 to 512/);
  rejects({ iommu_granule: '12K' }, /'iommu_granule': expected a power-of-two byte count from 4096 to 65536/);
  rejects({ ram: 0 }, /'ram': expected a byte count from/);
  // 65 is neither a bit count 1..64 nor DMA_BIT_MASK(n); 0x41 has a hole.
  rejects({ dma_mask: 65 }, /'dma_mask': expected a bit count 1\.\.64 \(e\.g\. 32\) or a mask of contiguous low bits/);
  rejects({ dma_mask: '0x41' }, /'dma_mask'/);
  // A mask of no bits: dma_supported refuses it for every device, so it is a typo, not a setting.
  rejects({ dma_mask: 0 }, /bad value '0' for parameter 'dma_mask'|bad value 0 for parameter 'dma_mask'/);
  rejects({ coherent_mask: '0x0' }, /'coherent_mask'/);
  assert.equal(createSession('x86_64', { page_size: '64K', iommu_granule: '16K' }).params.page_size, 0x10000n);
});

test('request errors for missing or unknown fields say what the field accepts', () => {
  assert.throws(
    () => parseRequest({ op: 'map_single', phys: 1, size: 1 }),
    (error: unknown) =>
      error instanceof RequestError && /dir: missing; expected a direction: to_device, from_device/.test(error.message),
  );
  assert.throws(
    () => parseRequest({ op: 'map_single', size: 1, dir: 'to_device' }),
    (error: unknown) => error instanceof RequestError && /phys: missing; expected an address/.test(error.message),
  );
  assert.throws(
    () => parseRequest({ op: 'unmap', of: 'zero' }),
    (error: unknown) =>
      error instanceof RequestError && /of: expected the index of an earlier request.*got "zero"/.test(error.message),
  );
  assert.throws(
    () => parseRequest({ op: 'unmap', of: 0, extra: 1 }),
    (error: unknown) =>
      error instanceof RequestError && /"extra"; accepted: op, of, size, dir, attrs/.test(error.message),
  );
  assert.throws(
    () => parseRequest({ op: 'set_mask', mask: 99 }),
    (error: unknown) => error instanceof RequestError && /mask: expected a bit count 1\.\.64/.test(error.message),
  );
});

test('a request referring to nothing is a RequestError, not a crash', () => {
  const session = createSession('x86_64');
  assert.throws(
    () => session.run({ op: 'unmap', of: 0 }),
    (error: unknown) => error instanceof RequestError && /earlier request/.test(error.message),
  );
  session.run({ op: 'alloc_coherent', size: 0x1000n });
  assert.throws(
    () => session.run({ op: 'unmap', of: 0 }),
    (error: unknown) => error instanceof RequestError && /alloc_coherent/.test(error.message),
  );
});

test('a second unmap of the same mapping reports the DMA-API debug text instead of freeing twice', () => {
  const session = createSession('x86_64', { dma_mask: 32 });
  session.run({ op: 'map_single', phys: 0x123456000n, size: 0x200n, dir: 'to_device' });
  session.run({ op: 'unmap', of: 0 });
  const again = session.run({ op: 'unmap', of: 0 });
  assert.equal(
    again.error,
    'DMA-API: device driver tries to free DMA memory it has not allocated [device address=0x00000000bbf00000] [size=512 bytes]',
  );
});

test("a second free_coherent reports check_unmap's text with the handle and size, and frees nothing twice", () => {
  const session = createSession('x86_64');
  const alloc = session.run({ op: 'alloc_coherent', size: 0x1000n });
  session.run({ op: 'free_coherent', of: 0 });
  const before = session.fingerprint();
  const again = session.run({ op: 'free_coherent', of: 0 });
  assert.equal(
    again.error,
    `DMA-API: device driver tries to free DMA memory it has not allocated [device address=0x${alloc.dma!.toString(16).padStart(16, '0')}] [size=4096 bytes]`,
  );
  assert.equal(session.fingerprint(), before);
});

test('DMA_NONE is the kernel BUG, reported as a failed result', () => {
  const result = createSession('x86_64').run({ op: 'map_single', phys: 0x1000000n, size: 0x10n, dir: 'none' });
  assert.equal(result.dma, null);
  assert.match(result.error ?? '', /BUG_ON\(!valid_dma_direction\(dir\)\)/);
});

test('resultToJson has the CLI shape with plain 0x hex strings', () => {
  const result = createSession('x86_64-vtd', { iommu_mode: 'strict' }).run({
    op: 'map_single',
    phys: 0x123456234n,
    size: 0x1800n,
    dir: 'to_device',
  });
  const json = resultToJson(result) as Record<string, any>;
  assert.deepEqual(Object.keys(json).slice(0, 6), ['op', 'path', 'dma', 'error', 'rule', 'stages']);
  assert.equal(json.dma, '0xffffe234');
  assert.equal(json.path, 'dma-iommu');
  for (const stage of json.stages) {
    assert.ok(typeof stage.fn === 'string' && typeof stage.ref === 'string' && typeof stage.note === 'string');
    for (const key of ['in', 'out']) assert.ok(stage[key] === null || /^0x[0-9a-f]+$/.test(stage[key]));
  }
  assert.deepEqual(Object.keys(json.costs), ['hypercalls', 'bounceBytes', 'iotlbFlushes', 'cacheLines', 'other']);
  assert.doesNotThrow(() => JSON.stringify(json));
});

test('a map and the unmap that pairs with it carry their own costs (V11)', () => {
  const session = createSession('x86_64-vtd', { iommu_mode: 'strict' });
  const map = session.run({ op: 'map_single', phys: 0x123456234n, size: 0x1800n, dir: 'to_device' });
  const unmap = session.run({ op: 'unmap', of: 0 });
  assert.equal(map.dma, 0xffffe234n);
  assert.deepEqual(map.costs.iotlbFlushes, []);
  assert.deepEqual(
    unmap.costs.iotlbFlushes.map((flush) => [flush.kind, flush.addr, flush.am]),
    [['PSI', 0xffffe000n, 1]],
  );
});

test('the symbolic rule describes the translation without an address', () => {
  assert.match(
    createSession('rpi4-soc').run({ op: 'map_single', phys: 0x1000000n, size: 0x10n, dir: 'to_device' }).rule,
    /phys \+ 0xc000_0000 for phys in \[0x0, 0x40000000\)/,
  );
  assert.match(
    createSession('keystone').run({ op: 'map_single', phys: 0x800001000n, size: 0x10n, dir: 'to_device' }).rule,
    /phys - 0x0007_8000_0000/,
  );
  assert.match(
    createSession('x86_64-sme-host').run({ op: 'map_single', phys: 0x1000000n, size: 0x10n, dir: 'to_device' }).rule,
    /0x8000_0000_0000 \(SME C-bit\)/,
  );
});

test('map_resource has its own rule: no translation and no bounce on the direct path', () => {
  const result = createSession('x86_64', { dma_mask: 32 }).run({
    op: 'map_resource',
    phys: 0xfed00000n,
    size: 0x100n,
    dir: 'to_device',
  });
  assert.equal(result.dma, 0xfed00000n);
  assert.doesNotMatch(result.rule, /swiotlb slot/);
  assert.match(result.rule, /^dma = phys \(MMIO resource/);
});
