-- Drives dmalens-language-server from Neovim 0.7.2's built-in LSP client (vim.lsp.start_client,
-- buf_attach_client, buf_request_sync, vim.diagnostic.get) and writes what it saw as JSON.
-- Environment: DMALENS_SERVER (server.js), DMALENS_FIXTURE (C file), DMALENS_OUT (result JSON),
-- DMALENS_LINE / DMALENS_COL (0-based hover position).
local server = os.getenv('DMALENS_SERVER')
local fixture = os.getenv('DMALENS_FIXTURE')
local out = os.getenv('DMALENS_OUT')
local line = tonumber(os.getenv('DMALENS_LINE'))
local col = tonumber(os.getenv('DMALENS_COL'))

local result = { ok = false }
local function finish()
  local file = io.open(out, 'w')
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.fnamemodify(fixture, ':h'),
    settings = { dmalens = { platforms = { 'x86_64', 'powernv' } } },
  })
  assert(client_id, 'start_client failed')
  vim.cmd('edit ' .. fixture)
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)
  vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, code = code })
  end
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = col },
  }, 5000)
  result.hover = nil
  for _, response in pairs(responses or {}) do
    if response.result and response.result.contents then result.hover = response.result.contents.value end
  end
  result.ok = true
end)
if not ok then result.error = tostring(err) end
finish()
