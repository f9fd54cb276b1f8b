// TDX guests on 6.1 and CONFIG_AMD_MEM_ENCRYPT (parameter amd_mem_encrypt). In 6.1,
// arch/x86/mm/mem_encrypt_amd.c:sev_setup_arch is built only with CONFIG_AMD_MEM_ENCRYPT, is called from
// setup_arch on every boot and tests CC_ATTR_GUEST_MEM_ENCRYPT, which arch/x86/coco/core.c:intel_cc_platform_has
// reports for TDX. A distro kernel therefore gives a TDX guest the SEV pool size and the virtio restricted-access
// check; spec §5.4 describes only the build without it (docs/kernel-findings.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParamError, createSession, parseRequest } from '@dmalens/core';
import { repoRoot } from '../repo-root';

/** The dev_warn texts of spec §6.5's virtio_features_ok pseudo-code, without the trailing "\n". */
function specRestrictedAccessWarnings(): string[] {
  const spec = readFileSync(join(repoRoot(), 'docs', 'spec', 'kernel-dma-semantics.md'), 'utf8');
  const section = spec.slice(spec.indexOf('### 6.5'), spec.indexOf('### 6.6'));
  return [...section.matchAll(/dev_warn "([^"]+?)\\n"/g)].map((match) => match[1]!);
}

/** The "total N (slots)" of swiotlb's "buffer is full" message: a map one byte over the 256 KiB segment limit. */
function poolSlots(profile: string, overrides: Record<string, unknown>): number {
  const result = createSession(profile, overrides).run(
    parseRequest({ op: 'map_single', phys: '0x10000000', size: '0x40001', dir: 'to_device' }),
  );
  const total = /total (\d+) \(slots\)/.exec(result.error ?? '');
  assert.ok(total, `swiotlb refuses the oversized map: ${result.error}`);
  return Number(total[1]);
}

test('spec §6.5 quotes the restricted-access dev_warn texts this test compares against', () => {
  const warnings = specRestrictedAccessWarnings();
  assert.ok(warnings.includes('device must provide VIRTIO_F_ACCESS_PLATFORM'), warnings.join(' | '));
  assert.ok(warnings.includes('device must provide VIRTIO_F_VERSION_1'), warnings.join(' | '));
});

test('TDX guest, distro kernel (default): a virtio device without ACCESS_PLATFORM fails probe with -ENODEV', () => {
  const accessPlatform = specRestrictedAccessWarnings().find((text) => text.includes('ACCESS_PLATFORM'))!;
  const session = createSession('x86_64-tdx-guest');
  const probe = session.run(parseRequest({ op: 'virtio_negotiate', offered: ['VERSION_1'] }));
  assert.equal(probe.path, 'error');
  assert.equal(probe.error, accessPlatform);
  assert.equal(probe.details?.['errno'], '-ENODEV');
  assert.ok(
    probe.stages.some((stage) => stage.ref.includes('sev_setup_arch') || stage.note.includes('sev_setup_arch')),
    'the failure names sev_setup_arch',
  );
  const legacy = session.run(parseRequest({ op: 'virtio_negotiate', offered: ['ACCESS_PLATFORM'], transport: 'mmio' }));
  assert.equal(
    legacy.error,
    specRestrictedAccessWarnings().find((text) => text.includes('VERSION_1')),
  );
  const fine = createSession('x86_64-tdx-guest').run(
    parseRequest({ op: 'virtio_negotiate', offered: ['VERSION_1', 'ACCESS_PLATFORM'] }),
  );
  assert.equal(fine.error, null);
  assert.equal(fine.details?.['useDmaApi'], true);
});

test('TDX guest without CONFIG_AMD_MEM_ENCRYPT: no restricted-access check, the descriptor carries the private GPA', () => {
  const session = createSession('x86_64-tdx-guest', { amd_mem_encrypt: false });
  const probe = session.run(parseRequest({ op: 'virtio_negotiate', offered: ['VERSION_1'] }));
  assert.equal(probe.error, null);
  assert.equal(probe.details?.['useDmaApi'], false);
  const add = session.run(parseRequest({ op: 'virtqueue_add', out: [{ phys: '0x123456000', size: '1514' }], in: [] }));
  assert.equal(add.dma, 0x123456000n);
});

