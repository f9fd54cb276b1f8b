// Language-server figures, measured on the built server over stdio: time to the first hover after
// opening a file, hover and edit-to-diagnostics latency over many requests (incremental edits), and the
// server's memory after indexing a whole tree.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lsp-client.mjs';
import { readRssKb } from './measure.mjs';
import { codeMask, lineStarts } from './c-lexer.mjs';

/** Positions (0-based) of prefilter names in code followed by `(`: the calls a user would hover. */
function callPositions(text, names) {
  const mask = codeMask(text);
  const starts = lineStarts(text);
  const pattern = new RegExp(`\\b(?:${names.join('|')})\\b(?=\\s*\\()`, 'g');
  const positions = [];
  let line = 0;
  for (const match of text.matchAll(pattern)) {
    if (!mask[match.index]) continue;
    while (line + 1 < starts.length && starts[line + 1] <= match.index) line++;
    // The middle of the name, as a mouse would be.
    positions.push({ line, character: match.index - starts[line] + Math.floor(match[0].length / 2) });
  }
  return positions;
}

export async function measureEditorLatency({ serverScript, file, names, requests, env }) {
  const text = readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).toString();
  const positions = callPositions(text, names);
  if (positions.length === 0) throw new Error(`${file} holds no call of a catalogue name to hover`);
  const lines = text.split('\n');
  const client = new LspClient(serverScript, { env });
  try {
    await client.initialize(null);
    const opened = performance.now();
    const firstDiagnostics = client.waitFor('textDocument/publishDiagnostics', (params) => params.uri === uri, 60000);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    const firstHover = await client.request('textDocument/hover', { textDocument: { uri }, position: positions[0] });
    const firstHoverMs = performance.now() - opened;
    await firstDiagnostics;
    // Hover where the server itself says the calls are; the text's own call positions are the fallback.
    const listed = await client.request('dmalens/listSites', { uri }).catch(() => null);
    const sitePositions = (listed?.sites ?? []).map((site) => ({
      line: site.nameRange.start.line,
      character: Math.floor((site.nameRange.start.character + site.nameRange.end.character) / 2),
    }));
    const hoverPositions = sitePositions.length ? sitePositions : positions;

    const hoverMs = [];
    let hoversWithContent = 0;
    for (let index = 0; index < requests; index++) {
      const started = performance.now();
      const hover = await client.request('textDocument/hover', {
        textDocument: { uri },
        position: hoverPositions[index % hoverPositions.length],
      });
      hoverMs.push(performance.now() - started);
      if (hover && hover.contents) hoversWithContent++;
    }

    // Pairs of edits that type a space at the end of a call's line and delete it again, so that every
    // edit is small (as typing is) and the document returns to the real file after each pair.
    const editMs = [];
    let version = 1;
    for (let index = 0; index < requests; index++) {
      const line = positions[Math.floor(index / 2) % positions.length].line;
      const end = lines[line].length;
      const insert = index % 2 === 0;
      const change = insert
        ? { range: { start: { line, character: end }, end: { line, character: end } }, text: ' ' }
        : { range: { start: { line, character: end }, end: { line, character: end + 1 } }, text: '' };
      version++;
      const expected = version;
      const published = client.waitFor(
        'textDocument/publishDiagnostics',
        (params) => params.uri === uri && (params.version === undefined || params.version === expected),
        10000,
      );
      const started = performance.now();
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      await published;
      editMs.push(performance.now() - started);
    }
    const memory = readRssKb(client.pid);
    return {
      firstHoverMs,
      firstHoverHasContent: Boolean(firstHover?.contents),
      hoverMs,
      hoversWithContent,
      editMs,
      positions: hoverPositions.length,
      ...memory,
    };
  } finally {
    await client.shutdown();
  }
}

/** Opens the tree as the workspace, waits for the index to finish and reads the server's memory. */
export async function measureIndexMemory({ serverScript, tree, env, timeoutMs }) {
  const client = new LspClient(serverScript, { env });
  try {
    const started = performance.now();
    const done = client.waitFor('dmalens/statusChanged', (status) => status?.index?.state === 'done', timeoutMs);
    await client.initialize(tree);
    const status = await done;
    const indexMs = performance.now() - started;
    // Let the garbage collector settle what indexing left behind, as it would in an idle editor.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const memory = readRssKb(client.pid);
    return { indexMs, files: status.index.filesIndexed, sites: status.index.sites, ...memory };
  } finally {
    await client.shutdown();
  }
}
