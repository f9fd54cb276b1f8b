// One kbuild Makefile (Documentation/kbuild/makefiles.rst) read for what it builds: `obj-y`, `obj-m` and
// `obj-$(CONFIG_X)` lists of objects and subdirectories, composite objects (`foo-y`, `foo-objs`,
// `foo-$(CONFIG_Y)`), the arch Makefiles' `core-`/`drivers-`/`libs-` lists, plain variables used in those
// lists, and the `ifeq`/`ifdef` blocks around them. Every object list line whose condition or words cannot
// be read is reported with its line; nothing else in a Makefile matters here.

/** What decides whether one word of a list is built. */
export type MakeCondition =
  | { kind: 'symbol'; name: string; negated: boolean; line: number; text: string }
  | { kind: 'arch'; arch: string; negated: boolean; line: number; text: string }
  | { kind: 'unknown'; line: number; text: string };

export interface MakeWord {
  /** An object (`foo.o`), a subdirectory (`dir/`), or a library (`lib.a`), as written. */
  text: string;
  /** The word before variables were replaced by `*`, when they were. */
  written?: string;
  line: number;
  /** The list's own condition, those of the words it was expanded from, and the enclosing ifs. */
  conds: MakeCondition[];
}

export interface MakefileProblem {
  line: number;
  message: string;
}

export interface Makefile {
  /**
   * Lists by name: `obj` (obj-y, obj-m, obj-$(CONFIG_X), lib-y), `top` (an arch Makefile's core-, drivers-
   * and libs- lists, relative to the tree's root), and every composite or conditional list by its base
   * name (`nvme-core` for nvme-core-y, nvme-core-objs and nvme-core-$(CONFIG_TRACING)).
   */
  lists: Map<string, MakeWord[]>;
  problems: MakefileProblem[];
}

const TOP_LISTS = new Set(['core', 'drivers', 'libs', 'head']);
const ARCH_LISTS = new Set(['ARCH_CORE', 'ARCH_LIB', 'ARCH_DRIVERS']);

interface Line {
  number: number;
  text: string;
  /** Started with a tab: a recipe line when it follows a rule. */
  tab: boolean;
}

export function parseMakefile(text: string): Makefile {
  const lists = new Map<string, MakeWord[]>();
  const variables = new Map<string, MakeWord[]>();
  const problems: MakefileProblem[] = [];
  const ifs: { cond: MakeCondition; line: number }[] = [];
  let inRule = false;
  const add = (name: string, words: MakeWord[]) => {
    const list = lists.get(name);
    if (list) list.push(...words);
    else lists.set(name, words);
  };

  for (const line of logicalLines(text)) {
    if (line.tab && inRule) continue;
    inRule = false;
    const statement = line.text;
    if (statement === '') continue;
    const conditional = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(statement);
    if (conditional) {
      ifs.push({ cond: condition(conditional[1]!, conditional[2]!, line.number, statement), line: line.number });
      continue;
    }
    const elseMatch = /^else\b\s*(.*)$/.exec(statement);
    if (elseMatch) {
      const top = ifs.pop();
      if (!top) {
        problems.push({ line: line.number, message: "'else' without 'ifeq' or 'ifdef'" });
        continue;
      }
      ifs.push({ cond: negate(top.cond), line: top.line });
      const chained = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(elseMatch[1]!);
      // `else ifeq ...` opens no new block: its condition joins the negated one until the one endif.
      if (chained)
        ifs[ifs.length - 1] = { cond: condition(chained[1]!, chained[2]!, line.number, statement), line: top.line };
      continue;
    }
    if (/^endif\b/.test(statement)) {
      if (!ifs.pop()) problems.push({ line: line.number, message: "'endif' without 'ifeq' or 'ifdef'" });
      continue;
    }
    const assignment = splitAssignment(statement);
    if (!assignment) {
      if (isRule(statement)) inRule = true;
      continue;
    }
    const enclosing = ifs.map((entry) => entry.cond);
    const { name, suffix } = splitListName(assignment.left);
    const isObjectList = name === 'obj' || name === 'lib' || TOP_LISTS.has(name);
    const words = expandWords(assignment.right, line.number, variables, lists, (message) => {
      if (isObjectList) problems.push({ line: line.number, message });
    });
    if (suffix === null) {
      // A plain variable, to be expanded where a list names it.
      const value = enclosing.length ? words.map((word) => ({ ...word, conds: [...word.conds, ...enclosing] })) : words;
      const previous = variables.get(name);
      if (assignment.op === '+=' && previous) previous.push(...value);
      else variables.set(name, value);
      continue;
    }
    const listCond = suffixCondition(suffix, line.number, assignment.left);
    if (listCond === 'never') continue;
    const listConds = Array.isArray(listCond) ? listCond : listCond.kind === 'always' ? [] : [listCond];
    if (listConds.some((cond) => cond.kind === 'unknown') && isObjectList)
      problems.push({ line: line.number, message: `cannot tell when '${assignment.left}' is built` });
    const conds = [...listConds, ...enclosing];
    if (isObjectList) {
      for (const word of words)
        if (!/(\.o|\/|\.a)$/.test(word.text))
          problems.push({
            line: line.number,
            message: `'${word.written ?? word.text}' is not an object, library or directory`,
          });
    }
    const listName = name === 'lib' ? 'obj' : TOP_LISTS.has(name) ? 'top' : name;
    add(
      listName,
      words.map((word) => ({ ...word, conds: [...word.conds, ...conds] })),
    );
  }
  for (const open of ifs) problems.push({ line: open.line, message: 'conditional is never closed with endif' });
  return { lists, problems };
}

