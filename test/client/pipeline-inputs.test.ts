// What the pipeline panel and Compare Platforms take as input: every form DMA Lens prints (grouped hex
// `0x1_2345_6000`), plain hex, decimal, and sizes with K/M/G, carried to the server in one form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalAddress,
  canonicalSize,
  FIELD_PROBLEMS,
  isAddress,
  isMask,
  isSize,
} from '../../client/src/pipeline/inputs';
import { parseRequest, formatAddress } from '@dmalens/core';

test('addresses: the grouped hex the tool prints, plain hex and decimal; nothing else', () => {
  const printed = formatAddress(0x1_2345_6000n);
  assert.ok(printed.includes('_'), printed);
  for (const text of [printed, '0x123456000', '4886716416', '0X1234_5000']) assert.ok(isAddress(text), text);
  assert.equal(canonicalAddress(printed), '0x123456000');
  for (const text of ['0x12345zz', '12abc', '', '0x', '0x1_0000_0000_0000_0000']) assert.ok(!isAddress(text), text);
  assert.match(FIELD_PROBLEMS.phys('0x12345zz') ?? '', /hex \(0x1_2345_6000 or 0x123456000\) or decimal/);
});

test('sizes: decimal, hex, K/M/G; the request carries bytes', () => {
  const cases: [string, bigint][] = [
    ['1514', 1514n],
    ['0x5ea', 0x5ean],
    ['0x1_000', 0x1000n],
    ['4K', 4096n],
    ['2MiB', 2n << 20n],
    ['1G', 1n << 30n],
  ];
  for (const [text, bytes] of cases) {
    assert.ok(isSize(text), text);
    assert.equal(canonicalSize(text), bytes.toString(), text);
  }
  for (const text of ['0', '4X', '-1', 'K']) assert.ok(!isSize(text), text);
});

test('masks: bit counts and hex masks, grouped or not', () => {
  for (const text of ['32', '64', '0xffff_ffff', '0xffffffff']) assert.ok(isMask(text), text);
  for (const text of ['0', '65', '0x0', 'zz']) assert.ok(!isMask(text), text);
});

test('the core takes the same sizes in requests (the CLI and --ops files too)', () => {
  const request = parseRequest({ op: 'map_single', phys: '0x1_2345_6000', size: '4K', dir: 'to_device' });
  assert.deepEqual(request, { op: 'map_single', phys: 0x123456000n, size: 4096n, dir: 'to_device' });
});
