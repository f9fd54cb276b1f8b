// Links into the documentation that ships with the server: docs/rules/<id>.md for each diagnostic and
// docs/spec/kernel-dma-semantics.md for the spec sections hovers cite. The folder is found from the
// running bundle's own location, so the links point at the copy the user actually has: the repository's
// docs/ in development (server/dist/ -> ../../docs), the extension's docs/ inside the installed .vsix
// (extension/dist/server/ -> ../../docs). Links are file: URIs because codeDescription.href must be a URI.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SPEC_FILE = 'kernel-dma-semantics.md';

/** A page every copy of the docs has; an unrelated docs/rules folder higher up does not. */
const MARKER_PAGE = join('rules', 'unchecked-mapping.md');

/** The DMA Lens docs folder, searched upwards from `start`; null when none of the ancestors has one. */
export function findDocsDir(start: string): string | null {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'docs', MARKER_PAGE))) return join(dir, 'docs');
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The bundle's folder: __dirname in the CommonJS bundles (server/dist/*.js); the ESM test bundles have no
 * __dirname and run from the repository, so they start at the working directory.
 */
function bundleDir(): string {
  return typeof __dirname !== 'undefined' ? __dirname : process.cwd();
}

let docsDir: string | null | undefined;

function shippedDocsDir(): string | null {
  if (docsDir === undefined) docsDir = findDocsDir(bundleDir());
  return docsDir;
}

/** A file: URI with parentheses escaped too, so that it can sit inside a markdown link. */
function fileUri(path: string, fragment = ''): string {
  return `${pathToFileURL(path).href.replace(/\(/g, '%28').replace(/\)/g, '%29')}${fragment ? `#${fragment}` : ''}`;
}

/** The rule's documentation page, or null when the docs did not ship with this installation. */
export function ruleDocUri(ruleId: string, docs = shippedDocsDir()): string | null {
  return docs === null ? null : fileUri(join(docs, 'rules', `${ruleId}.md`));
}

/**
 * GitHub's heading anchor: lower case, everything but letters, digits, `_`, `-` and spaces dropped,
 * spaces turned into `-`. Editors that do not know the anchor still open the file.
 */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Section number (`2.2`, `0`) -> anchor of its heading, for every numbered heading of the spec. */
export function specAnchors(markdown: string): Map<string, string> {
  const anchors = new Map<string, string>();
  const used = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    // A `# comment` inside a fenced code block is not a heading.
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = githubAnchor(heading[1]!);
    // GitHub numbers repeated anchors: the second `foo` becomes `foo-1`.
    const count = used.get(base) ?? 0;
    used.set(base, count + 1);
    const number = /^(\d+(?:\.\d+)*)\.?\s/.exec(heading[1]!)?.[1];
    if (number !== undefined && !anchors.has(number)) anchors.set(number, count ? `${base}-${count}` : base);
  }
  return anchors;
}

export interface SpecLinks {
  path: string;
  anchors: Map<string, string>;
}

/** The spec file inside `docs` and its section anchors, or null when it is not there. */
export function loadSpecLinks(docs: string | null): SpecLinks | null {
  if (docs === null) return null;
  const path = join(docs, 'spec', SPEC_FILE);
  try {
    return { path, anchors: specAnchors(readFileSync(path, 'utf8')) };
  } catch {
    return null;
  }
}

let shippedSpec: SpecLinks | null | undefined;

/** The shipped spec's links, read once per process (the file is 1,000 lines). */
export function shippedSpecLinks(): SpecLinks | null {
  if (shippedSpec === undefined) shippedSpec = loadSpecLinks(shippedDocsDir());
  return shippedSpec;
}

/** A link for a spec reference such as `§2.2`: the spec file with the section's anchor (the file alone when no heading has that number). */
export function specSectionUri(spec: SpecLinks, section: string): string {
  return fileUri(spec.path, spec.anchors.get(section.replace(/^§\s*/, '')) ?? '');
}