/** Physical lines joined at a trailing backslash, without comments. */
function logicalLines(text: string): Line[] {
  const physical = text.split('\n');
  const lines: Line[] = [];
  for (let index = 0; index < physical.length; index++) {
    const number = index + 1;
    let raw = physical[index]!.replace(/\r$/, '');
    const tab = raw.startsWith('\t');
    while (raw.endsWith('\\') && index + 1 < physical.length)
      raw = `${raw.slice(0, -1)} ${physical[++index]!.replace(/\r$/, '')}`;
    lines.push({ number, text: stripComment(raw).trim(), tab });
  }
  return lines;
}

function stripComment(raw: string): string {
  for (let index = raw.indexOf('#'); index !== -1; index = raw.indexOf('#', index + 1))
    if (raw[index - 1] !== '\\') return raw.slice(0, index);
  return raw;
}

/** `left op right` with the operator found outside `$(...)`; null when the line is no assignment. */
function splitAssignment(statement: string): { left: string; op: string; right: string } | null {
  const text = statement.replace(/^(export|override)\s+/, '');
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '(' || char === '{') depth++;
    else if (char === ')' || char === '}') depth--;
    else if (depth === 0 && char === '=') {
      const before = text[index - 1];
      const op = before === ':' || before === '+' || before === '?' ? `${before}=` : '=';
      const left = text.slice(0, index - (op.length - 1)).trim();
      // A double-colon assignment (`::=`) is a plain one here.
      const cleanLeft = left.replace(/:$/, '').trim();
      if (!cleanLeft || /\s/.test(cleanLeft.replace(/\$\([^)]*\)/g, ''))) return null;
      return { left: cleanLeft, op, right: text.slice(index + 1).trim() };
    } else if (depth === 0 && char === ':' && text[index + 1] !== '=') return null;
  }
  return null;
}

function isRule(statement: string): boolean {
  let depth = 0;
  for (let index = 0; index < statement.length; index++) {
    const char = statement[index]!;
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ':' && depth === 0) return true;
  }
  return false;
}

/** `nvme-core-$(CONFIG_X)` → nvme-core + `$(CONFIG_X)`; `foo-objs` → foo + objs; `obj-vdso` is a plain name. */
function splitListName(left: string): { name: string; suffix: string | null } {
  const conditional = /^(.+?)-(\$\(.*\))$/.exec(left);
  if (conditional && !conditional[1]!.includes('$(')) return { name: conditional[1]!, suffix: conditional[2]! };
  const plain = /^(.+)-(y|m|n|objs)$/.exec(left);
  if (plain) return { name: plain[1]!, suffix: plain[2]! };
  return { name: left, suffix: null };
}

const SYMBOL_FORMS: RegExp[] = [
  /^\$\(CONFIG_([A-Za-z0-9_]+)\)$/,
  /^\$\(CONFIG_([A-Za-z0-9_]+):m=y\)$/,
  /^\$\(subst\s+m,y,\$\(CONFIG_([A-Za-z0-9_]+)\)\)$/,
  /^\$\(if\s+\$\(CONFIG_([A-Za-z0-9_]+)\),\s*y\)$/,
];

