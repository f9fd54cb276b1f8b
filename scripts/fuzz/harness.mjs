// The fuzz harness: mutants of kernel-style C sent to the built language server over stdio, as an editor
// sends them (open, hovers, inlay hints, code actions, symbols, an edit, hovers again, close), each request
// with a deadline. It counts what a user would suffer: a crash (the server exits), a hang (a request not
// answered in time), an internal error (a bug answered as -32603), the latency of every answer and the
// server's peak resident memory. A crashed or hung server is restarted so the run goes on.
import { readFileSync } from 'node:fs';
import { LspClient } from '../bench/lsp-client.mjs';
import { mutate, random } from './mutate.mjs';

function rssKb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function positionAt(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function endOf(text) {
  return positionAt(text, text.length);
}

async function startServer(serverScript, env) {
  const client = new LspClient(serverScript, { env });
  await client.initialize(null);
  return client;
}

/**
 * Runs `mutants` mutants (round robin over the seed files), or until `seconds` have passed. Returns the
 * figures and each crash, hang and internal error with the seed that reproduces it.
 */
export async function runFuzz({ serverScript, seeds, mutants, seconds = Infinity, seed = 1, timeoutMs = 10_000, env }) {
  const next = random(seed);
  const pick = (limit) => Math.floor(next() * Math.max(1, limit));
  const figures = { inputs: 0, requests: 0, crashes: [], hangs: [], internalErrors: [], latenciesMs: [], peakRssKb: 0 };
  const deadline = Date.now() + seconds * 1000;
  let client = await startServer(serverScript, env);
  try {
    for (let index = 0; index < mutants && Date.now() < deadline; index++) {
      const source = seeds[index % seeds.length];
      const mutantSeed = seed * 100_003 + index;
      const { text, operators } = mutate(source.text, mutantSeed);
      const what = `${source.name} mutant ${mutantSeed} (${operators.join(', ')})`;
      const uri = `file:///tmp/dmalens-fuzz/${index}-${source.name}`;
      const ask = async (method, params) => {
        const started = performance.now();
        figures.requests++;
        try {
          await client.request(method, params, timeoutMs);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (/no answer within/.test(message)) throw Object.assign(new Error(message), { hang: true });
          // -32603 is a bug answered as an error; a refusal of bad parameters (-32602) is correct.
          if (error?.code === -32603) figures.internalErrors.push(`${what}: ${message.slice(0, 300)}`);
        } finally {
          figures.latenciesMs.push(performance.now() - started);
        }
      };
      figures.inputs++;
      try {
        client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
        for (let hover = 0; hover < 4; hover++)
          await ask('textDocument/hover', { textDocument: { uri }, position: positionAt(text, pick(text.length)) });
        const whole = { start: { line: 0, character: 0 }, end: endOf(text) };
        await ask('textDocument/inlayHint', { textDocument: { uri }, range: whole });
        await ask('textDocument/codeAction', { textDocument: { uri }, range: whole, context: { diagnostics: [] } });
        await ask('textDocument/documentSymbol', { textDocument: { uri } });
        const at = positionAt(text, pick(text.length));
        client.notify('textDocument/didChange', {
          textDocument: { uri, version: 2 },
          contentChanges: [{ range: { start: at, end: at }, text: 'dma_map_single(dev, buf, 64, DMA_TO_DEVICE);\n' }],
        });
        await ask('textDocument/hover', { textDocument: { uri }, position: at });
        client.notify('textDocument/didClose', { textDocument: { uri } });
        figures.peakRssKb = Math.max(figures.peakRssKb, rssKb(client.pid));
      } catch (error) {
        if (error.hang) figures.hangs.push(`${what}: ${error.message.slice(0, 200)}`);
        else figures.crashes.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
        await client.shutdown();
        client = await startServer(serverScript, env);
        continue;
      }
      const exited = await Promise.race([client.exited, new Promise((resolve) => setTimeout(() => resolve(null), 0))]);
      if (exited !== null) {
        figures.crashes.push(`${what}: the server exited (${exited})`);
        client = await startServer(serverScript, env);
      }
    }
  } finally {
    await client.shutdown();
  }
  return figures;
}

export function percentile(values, share) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((share / 100) * sorted.length))];
}
