// The extension and its language server must speak the same version of the custom protocol. They come
// from one build when installed from the package, but a development checkout can run a stale server
// bundle, and another editor setup may point at any server: a mismatch is said plainly instead of
// showing requests that fail in odd ways. No vscode import: unit tests run it in plain node.
import { PROTOCOL_VERSION } from '@dmalens/protocol';

/**
 * Reads `capabilities.experimental.dmalens.protocolVersion` from the server's `initialize` answer and
 * returns what is wrong in words, or null when the versions agree.
 */
export function protocolMismatch(experimental: unknown): string | null {
  const announced = field(field(experimental, 'dmalens'), 'protocolVersion');
  if (announced === PROTOCOL_VERSION) return null;
  const what =
    typeof announced === 'number'
      ? `speaks DMA Lens protocol version ${announced}`
      : 'does not announce a DMA Lens protocol version';
  return (
    `the language server ${what}, but this extension needs version ${PROTOCOL_VERSION}: the two come from ` +
    'different builds. Reinstall the extension (or run `npm run build` in a development checkout) and reload the window.'
  );
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value ? Reflect.get(value, key) : undefined;
}