/** When a list's words are built: always (y, m, objs), never (n), on a symbol, or unknown. */
function suffixCondition(
  suffix: string,
  line: number,
  text: string,
): MakeCondition | MakeCondition[] | { kind: 'always' } | 'never' {
  if (suffix === 'y' || suffix === 'm' || suffix === 'objs') return { kind: 'always' };
  if (suffix === 'n' || suffix === '') return 'never';
  for (const form of SYMBOL_FORMS) {
    const match = form.exec(suffix);
    if (match) return { kind: 'symbol', name: match[1]!, negated: false, line, text };
  }
  // `$(subst y,$(CONFIG_A),$(CONFIG_B))`: y or m only when B is y and A is set.
  const both = /^\$\(subst\s+y,\s*\$\(CONFIG_([A-Za-z0-9_]+)\),\s*\$\(CONFIG_([A-Za-z0-9_]+)\)\)$/.exec(suffix);
  if (both)
    return [
      { kind: 'symbol', name: both[2]!, negated: false, line, text },
      { kind: 'symbol', name: both[1]!, negated: false, line, text },
    ];
  const negated = /^\$\(if\s+\$\(CONFIG_([A-Za-z0-9_]+)\),\s*,\s*y\)$/.exec(suffix);
  if (negated) return { kind: 'symbol', name: negated[1]!, negated: true, line, text };
  return { kind: 'unknown', line, text };
}

/** The condition of `ifeq (a,b)`, `ifneq "a" "b"`, `ifdef CONFIG_X` and `ifndef CONFIG_X`. */
function condition(keyword: string, rest: string, line: number, text: string): MakeCondition {
  if (keyword === 'ifdef' || keyword === 'ifndef') {
    const match = /^CONFIG_([A-Za-z0-9_]+)$/.exec(rest.trim());
    return match
      ? { kind: 'symbol', name: match[1]!, negated: keyword === 'ifndef', line, text }
      : { kind: 'unknown', line, text };
  }
  const operands = compareOperands(rest);
  if (!operands) return { kind: 'unknown', line, text };
  const [a, b] = operands;
  const equal = keyword === 'ifeq';
  const symbolOf = (operand: string) => /^\$\(CONFIG_([A-Za-z0-9_]+)\)$/.exec(operand)?.[1] ?? null;
  const archOf = (operand: string) => /^\$\((SRCARCH|ARCH)\)$/.test(operand);
  for (const [variable, value] of [
    [a, b],
    [b, a],
  ] as const) {
    const symbol = symbolOf(variable);
    if (symbol && (value === 'y' || value === 'm'))
      return { kind: 'symbol', name: symbol, negated: !equal, line, text };
    if (symbol && value === '') return { kind: 'symbol', name: symbol, negated: equal, line, text };
    if (archOf(variable) && /^[a-z0-9_]+$/.test(value))
      return { kind: 'arch', arch: value, negated: !equal, line, text };
  }
  return { kind: 'unknown', line, text };
}

function compareOperands(rest: string): [string, string] | null {
  const trimmed = rest.trim();
  if (trimmed.startsWith('(') && trimmed.endsWith(')')) {
    const inner = trimmed.slice(1, -1);
    let depth = 0;
    for (let index = 0; index < inner.length; index++) {
      const char = inner[index]!;
      if (char === '(') depth++;
      else if (char === ')') depth--;
      else if (char === ',' && depth === 0) return [inner.slice(0, index).trim(), inner.slice(index + 1).trim()];
    }
    return null;
  }
  const quoted = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(trimmed);
  return quoted ? [quoted[2]!, quoted[4]!] : null;
}

function negate(cond: MakeCondition): MakeCondition {
  return cond.kind === 'unknown' ? cond : { ...cond, negated: !cond.negated };
}

/** Splits the right-hand side into words, expanding variable references and the list functions kbuild uses. */
function expandWords(
  right: string,
  line: number,
  variables: Map<string, MakeWord[]>,
  lists: Map<string, MakeWord[]>,
  complain: (message: string) => void,
): MakeWord[] {
  const words: MakeWord[] = [];
  for (const token of splitTopLevel(right)) {
    if (!token.includes('$')) words.push({ text: token, line, conds: [] });
    else {
      const expanded = expandReference(token, line, variables, lists, complain);
      if (expanded === null) complain(`cannot expand '${token}'`);
      else words.push(...expanded);
    }
  }
  return words;
}

