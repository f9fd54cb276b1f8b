// Where in a settings.json a settings problem points. The server names each problem by its setting and
// the path inside it (`dmalens.overrides.pseries.dma_window: unknown parameter …`,
// `dmalens.customPlatforms[0].params.ram: …`); a problem about one entry of a list or one key of an object
// quotes it (`dmalens.platforms: unknown platform id 'foo'`). No vscode: unit-tested.
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

export interface Located {
  offset: number;
  length: number;
}

/**
 * The span of settings.json text that a problem is about: the deepest property or value its path reaches,
 * or null when the file does not set that setting. `root` is where settings live in the file (`settings`
 * in a .code-workspace file).
 */
export function locateProblem(
  text: string,
  problem: string,
  settingKeys: readonly string[],
  root: readonly string[] = [],
): Located | null {
  const setting = settingKeys
    .filter((key) => problem.startsWith(key) && /^[.[:]/.test(problem.slice(key.length)))
    .sort((a, b) => b.length - a.length)[0];
  if (!setting) return null;
  const tree = parseTree(text);
  if (!tree) return null;
  const colon = problem.indexOf(': ', setting.length);
  const path = pathSegments(problem.slice(setting.length, colon < 0 ? undefined : colon));
  for (let depth = path.length; depth >= 0; depth--) {
    const node = findNodeAtLocation(tree, [...root, setting, ...path.slice(0, depth)]);
    if (!node) continue;
    const quoted = depth === path.length ? quotedChild(node, problem.slice(colon + 2)) : null;
    return span(quoted ?? withKey(node));
  }
  return null;
}

/** `.pseries.dma_window` and `[0].params.ram` as path segments. */
function pathSegments(rest: string): (string | number)[] {
  return [...rest.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((match) =>
    match[2] !== undefined ? Number(match[2]) : match[1]!,
  );
}

/** The entry of a list or the key of an object that the message quotes, e.g. `unknown platform id 'foo'`. */
function quotedChild(node: Node, message: string): Node | null {
  const token = /'([^']+)'/.exec(message)?.[1];
  if (token === undefined) return null;
  for (const child of node.children ?? []) {
    if (node.type === 'array' && child.value === token) return child;
    if (node.type === 'object' && child.children?.[0]?.value === token) return child;
  }
  return null;
}

/** A value together with its key, so that a mistyped key is underlined with what it sets. */
function withKey(node: Node): Node {
  return node.parent?.type === 'property' ? node.parent : node;
}

function span(node: Node): Located {
  return { offset: node.offset, length: node.length };
}
