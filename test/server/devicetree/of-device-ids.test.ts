// The compatibles of a driver's of_device_id tables, read from kernel-style C text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ofCompatibles } from '../../../server/src/board-editor/of-device-ids';

test('every table of the file, in order, each compatible once, with its line', () => {
  const text = [
    'static const struct of_device_id foo_of_match[] = {',
    '\t{ .compatible = "vendor,foo-v1", .data = &v1 },',
    '\t{ .compatible =',
    '\t\t"vendor,foo-v2" },',
    '\t{ }',
    '};',
    'static const struct of_device_id foo_phy_ids[ARRAY_SIZE_PLACEHOLDER] = {',
    '\t{ .compatible = "vendor,foo-phy" },',
    '\t{ .compatible = "vendor,foo-v1" },',
    '\t{}',
    '};',
  ].join('\n');
  assert.deepEqual(ofCompatibles(text), [
    { compatible: 'vendor,foo-v1', line: 1 },
    { compatible: 'vendor,foo-v2', line: 3 },
    { compatible: 'vendor,foo-phy', line: 7 },
  ]);
});

test('commented-out entries, look-alikes outside a table and braces inside strings do not count', () => {
  const text = [
    '/* static const struct of_device_id old[] = { { .compatible = "vendor,gone" }, {} }; */',
    'static const struct of_device_id bar_match[] = {',
    '\t// { .compatible = "vendor,bar-a0" },',
    '\t{ .compatible = "vendor,bar" , .data = "}{" },',
    '\t{ .compatible = "vendor,bar-b1" },',
    '\t{ }',
    '};',
    'static const struct i2c_device_id bar_id = { .compatible = "vendor,not-of" };',
  ].join('\n');
  assert.deepEqual(
    ofCompatibles(text).map((entry) => entry.compatible),
    ['vendor,bar', 'vendor,bar-b1'],
  );
});

test('a file without a table, or with an unclosed one, costs nothing and throws nothing', () => {
  assert.deepEqual(ofCompatibles('int main(void) { return 0; }'), []);
  const unclosed = 'static const struct of_device_id x[] = {\n\t{ .compatible = "vendor,x" },\n';
  assert.deepEqual(ofCompatibles(unclosed), [{ compatible: 'vendor,x', line: 1 }]);
});
