// What the extractor knows about one DMA-API or virtio call. Checks, hovers, hints and `dmalens scan`
// work only on these facts, never on the syntax tree.
import type { Direction } from '@dmalens/core';

/** Zero-based line and UTF-16 column, as LSP positions. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Where the buffer handed to a map call came from, traced inside the enclosing function. */
export type BufferOrigin =
  | 'stack' // a local variable or array of the enclosing function
  | 'kmalloc' // kmalloc/kzalloc/kcalloc/krealloc/kmemdup/devm_kmalloc/devm_kzalloc/... family
  | 'vmalloc' // vmalloc/vzalloc/kvmalloc/kvzalloc/vmalloc_user/... family (kvmalloc may be either: reported as vmalloc only when it is certain)
  | 'page' // page_address(alloc_pages(...)), __get_free_pages, get_zeroed_page
  | 'static' // a static or global object
  | 'string' // a string literal (rodata)
  | 'field' // a struct member (origin not traced further)
  | 'unknown';

export interface SizeFact {
  /** The size in bytes when it is a compile-time constant (literal, sizeof of a known type is not known: null). */
  value: bigint | null;
  /** The argument text as written, e.g. `sizeof(*hdr)`, `PAGE_SIZE * 2`. */
  text: string;
  kind: 'constant' | 'sizeof' | 'page_size' | 'unknown';
}

export interface CallSite {
  /** The catalogue entry name, e.g. `dma_map_single`. */
  api: string;
  /** Catalogue kind, e.g. `map`, `unmap`, `sync`, `alloc`, `free`, `mask`, `virtio-add`, `legacy`, `raw-phys`. */
  kind: string;
  /** Range of the whole call expression and of the callee name. */
  range: Range;
  nameRange: Range;
  /** Argument texts as written, in order. */
  args: string[];
  argRanges: Range[];
  /** The DMA direction argument when it is a constant, `unknown` when it is a variable or absent. */
  direction: Direction | 'unknown';
  size: SizeFact | null;
  bufferOrigin: BufferOrigin;
  /** The text of the buffer argument (`skb->data`, `buf`). */
  bufferText: string | null;
  /** Variable or lvalue text that receives the returned handle, e.g. `priv->rx_dma`. */
  handle: string | null;
  /** True when the handle is passed to dma_mapping_error/virtqueue_dma_mapping_error in the same function. */
  checked: boolean;
  /** Name of the enclosing function, or null at file scope. */
  enclosingFunction: string | null;
  /** True when the call is inside a for/while/do loop body within its function. */
  inLoop: boolean;
  /** True when the call was recovered from inside a region the grammar marked ERROR or from a macro body. */
  recovered: boolean;
  /** Indexes (in the same file's call-site list) of unmap/free/sync calls that pair with this one by handle. */
  pairedWith: number[];
}
