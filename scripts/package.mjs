// `npm run package`: builds the .vsix from the bundles `npm run build` produced. The language
// server (core bundled in), its worker, and the tree-sitter runtime and grammar wasm
// are copied into client/dist/server/, so the installed extension runs with no node_modules.
// The documentation the server links to (docs/rules, docs/spec) is staged in client/docs/ only while
// vsce runs: the server finds it by walking up from extension/dist/server/ to extension/docs/
// (server/src/docs/bundled-docs.ts).
// client/.vscodeignore is an allow-list; afterwards the package's file list is checked against it
// so that a stray file fails the build instead of shipping.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const client = join(root, 'client');
const serverDist = join(root, 'server/dist');
const bundledServer = join(client, 'dist/server');
const manifest = JSON.parse(readFileSync(join(client, 'package.json'), 'utf8'));
const output = join(root, `${manifest.name}-${manifest.version}.vsix`);
/** Staging folder for the docs; it exists only while this script runs, so the working tree stays clean. */
const stagedDocs = join(client, 'docs');

/** The docs the package carries, relative to docs/: every rule page (diagnostics link them) and the spec (hovers link its sections). */
function shippedDocs() {
  const markdown = (folder) =>
    readdirSync(join(root, 'docs', folder))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `${folder}/${name}`);
  return [...markdown('rules'), ...markdown('spec')];
}

/** Every file a working package needs; the server's worker is optional until the index uses one. */
const REQUIRED = [
  'dist/extension.js',
  'dist/server/server.js',
  'dist/server/tree-sitter.wasm',
  'dist/server/tree-sitter-c.wasm',
  'dist/server/tree-sitter-devicetree.wasm',
  'dist/webview/pipeline.js',
  'media/pipeline.css',
  'media/findings.svg',
  'media/icon.png',
  ...readdirSync(join(client, 'media/walkthrough')).map((name) => `media/walkthrough/${name}`),
  'README.md',
  'LICENSE',
  'package.json',
  ...shippedDocs().map((name) => `docs/${name}`),
];
const ALLOWED = [
  /^dist\/extension\.js$/,
  /^dist\/server\/[\w.-]+\.(js|wasm)$/,
  /^dist\/webview\/pipeline\.js$/,
  /^media\/(icon\.png|pipeline\.css|findings\.svg)$/,
  /^media\/walkthrough\/[\w-]+\.md$/,
  /^docs\/(rules|spec)\/[\w.-]+\.md$/,
  /^(readme\.md|license\.txt|license|package\.json|\[content_types\]\.xml|extension\.vsixmanifest)$/i,
];

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function copyServer() {
  if (!existsSync(join(serverDist, 'server.js'))) fail('server/dist/server.js is missing; run `npm run build` first.');
  if (!existsSync(join(client, 'dist/extension.js')))
    fail('client/dist/extension.js is missing; run `npm run build` first.');
  rmSync(bundledServer, { recursive: true, force: true });
  mkdirSync(bundledServer, { recursive: true });
  const shipped = readdirSync(serverDist).filter(
    (name) => /^(server|scan-worker)\.js$/.test(name) || /\.wasm$/.test(name),
  );
  for (const name of shipped) copyFileSync(join(serverDist, name), join(bundledServer, name));
  // The package carries the repository's license, the same text as the root LICENSE.
  copyFileSync(join(root, 'LICENSE'), join(client, 'LICENSE'));
}

function stageDocs() {
  rmSync(stagedDocs, { recursive: true, force: true });
  for (const name of shippedDocs()) {
    mkdirSync(dirname(join(stagedDocs, name)), { recursive: true });
    copyFileSync(join(root, 'docs', name), join(stagedDocs, name));
  }
}

function runVsce() {
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  if (!existsSync(vsce)) fail('@vscode/vsce is not installed; run `npm ci`.');
  rmSync(output, { force: true });
  // --no-dependencies: both bundles are self-contained, node_modules stays out of the package.
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', output];
  try {
    execFileSync(process.execPath, args, { cwd: client, stdio: ['ignore', 'inherit', 'inherit'] });
  } finally {
    rmSync(stagedDocs, { recursive: true, force: true });
  }
}

/** The .vsix is a zip; its central directory lists the files without unpacking anything. */
function listPackage() {
  const zip = readFileSync(output);
  const names = [];
  for (
    let offset = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])),
      count = zip.readUInt16LE(offset + 10),
      at = zip.readUInt32LE(offset + 16),
      i = 0;
    i < count;
    i++
  ) {
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names.map((name) => name.replace(/^extension\//, ''));
}

function checkPackage() {
  const files = listPackage();
  const stray = files.filter((name) => !ALLOWED.some((pattern) => pattern.test(name)));
  if (stray.length > 0) fail(`unexpected files in the package: ${stray.join(', ')}`);
  const present = new Set(files.map((name) => name.toLowerCase().replace(/^license\.txt$/, 'license')));
  const missing = REQUIRED.filter((name) => !present.has(name.toLowerCase()));
  if (missing.length > 0) fail(`files missing from the package: ${missing.join(', ')}`);
  console.log(`package: ${output} (${files.length} files, ${(readFileSync(output).length / 1024).toFixed(0)} KiB)`);
}

copyServer();
stageDocs();
runVsce();
checkPackage();