/** Whitespace-separated words, keeping `$(...)` with its spaces together. */
function splitTopLevel(text: string): string[] {
  const words: string[] = [];
  let depth = 0;
  let start = -1;
  for (let index = 0; index <= text.length; index++) {
    const char = text[index];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    const space = char === undefined || ((char === ' ' || char === '\t') && depth <= 0);
    if (space) {
      if (start >= 0) words.push(text.slice(start, index));
      start = -1;
    } else if (start < 0) start = index;
  }
  return words;
}

/** Where kbuild's directory variables point, relative to the tree's root. */
const ROOT_VARIABLES = /^\$\((objtree|srctree)\)\//;

function expandReference(
  token: string,
  line: number,
  variables: Map<string, MakeWord[]>,
  lists: Map<string, MakeWord[]>,
  complain: (message: string) => void,
): MakeWord[] | null {
  if (ROOT_VARIABLES.test(token)) return [{ text: token.replace(ROOT_VARIABLES, ''), line, conds: [] }];
  const reference = /^\$\(([A-Za-z0-9_.-]+)\)$/.exec(token);
  if (reference) {
    const name = reference[1]!;
    const variable = variables.get(name);
    if (variable) return variable;
    // The top-level Kbuild's arch lists come from arch/<arch>/Makefile, which build-rules.ts reads itself.
    if (ARCH_LISTS.has(name)) return [];
    const list = /^(.+)-(y|m|objs)$/.exec(name);
    if (list) return lists.get(list[1]!) ?? [];
    return null;
  }
  const call = /^\$\((\S+)\s+(.*)\)$/s.exec(token);
  if (call) {
    const args = splitArguments(call[2]!);
    const inner = (text: string) => expandWords(text, line, variables, lists, complain);
    switch (call[1]) {
      case 'addprefix':
      case 'addsuffix':
        if (args.length !== 2) return null;
        return inner(args[1]!).map((word) => ({
          ...word,
          text: call[1] === 'addprefix' ? `${args[0]!.trim()}${word.text}` : `${word.text}${args[0]!.trim()}`,
        }));
      case 'patsubst':
        if (args.length !== 3) return null;
        return inner(args[2]!).map((word) => ({
          ...word,
          text: patsubst(args[0]!.trim(), args[1]!.trim(), word.text),
        }));
      case 'filter-out': {
        if (args.length !== 2) return null;
        const removed = new Set(args[0]!.trim().split(/\s+/));
        return inner(args[1]!).filter((word) => !removed.has(word.text));
      }
      case 'if': {
        // `$(if $(CONFIG_X),then,else)`: the words of each branch under the symbol or its negation.
        const symbol = /^\s*\$\(CONFIG_([A-Za-z0-9_]+)\)\s*$/.exec(args[0]!)?.[1];
        if (!symbol) return null;
        const text = args.join(',');
        const branch = (words: string | undefined, negated: boolean): MakeWord[] =>
          words === undefined
            ? []
            : inner(words).map((word) => ({
                ...word,
                conds: [...word.conds, { kind: 'symbol', name: symbol, negated, line, text }],
              }));
        return [...branch(args[1], false), ...branch(args[2], true)];
      }
      default:
        return null;
    }
  }
  return [{ text: wordPattern(token, variables), written: token, line, conds: [] }];
}

/**
 * A word with variables inside it (`init_$(BITS).o`, `$(ev6-y)memset.o`): a variable of this Makefile with
 * one word is filled in, any other becomes `*`, so the word still matches the file it builds whatever the
 * value (defined by an arch Makefile, or per architecture).
 */
function wordPattern(token: string, variables: Map<string, MakeWord[]>): string {
  return token.replace(/\$\(([^()]*)\)/g, (_, name: string) => {
    const value = variables.get(name);
    return value?.length === 1 && !value[0]!.text.includes('$') ? value[0]!.text : '*';
  });
}

/** A function's arguments, split at commas outside parentheses. */
function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      args.push(text.slice(start, index));
      start = index + 1;
    }
  }
  args.push(text.slice(start));
  return args;
}

function patsubst(pattern: string, replacement: string, word: string): string {
  const percent = pattern.indexOf('%');
  if (percent < 0) return word === pattern ? replacement : word;
  const prefix = pattern.slice(0, percent);
  const suffix = pattern.slice(percent + 1);
  if (!word.startsWith(prefix) || !word.endsWith(suffix) || word.length < prefix.length + suffix.length) return word;
  const stem = word.slice(prefix.length, word.length - suffix.length);
  return replacement.replace('%', stem);
}
