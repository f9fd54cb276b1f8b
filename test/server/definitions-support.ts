// What the definitions tests import: the index, machines, and a reader over texts in memory.
export { DefinitionsIndex, genericMachine, type TargetMachine, type SourceReader } from '../../server/src/definitions';
import type { SourceReader } from '../../server/src/definitions';

export function memoryReaderForTests(files: Readonly<Record<string, string>>): SourceReader {
  return { read: (path) => files[path] ?? null };
}
