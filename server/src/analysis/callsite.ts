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
  | 'rodata' // a const object with static storage (file scope, or a static local): the kernel's .rodata
  | 'field' // a struct member (origin not traced further)
  | 'unknown';

export interface SizeFact {
  /** The size in bytes when it is a compile-time constant (sizeof of a fixed-width type counts; of a struct: null). */
  value: bigint | null;
  /** The argument text as written, e.g. `sizeof(*hdr)`, `PAGE_SIZE * 2`. */
  text: string;
  kind: 'constant' | 'sizeof' | 'page_size' | 'unknown';
  /** For kind `page_size`: the size is `pages * PAGE_SIZE` of the target platform (value stays null). */
  pages: number | null;
  /**
   * `sizeof(p)` where `p` is a pointer variable of the function (not an array): the size of the pointer,
   * which is rarely what a map or allocation of the memory it points to means.
   */
  ofPointer?: string;
}

/** How the call's return value is used. */
export type ResultUse = 'assigned' | 'declared' | 'returned' | 'condition' | 'argument' | 'discarded' | 'other';

export interface CallSite {
  /** The catalogue entry name, e.g. `dma_map_single`. */
  api: string;
  /** Catalogue kind, e.g. `map`, `unmap`, `sync`, `alloc`, `free`, `mask`, `virtio-add`, `legacy`, `raw-phys`. */
  kind: string;
  /** Range of the whole call expression and of the callee name. */
  range: Range;
  /** UTF-16 offsets of the call expression (start of the name to after the closing parenthesis). */
  offset: number;
  endOffset: number;
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
  /**
   * The dma_addr_t the call is about: for map calls the lvalue receiving the result (`priv->rx_dma`); for alloc
   * calls the `&h` out-argument without `&`; for unmap/sync/free/check calls their handle argument; for
   * scatterlist calls the sg or sg_table argument.
   */
  handle: string | null;
  /** For alloc calls: the lvalue that receives the CPU address. */
  cpuAddr: string | null;
  resultUse: ResultUse;
  /**
   * Map calls returning a dma_addr_t: the handle is passed to dma_mapping_error/virtqueue_dma_mapping_error in
   * the same function. Scatterlist maps and allocations: the result (count or pointer) is tested. Else false.
   */
  checked: boolean;
  /** Name of the enclosing function, or null at file scope. */
  enclosingFunction: string | null;
  /** True when the call is inside a for/while/do loop body within its function. */
  inLoop: boolean;
  /** True when the call was recovered from inside a region the grammar marked ERROR or from a macro body. */
  recovered: boolean;
  /** The `#define` whose body holds the call, or null. */
  macro: string | null;
  /**
   * Indexes (in the same file's call-site list) of the calls that pair with this one by handle text: on map and
   * alloc calls the unmap/sync/free calls, on those the map/alloc calls. Local handles pair only within a function.
   */
  pairedWith: number[];
}
