// One thread's definitions index: the header store shared by every file, translation units per file and
// target machine, and answers memoised per expression, so the many call sites of a driver that pass the
// same size cost one evaluation per target.
import { LruCache } from '../memory/lru-cache';
import { MacroTable, tokenize } from '../preprocessor';
import { HeaderStore, type SourceReader } from './header-store';
import { DefinitionResolver, type Resolution } from './resolver';
import type { TargetMachine } from './target-machine';
import { TranslationUnit } from './translation-unit';

const UNIT_LIMIT = 64;
const ANSWER_LIMIT = 20_000;

export class DefinitionsIndex {
  readonly store: HeaderStore;
  private readonly units = new LruCache<string, DefinitionResolver>(UNIT_LIMIT);
  private readonly answers = new LruCache<string, Resolution>(ANSWER_LIMIT);

  constructor(reader: SourceReader) {
    this.store = new HeaderStore(reader);
  }

  /** The value of `text` as written in the file at `path` (relative to the tree's root), for one target. */
  resolve(path: string, machine: TargetMachine, text: string): Resolution {
    const key = `${machine.key}\n${path}\n${text}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.resolver(path, machine).evaluate(text);
      this.answers.set(key, answer);
    }
    return answer;
  }

  /** Forgets what was read from a file whose text changed, and every answer that may have used it. */
  forget(path: string): void {
    this.store.forget(path);
    this.units.clear();
    this.answers.clear();
  }

  private resolver(path: string, machine: TargetMachine): DefinitionResolver {
    const key = `${machine.key}\n${path}`;
    let resolver = this.units.get(key);
    if (!resolver) {
      resolver = new DefinitionResolver(new TranslationUnit(this.store, path, machine, intrinsics(machine)));
      this.units.set(key, resolver);
    }
    return resolver;
  }
}

/**
 * Definitions that take precedence over the tree's: the page size is the profile's (powerpc's comes from
 * an int option the tree cannot tell), and __must_be_array() only checks a type at compile time.
 */
function intrinsics(machine: TargetMachine): MacroTable {
  const table = new MacroTable();
  for (const line of [
    `PAGE_SHIFT ${machine.pageShift}`,
    `PAGE_SIZE (1UL << ${machine.pageShift})`,
    '__must_be_array(a) 0',
  ])
    table.define(tokenize(line).filter((token) => token.kind !== 'newline'));
  return table;
}
