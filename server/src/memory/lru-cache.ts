// A map that keeps at most `limit` entries, forgetting the least recently used first. The server's memos
// (simulated runs, evaluated sizes, booted sessions) are keyed by what a document says, so an editing
// session that keeps changing sizes and flags would otherwise grow them without end.

export class LruCache<K, V> {
  // A Map iterates in insertion order: re-inserting an entry on every use keeps the oldest first.
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
  }

  clear(): void {
    this.entries.clear();
  }
}
