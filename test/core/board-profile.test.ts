// Profiles built from device-tree facts (core/src/devicetree/board-profile.ts). The Raspberry Pi 4 soc bus,
// described by the same facts the hand-written rpi4-soc profile encodes (one window cpu 0 -> dma 0xc000_0000
// of 1 GiB, limit 0xffff_ffff, 32-bit masks, non-coherent, ZONE_DMA of 30 bits), must simulate like it; the
// pool placement is the one stand-in, so both sessions are given the same pool start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardProfile, createSession, type BoardDeviceFacts, type Request } from '@dmalens/core';

const RPI4_SOC_FACTS: BoardDeviceFacts = {
  id: 'bcm2711-rpi-4-b:/soc/dma@7e007000',
  title: 'Raspberry Pi 4 Model B /soc/dma@7e007000',
  short: 'rpi4:dma',
  arch: 'arm64',
  sources: ['arch/arm64/boot/dts/broadcom/bcm2711-rpi-4-b.dts /soc/dma@7e007000'],
  windows: [{ cpu: 0n, dma: 0xc0000000n, size: 0x40000000n }],
  busDmaLimit: 0xffffffffn,
  maskBits: 32,
  coherent: false,
  iommu: null,
  restrictedPool: null,
  ram: [{ base: 0n, size: 4n << 30n }],
  pci: false,
  zoneDmaBits: 30,
};

const REQUESTS: Request[] = [
  { op: 'map_single', phys: 0x1000n, size: 0x100n, dir: 'to_device' },
  { op: 'map_single', phys: 0x50000000n, size: 0x1000n, dir: 'from_device' },
  {
    op: 'map_sg',
    entries: [
      { phys: 0x2000n, size: 0x800n },
      { phys: 0x80000000n, size: 0x800n },
    ],
    dir: 'bidirectional',
  },
  { op: 'alloc_coherent', size: 0x4000n },
];

test('a board profile with the Raspberry Pi 4 soc facts simulates like the rpi4-soc profile', () => {
  const { profile } = boardProfile(RPI4_SOC_FACTS);
  const pool = { swiotlb_start: '0x37400000' };
  const board = createSession(profile, pool);
  const builtIn = createSession('rpi4-soc', pool);
  for (const request of REQUESTS) {
    const ours = board.run(request);
    const theirs = builtIn.run(request);
    assert.equal(ours.dma, theirs.dma, `${request.op}: device address`);
    assert.equal(ours.path, theirs.path, `${request.op}: path`);
    assert.deepEqual(ours.costs.bounceBytes, theirs.costs.bounceBytes, `${request.op}: bounces`);
  }
});

test('the profile states every stand-in: unknown RAM, the pool estimate, an IOMMU modelled as an SMMU', () => {
  const { profile, standIns } = boardProfile({ ...RPI4_SOC_FACTS, ram: [], iommu: '/soc/iommu@7e900000' });
  assert.match(standIns.join('\n'), /RAM 0x100000000 bytes at 0x0 \(the memory node is filled in by the bootloader/);
  assert.match(standIns.join('\n'), /modelled as an Arm SMMU/);
  assert.match(profile.description, /Stand-ins: /);
  assert.equal(profile.params.dma_ops, 'iommu_dma_ops');
});

test("arm64's default swiotlb pool goes to the top of the RAM below ZONE_DMA's end, not into a hole", () => {
  // 2 GiB at 0 and 2 GiB at 32 GiB with ZONE_DMA ending at 4 GiB: memblock_alloc_low allocates top-down from
  // the highest free RAM below the limit, the end of the first bank; the 64 MiB pool ends there.
  const { profile } = boardProfile({
    ...RPI4_SOC_FACTS,
    ram: [
      { base: 0n, size: 0x80000000n },
      { base: 0x800000000n, size: 0x80000000n },
    ],
    zoneDmaBits: 32,
  });
  assert.equal(profile.params.swiotlb_start, `0x${(0x80000000n - (64n << 20n)).toString(16)}`);
});

test('two RAM banks become one bank with a hole; a restricted pool is a forced swiotlb of one area', () => {
  const { profile } = boardProfile({
    ...RPI4_SOC_FACTS,
    ram: [
      { base: 0x100000000n, size: 0x80000000n },
      { base: 0n, size: 0x80000000n },
    ],
    restrictedPool: { base: 0x30000000n, size: 4n << 20n },
  });
  assert.equal(profile.params.ram_base, '0x0');
  assert.equal(profile.params.ram, '0x100000000');
  assert.equal(profile.params.mmio_hole_start, '0x80000000');
  assert.equal(profile.params.mmio_hole_size, '0x80000000');
  assert.equal(profile.params.swiotlb_slots, 2048); // 4 MiB >> IO_TLB_SHIFT (11)
  assert.equal(profile.params.swiotlb_force, true);
  assert.equal(profile.params.nareas, 1);
  // Every map bounces into the pool: its first slot, 0x3000_0000, through the window's offset 0xc000_0000.
  const session = createSession(profile);
  const mapped = session.run({ op: 'map_single', phys: 0x1000n, size: 0x100n, dir: 'to_device' });
  assert.equal(mapped.path, 'swiotlb');
  assert.equal(mapped.dma, 0xf0000000n);
});
