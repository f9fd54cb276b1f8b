// The base an overlay is applied to, as the kernel's Makefiles say: `board-overlay-dtbs := board.dtb
// overlay.dtbo ...` builds a board from a base and its overlays in order (scripts/Makefile.lib applies them
// with fdtoverlay). An overlay opened in the editor is shown on that base with the overlays listed before it
// and itself; without such a line it is resolved alone.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface OverlayBase {
  base: string;
  /** The overlays applied in order, the opened one last. */
  overlays: string[];
}

/** `name-dtbs := a.dtb b.dtbo` (or `+=`), with backslash continuations joined. */
const COMPOSITE = /^\s*[\w.-]+-dtbs\s*[:+]?=\s*(.*)$/;

export function overlayBase(file: string): OverlayBase | null {
  const dir = dirname(file);
  const name = basename(file).replace(/\.(dts|dtso)$/, '');
  let text: string;
  try {
    text = readFileSync(join(dir, 'Makefile'), 'utf8');
  } catch {
    return null;
  }
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const objects = COMPOSITE.exec(line)?.[1]?.split(/\s+/).filter(Boolean);
    if (!objects) continue;
    const at = objects.indexOf(`${name}.dtbo`);
    const base = objects.find((object) => object.endsWith('.dtb'));
    if (at < 0 || !base) continue;
    const source = (object: string) => sourceOf(dir, object);
    const baseFile = source(base);
    const overlays = objects
      .slice(0, at + 1)
      .filter((object) => object.endsWith('.dtbo'))
      .map(source);
    if (baseFile && overlays.every((overlay) => overlay !== null))
      return { base: baseFile, overlays: overlays as string[] };
  }
  return null;
}

/** The source of `x.dtb` or `x.dtbo`: x.dts, or x.dtso for an overlay. */
function sourceOf(dir: string, object: string): string | null {
  const stem = join(dir, object.replace(/\.dtbo?$/, ''));
  for (const extension of ['.dts', '.dtso']) if (existsSync(stem + extension)) return stem + extension;
  return null;
}
