// The client refuses a language server of another protocol version with a reason, and accepts the one
// built with it: the server's own `initialize` answer, read over stdio, passes the client's check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROTOCOL_VERSION, REQUEST_METHODS } from '@dmalens/protocol';
import { protocolMismatch } from '../../client/src/protocolVersion';
import { LspClient } from '../server/lsp-client';

test('the same version passes; another version or none is refused with both numbers named', () => {
  assert.equal(protocolMismatch({ dmalens: { protocolVersion: PROTOCOL_VERSION, methods: [] } }), null);
  const older = protocolMismatch({ dmalens: { protocolVersion: PROTOCOL_VERSION - 1, methods: [] } });
  assert.match(
    older ?? '',
    new RegExp(`version ${PROTOCOL_VERSION - 1}, but this extension needs version ${PROTOCOL_VERSION}`),
  );
  assert.match(older ?? '', /Reinstall the extension/);
  for (const missing of [undefined, null, {}, { dmalens: {} }, { dmalens: { protocolVersion: '2' } }, 'x'])
    assert.match(protocolMismatch(missing) ?? '', /does not announce a DMA Lens protocol version/, String(missing));
});

test("the built server's initialize answer passes the client's check and lists every request", async () => {
  const client = await LspClient.start();
  try {
    const experimental = client.initializeResult?.capabilities['experimental'];
    assert.equal(protocolMismatch(experimental), null);
    assert.deepEqual((experimental as any).dmalens.methods, [...REQUEST_METHODS]);
  } finally {
    await client.stop();
  }
});