test('TDX guest pool: the SEV size clamp(6% of RAM, 64 MiB, 1 GiB) by default, 64 MiB without CONFIG_AMD_MEM_ENCRYPT', () => {
  // IO_TLB_DEFAULT_SIZE (64 MiB) in 2 KiB slots, and sev_setup_arch's size rounded up to 128-slot segments
  // (swiotlb_adjust_size) with one area.
  const defaultSlots = (64 << 20) / 2048;
  const segments = (bytes: bigint) => Number((((bytes + 2047n) / 2048n + 127n) / 128n) * 128n);
  for (const [ram, bytes] of [
    ['8G', ((8n << 30n) * 6n) / 100n],
    ['512M', 64n << 20n],
    ['64G', 1n << 30n],
  ] as const) {
    assert.equal(poolSlots('x86_64-tdx-guest', { ram }), segments(bytes), `ram ${ram}`);
    assert.equal(
      poolSlots('x86_64-tdx-guest', { ram, amd_mem_encrypt: false }),
      defaultSlots,
      `ram ${ram}, amd_mem_encrypt=false`,
    );
  }
});

test('the boot trace names sev_setup_arch for a TDX guest only when the kernel has CONFIG_AMD_MEM_ENCRYPT', () => {
  const stages = (overrides: Record<string, unknown>) =>
    createSession('x86_64-tdx-guest', overrides).setupResult.stages.map((stage) => stage.fn);
  assert.ok(stages({}).includes('sev_setup_arch'));
  assert.ok(!stages({ amd_mem_encrypt: false }).includes('sev_setup_arch'));
  assert.ok(!createSession('x86_64').setupResult.stages.some((stage) => stage.fn === 'sev_setup_arch'));
});

test('SME and SEV need CONFIG_AMD_MEM_ENCRYPT: amd_mem_encrypt=false is refused with a clear error', () => {
  for (const profile of ['x86_64-sev-guest', 'x86_64-sme-host']) {
    assert.throws(
      () => createSession(profile, { amd_mem_encrypt: false }),
      (error: unknown) => error instanceof ParamError && /amd_mem_encrypt.*CONFIG_AMD_MEM_ENCRYPT/.test(error.message),
    );
  }
  assert.doesNotThrow(() => createSession('x86_64', { amd_mem_encrypt: false }));
});

// arch/x86/coco/tdx/tdx.c:tdx_enc_status_changed: private to shared needs only MAP_GPA; shared back to private
// (dma_free_coherent's set_memory_encrypted) accepts the pages again with try_accept_one, one TDX_ACCEPT_PAGE
// per 1 GiB, 2 MiB or 4 KiB block, the largest that is aligned and fits.
test('TDX: freeing a coherent buffer accepts its pages again, largest aligned blocks first', () => {
  const session = createSession('x86_64-tdx-guest');
  const small = session.run({ op: 'alloc_coherent', size: 0x3000n, phys: 0x1000_0000n });
  const smallFree = session.run({ op: 'free_coherent', of: 0 });
  assert.deepEqual(
    small.costs.hypercalls.map((call) => call.name),
    ['TDVMCALL_MAP_GPA'],
    'alloc: MAP_GPA only',
  );
  const accept = smallFree.costs.hypercalls.find((call) => call.name === 'TDX_ACCEPT_PAGE');
  assert.equal(accept?.count, 3);
  session.run({ op: 'alloc_coherent', size: 0x40_1000n, phys: 0x2000_0000n });
  const bigFree = session.run({ op: 'free_coherent', of: 2 });
  const big = bigFree.costs.hypercalls.find((call) => call.name === 'TDX_ACCEPT_PAGE');
  // 4 MiB + 4 KiB rounded to pages from a 2 MiB-aligned start: two 2 MiB accepts, then one 4 KiB.
  assert.equal(big?.count, 3);
  assert.match(big!.args!, /2 × 2M, 1 × 4K/);
});
