// Values of the sizes drivers pass, resolved across files of the fixture kernel tree: macros from a
// private header, sizeof of a packed uapi struct through its typedefs, #if alternatives on a CONFIG_
// option, layouts by ABI. Every expected value is worked out by hand in the comment beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionsIndex, genericMachine, memoryReaderForTests, type TargetMachine } from './definitions-support';
import { repoRoot } from './lsp-client';

const TREE = join(repoRoot, 'test/fixtures/kernel-tree');
const index = new DefinitionsIndex({
  read: (path) => {
    try {
      return readFileSync(join(TREE, path), 'utf8');
    } catch {
      return null;
    }
  },
});
const lp64 = genericMachine('x86', 'LP64', 12);
const ilp32 = genericMachine('arm', 'ILP32', 12);

function value(path: string, text: string, machine: TargetMachine = lp64): bigint {
  const resolution = index.resolve(path, machine, text);
  assert.equal(
    resolution.kind,
    'value',
    `${text}: ${JSON.stringify(resolution, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`,
  );
  return (resolution as { value: bigint }).value;
}

test('a macro from the driver`s private header: tulip.h`s PKT_BUF_SZ is (1536 + 4) = 1540', () => {
  assert.equal(value('drivers/net/ethernet/dec/tulip/tulip_core.c', 'PKT_BUF_SZ'), 1540n);
  const resolution = index.resolve('drivers/net/ethernet/dec/tulip/tulip_core.c', lp64, 'PKT_BUF_SZ');
  assert.equal(resolution.kind === 'value' && resolution.uses[0]!.file, 'drivers/net/ethernet/dec/tulip/tulip.h');
});

test('sizeof(struct usb_ctrlrequest) is 8: two __u8 and three __le16, packed, through <linux/usb.h>', () => {
  // 1 + 1 + 2 + 2 + 2 = 8; __le16 is `typedef __u16 __bitwise __le16` with __bitwise defined empty.
  assert.equal(value('drivers/usb/core/hcd.c', 'sizeof(struct usb_ctrlrequest)'), 8n);
});

test('sis900`s RX_BUF_SIZE is one of two values, by CONFIG_VLAN_8021Q', () => {
  const resolution = index.resolve('drivers/net/ethernet/sis/sis900.c', lp64, 'RX_BUF_SIZE');
  assert.equal(resolution.kind, 'alternatives');
  if (resolution.kind !== 'alternatives') return;
  // MAX_FRAME_SIZE is (1518 + 4) with VLAN tags and 1518 without; RX_BUF_SIZE adds 18.
  const byOption = resolution.alternatives.map((alternative) => [
    alternative.options.map((option) => `${option.symbol}=${option.on ? 'y' : 'n'}`).join(','),
    'value' in alternative ? alternative.value : null,
  ]);
  assert.deepEqual(byOption, [
    ['VLAN_8021Q=y', 1540n],
    ['VLAN_8021Q=n', 1536n],
  ]);
});

test('a target that fixes the option gets one value', () => {
  const withVlan: TargetMachine = {
    ...lp64,
    config: (symbol) => (symbol === 'VLAN_8021Q' ? 'y' : 'free'),
    key: 'vlan',
  };
  assert.equal(value('drivers/net/ethernet/sis/sis900.c', 'RX_BUF_SIZE', withVlan), 1540n);
});

test('sizeof of a typedef`d struct times a macro: RX_TOTAL_SIZE = 16 * sizeof(BufferDesc) = 192', () => {
  // BufferDesc holds three u32: 12 bytes.
  assert.equal(value('drivers/net/ethernet/sis/sis900.c', 'RX_TOTAL_SIZE'), 192n);
});

