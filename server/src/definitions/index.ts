// The definitions index: what the headers of a tree define (macros, enum constants, struct, union and
// typedef layouts, file-scope arrays), read lazily through a SourceReader and shared by every file a
// thread analyses, and the value of a constant expression at a call site for one target machine.
export { DefinitionsIndex } from './definitions-index';
export { type Resolution, type OptionChoice, type ResolvedValue } from './resolver';
export { type MacroUse } from './translation-unit';
export { genericMachine, type TargetMachine, type ConfigState } from './target-machine';
export { type SourceReader } from './header-store';
