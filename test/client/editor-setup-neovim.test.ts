// The Neovim configuration in docs/editor-setup.md works as written: the test takes the first Lua
// block of the Neovim section, points it at the built server, opens the e2e driver in headless
// Neovim (Debian's 0.7.2) and checks the hover and the diagnostics that arrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_PHYS } from '@dmalens/protocol';
import { repoRoot } from '../repo-root';

const root = repoRoot();
const NVIM = process.env.DMALENS_NVIM ?? '/usr/bin/nvim';
const DRIVER = join(root, 'test/client/workspace/drivers/net/lens/lens_ring.c');
const POWERNV_BYPASS_BASE = 1n << 59n;

function neovimConfig(serverPath: string): string {
  const doc = readFileSync(join(root, 'docs/editor-setup.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Neovim'));
  const block = /```lua\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'docs/editor-setup.md has a Lua block in its Neovim section');
  assert.ok(block[1]!.includes("'/opt/dmalens/server.js'"), 'the block names the documented server path');
  return block[1]!.replace("'/opt/dmalens/server.js'", JSON.stringify(serverPath));
}

/** Opens the driver, waits for the server, asks for a hover on the first dma_map_single and collects diagnostics. */
function probeScript(outFile: string): string {
  return `
vim.cmd('edit ${DRIVER}')
local bufnr = vim.api.nvim_get_current_buf()
local attached = vim.wait(15000, function() return #vim.lsp.buf_get_clients(bufnr) > 0 end, 50)
local result = { attached = attached, hover = '', diagnostics = {} }
if attached then
  local line = vim.fn.search('tx_dma = dma_map_single') - 1
  local col = vim.fn.match(vim.fn.getline(line + 1), 'dma_map_single') + 2
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = col } }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 15000) or {}
  for _, response in pairs(responses) do
    if response.result and response.result.contents then
      local contents = response.result.contents
      result.hover = result.hover .. (contents.value or vim.fn.json_encode(contents))
    end
  end
  vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, { line = d.lnum, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '', message = d.message })
  end
end
vim.fn.writefile({ vim.fn.json_encode(result) }, '${outFile}')
vim.cmd('qa!')
`;
}

test('the documented Neovim configuration gives the hover and the diagnostics', { timeout: 60_000 }, () => {
  assert.ok(existsSync(NVIM), `Neovim is not installed at ${NVIM}: run \`bash scripts/install-test-deps.sh\`.`);
  const server = join(root, 'server/dist/server.js');
  assert.ok(existsSync(server), 'server/dist/server.js exists (npm run build)');
  const scratch = mkdtempSync(join(tmpdir(), 'dmalens-nvim-'));
  try {
    const config = join(scratch, 'init.lua');
    const probe = join(scratch, 'probe.lua');
    const out = join(scratch, 'result.json');
    writeFileSync(config, neovimConfig(server));
    writeFileSync(probe, probeScript(out));
    const run = spawnSync(NVIM, ['--headless', '-u', config, '-c', `luafile ${probe}`], {
      cwd: scratch,
      encoding: 'utf8',
      timeout: 50_000,
      env: {
        ...process.env,
        XDG_CONFIG_HOME: join(scratch, 'config'),
        XDG_DATA_HOME: join(scratch, 'data'),
        XDG_STATE_HOME: join(scratch, 'state'),
        XDG_CACHE_HOME: join(scratch, 'cache'),
      },
    });
    assert.ok(existsSync(out), `Neovim wrote no result (status ${run.status}):\n${run.stdout}\n${run.stderr}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      attached: boolean;
      hover: string;
      diagnostics: { line: number; code: string; message: string }[];
    };
    assert.ok(result.attached, 'the client attached to the C buffer');
    const hover = result.hover.replace(/_/g, '');
    assert.ok(hover.includes(EXAMPLE_PHYS), `x86_64 maps the example address to itself:\n${result.hover}`);
    const powernv = `0x${(BigInt(EXAMPLE_PHYS) + POWERNV_BYPASS_BASE).toString(16)}`;
    assert.ok(hover.includes(powernv), `powernv's bypass gives ${powernv}:\n${result.hover}`);
    const unchecked = result.diagnostics.filter((d) => d.code === 'unchecked-mapping');
    assert.deepEqual(
      unchecked.map((d) => d.line),
      [21],
      JSON.stringify(result.diagnostics),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
