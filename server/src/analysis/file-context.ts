// Everything extraction knows about one file besides its syntax trees: the text, line index, #define constants,
// file-scope objects (found lexically, so region parses see them too) and per-function scopes.
import type { SyntaxNode } from '../parse/parser';
import { FileDefines } from './defines';
import { LexicalSpans } from './lexical-spans';
import { LineIndex } from './line-index';
import { FunctionScope } from './scope';

interface FileScopeShape {
  kind: 'array' | 'object';
  isConst: boolean;
}

export class FileContext {
  readonly lines: LineIndex;
  readonly defines: FileDefines;
  private readonly scopes = new Map<number, FunctionScope>();
  private readonly fileScopeShapes = new Map<string, FileScopeShape | null>();
  private lexicalSpans: LexicalSpans | null = null;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
    this.defines = new FileDefines(text);
  }

  /** Where the file's comments and literals are, worked out as far as it is asked, once for all its trees. */
  get lexical(): LexicalSpans {
    this.lexicalSpans ??= new LexicalSpans(this.text, this.lines);
    return this.lexicalSpans;
  }

  /** The scope of a function_definition node from a tree whose text starts at `base`; cached by file offset. */
  scopeOf(definition: SyntaxNode, base: number): FunctionScope {
    const start = base + definition.startIndex;
    let scope = this.scopes.get(start);
    if (!scope) {
      scope = FunctionScope.of(definition, base);
      this.scopes.set(start, scope);
    }
    return scope;
  }

  isFileScopeArray(name: string): boolean {
    return this.fileScopeShape(name)?.kind === 'array';
  }

  isFileScopeObject(name: string): boolean {
    return this.fileScopeShape(name) !== null;
  }

  /** Is `name` a file-scope object declared `const` (`static const u8 demo_cmd[]`), placed in .rodata? */
  isFileScopeConst(name: string): boolean {
    return this.fileScopeShape(name)?.isConst ?? false;
  }

  /**
   * Kernel style puts file-scope declarations at column 0 and function locals indented, so a column-0
   * declaration of `name` that is not a pointer is a static or global object.
   */
  private fileScopeShape(name: string): FileScopeShape | null {
    if (this.fileScopeShapes.has(name)) return this.fileScopeShapes.get(name)!;
    const declaration = new RegExp(
      `^(?:(?:static|const|volatile|extern|struct\\s+\\w+|union\\s+\\w+|[A-Za-z_]\\w*)\\s+)+${name}\\s*(\\[|=|;|,)`,
      'm',
    );
    const match = declaration.exec(this.text);
    const shape: FileScopeShape | null =
      !match || /^\s*(return|typedef|goto)\b/.test(match[0])
        ? null
        : { kind: match[1] === '[' ? 'array' : 'object', isConst: /\bconst\b/.test(match[0]) };
    this.fileScopeShapes.set(name, shape);
    return shape;
  }
}