test('layouts follow the ABI: pointers and dma_addr_t', () => {
  // LP64: pointer 8, dma_addr_t (u64 or u32, padded to 8), pointer 8 = 24.
  assert.equal(value('drivers/net/ethernet/dec/tulip/tulip_core.c', 'sizeof(struct tulip_private)'), 24n);
  // ILP32 with a 32-bit dma_addr_t: 4 + 4 + 4 = 12; with a 64-bit one the u64 is 8-aligned: 4 + 4 pad + 8 + 4 + 4 pad = 24.
  const narrow: TargetMachine = { ...ilp32, config: () => 'n', key: 'ilp32-n' };
  const wide: TargetMachine = {
    ...ilp32,
    config: (symbol) => (symbol === 'ARCH_DMA_ADDR_T_64BIT' ? 'y' : 'n'),
    key: 'ilp32-y',
  };
  assert.equal(value('drivers/net/ethernet/dec/tulip/tulip_core.c', 'sizeof(struct tulip_private)', narrow), 12n);
  assert.equal(value('drivers/net/ethernet/dec/tulip/tulip_core.c', 'sizeof(struct tulip_private)', wide), 24n);
});

test('packed, aligned, flexible arrays, bit-fields, nested and anonymous members', () => {
  const local = new DefinitionsIndex(
    memoryReaderForTests({
      'drivers/x/x.c': [
        '#include "x.h"',
        'static const u32 table[] = { 1, 2, 3, 4, 5, };',
        'static u16 ring[RING];',
      ].join('\n'),
      'drivers/x/x.h': [
        'typedef unsigned char u8;',
        'typedef unsigned short u16;',
        'typedef unsigned int u32;',
        'typedef unsigned long long u64;',
        '#define RING 64',
        '#define __packed __attribute__((__packed__))',
        '#define __aligned(x) __attribute__((__aligned__(x)))',
        'struct packed_hdr { u8 type; u32 len; u16 flags; } __packed;',
        'struct padded_hdr { u8 type; u32 len; u16 flags; };',
        'struct aligned_hdr { u32 a; } __aligned(64);',
        'struct with_tail { u32 count; u64 entries[]; };',
        'struct bits { u32 a:3, b:5; u32 c:30; u8 d; };',
        'struct outer { u8 kind; union { u32 word; u8 bytes[6]; }; struct { u16 x; u64 y; } inner; };',
        'struct member_aligned { u8 a; u32 b __aligned(16); };',
        '#ifdef CONFIG_BIG',
        'struct opt { u64 big[2]; };',
        '#else',
        'struct opt { u32 small; };',
        '#endif',
      ].join('\n'),
    }),
  );
  const size = (text: string) => {
    const resolution = local.resolve('drivers/x/x.c', lp64, text);
    return resolution.kind === 'value' ? resolution.value : resolution;
  };
  assert.equal(size('sizeof(struct packed_hdr)'), 7n); // 1 + 4 + 2, no padding
  assert.equal(size('sizeof(struct padded_hdr)'), 12n); // 1, pad 3, 4, 2, pad 2
  assert.equal(size('sizeof(struct aligned_hdr)'), 64n); // rounded up to its alignment
  assert.equal(size('sizeof(struct with_tail)'), 8n); // 4, pad 4, entries[] adds nothing
  assert.equal(size('sizeof(struct bits)'), 12n); // a,b in the first u32; c needs a second; d, pad to 4
  // kind 1, pad 3, union 8 (bytes[6] rounded to u32 alignment), inner {2, pad 6, 8} = 16 at offset 16.
  assert.equal(size('sizeof(struct outer)'), 32n);
  assert.equal(size('sizeof(struct member_aligned)'), 32n); // b at 16, size 20 rounded to 32
  assert.equal(size('ARRAY_SIZE(table)'), 5n); // the trailing comma adds no element
  assert.equal(size('sizeof(ring)'), 128n);
  assert.equal(size('RING * sizeof(u64)'), 512n);
  assert.equal(size('(u8)0x1ff'), 255n); // a cast truncates
  const opt = local.resolve('drivers/x/x.c', lp64, 'sizeof(struct opt)');
  assert.equal(opt.kind, 'alternatives');
});

test('what cannot be resolved says why', () => {
  const resolution = index.resolve('drivers/net/ethernet/dec/tulip/tulip_core.c', lp64, 'sizeof(*tp)');
  assert.equal(resolution.kind, 'unknown');
  assert.match((resolution as { reason: string }).reason, /size of \*tp is not known/);
  const missing = index.resolve('drivers/net/ethernet/dec/tulip/tulip_core.c', lp64, 'sizeof(struct no_such_thing)');
  assert.match((missing as { reason: string }).reason, /struct no_such_thing is not defined in the included headers/);
});
