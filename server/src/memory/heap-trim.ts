// Gives garbage back as the server goes. V8 lets a busy heap grow to several times what is live before it
// collects in full, so a long editing session held 300–370 MB of resident memory of which under 100 MB was
// in use. After heavy work (diagnostics published, a document closed) the server collects in full whenever
// the used heap has grown by a step since the last collection: a pause of tens of milliseconds per step.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Growth of the used heap, since the last full collection, that is worth a collection. */
const TRIM_STEP_BYTES = 32 * 2 ** 20;

export class HeapTrim {
  private readonly collect = fullCollection();
  private usedAfterLastCollection = usedHeap();

  /** Collects in full when the heap has grown by TRIM_STEP_BYTES since the last collection. */
  afterWork(): void {
    if (!this.collect) return;
    if (usedHeap() - this.usedAfterLastCollection < TRIM_STEP_BYTES) return;
    this.collect();
    this.usedAfterLastCollection = usedHeap();
  }
}

/** The used heap, read from V8 directly (process.memoryUsage() also reads the resident size from the kernel). */
function usedHeap(): number {
  return getHeapStatistics().used_heap_size;
}

/**
 * V8's full collection, reachable without starting node with --expose-gc: the flag set at run time exposes
 * `gc` in contexts created afterwards. Null where the runtime refuses, and then the server does not trim.
 */
function fullCollection(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const collect: unknown = runInNewContext('gc');
    return typeof collect === 'function' ? (collect as () => void) : null;
  } catch {
    return null;
  }
}
