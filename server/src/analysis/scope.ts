// What a function body says about its variables: parameters, locals (array? pointer? static?) and every value
// assigned to them. Buffer-origin tracing asks this instead of walking the tree once per call site.
import type { SyntaxNode } from '../parse/parser';

export interface Variable {
  kind: 'param' | 'local';
  isArray: boolean;
  isPointer: boolean;
  isStatic: boolean;
  /** Declared `const` itself (`static const u8 cmd[]`), not only pointing to const data. */
  isConst: boolean;
  /** Initialiser and right-hand sides of plain `name = value` assignments, as text. */
  values: string[];
}

export class FunctionScope {
  readonly variables = new Map<string, Variable>();
  /** Values assigned in this function to struct members, keyed by the member text without spaces (`priv->buf`). */
  readonly fieldValues = new Map<string, string[]>();

  constructor(
    readonly name: string | null,
    readonly start: number,
    readonly end: number,
  ) {}

  static of(definition: SyntaxNode, base: number): FunctionScope {
    const scope = new FunctionScope(functionName(definition), base + definition.startIndex, base + definition.endIndex);
    scope.collect(definition);
    return scope;
  }

  private collect(definition: SyntaxNode): void {
    // One wasm call returns the interesting nodes in document order; a JS cursor walk over every node costs
    // several times more (measured over Linux 6.1 by the perf helper).
    for (const node of definition.descendantsOfType([
      'parameter_declaration',
      'declaration',
      'assignment_expression',
    ])) {
      if (!node) continue;
      if (node.type === 'parameter_declaration') this.declare(node, 'param', false, false);
      else if (node.type === 'declaration')
        this.declare(node, 'local', hasStorageClass(node, 'static'), hasChild(node, 'type_qualifier', 'const'));
      else this.assign(node);
    }
  }

  private declare(declaration: SyntaxNode, kind: Variable['kind'], isStatic: boolean, isConst: boolean): void {
    for (const declarator of declaration.childrenForFieldName('declarator')) {
      if (!declarator) continue;
      const info = unwrapDeclarator(declarator);
      if (!info.name) continue;
      const existing = this.variables.get(info.name);
      const variable: Variable = existing ?? {
        kind,
        isArray: info.isArray,
        isPointer: info.isPointer,
        isStatic,
        // `const char *name`: the qualifier is the pointee's; the object is const only without a pointer.
        isConst: isConst && !info.isPointer,
        values: [],
      };
      if (
        existing &&
        (existing.isArray !== info.isArray || existing.isPointer !== info.isPointer || existing.isStatic !== isStatic)
      ) {
        // The same name declared twice in different blocks with different shapes: nothing certain can be said.
        existing.values.push('<shadowed>');
      }
      if (info.value) variable.values.push(info.value);
      this.variables.set(info.name, variable);
    }
  }

  private assign(assignment: SyntaxNode): void {
    const operator = assignment.childForFieldName('operator');
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (!left || !right) return;
    const value = operator?.text === '=' ? right.text : '<compound>';
    if (left.type === 'field_expression') {
      const key = left.text.replace(/\s+/g, '');
      const values = this.fieldValues.get(key);
      if (values) values.push(value);
      else this.fieldValues.set(key, [value]);
      return;
    }
    if (left.type !== 'identifier') return;
    const variable = this.variables.get(left.text);
    if (!variable) return;
    variable.values.push(value);
  }
}

function hasStorageClass(declaration: SyntaxNode, keyword: string): boolean {
  return hasChild(declaration, 'storage_class_specifier', keyword);
}

function hasChild(declaration: SyntaxNode, type: string, keyword: string): boolean {
  // Listing the children builds an object per child; most declarations do not hold the word at all.
  if (!declaration.text.includes(keyword)) return false;
  for (const child of declaration.children) {
    if (child?.type === type && child.text === keyword) return true;
  }
  return false;
}

function unwrapDeclarator(declarator: SyntaxNode): {
  name: string | null;
  isArray: boolean;
  isPointer: boolean;
  value: string | null;
} {
  let node: SyntaxNode | null = declarator;
  let isArray = false;
  let isPointer = false;
  let value: string | null = null;
  for (let depth = 0; node && depth < 16; depth++) {
    switch (node.type) {
      case 'identifier':
        return { name: node.text, isArray, isPointer, value };
      case 'init_declarator':
        value = node.childForFieldName('value')?.text ?? null;
        node = node.childForFieldName('declarator');
        break;
      case 'array_declarator':
        isArray = true;
        node = node.childForFieldName('declarator');
        break;
      case 'pointer_declarator':
        isPointer = true;
        node = node.childForFieldName('declarator');
        break;
      case 'parenthesized_declarator':
        node = node.namedChildren[0] ?? null;
        break;
      case 'attributed_declarator':
        node = node.namedChildren[0] ?? null;
        break;
      default:
        return { name: null, isArray, isPointer, value };
    }
  }
  return { name: null, isArray, isPointer, value };
}

/** The declared name of a function_definition, through pointer and parenthesised declarators. */
export function functionName(definition: SyntaxNode): string | null {
  let node = definition.childForFieldName('declarator');
  for (let depth = 0; node && depth < 16; depth++) {
    if (node.type === 'identifier') return node.text;
    if (
      node.type === 'function_declarator' ||
      node.type === 'pointer_declarator' ||
      node.type === 'attributed_declarator'
    ) {
      node = node.childForFieldName('declarator') ?? node.namedChildren[0] ?? null;
    } else if (node.type === 'parenthesized_declarator') node = node.namedChildren[0] ?? null;
    else return null;
  }
  return null;
}
