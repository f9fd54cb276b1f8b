#!/usr/bin/env bash
# Installs, on a brand-new Debian machine, everything the end-to-end and benchmark tests need beyond `npm ci`:
# Chromium (drives VS Code in a browser), Neovim (the second LSP client), ripgrep and GNU time (the
# benchmark), dtc and cpp (device trees are compared with what the kernel build makes of them), and
# code-server (a real VS Code that runs in node) with what its native modules need to build.
#
# code-server goes into a cache folder outside the repository ($DMALENS_TEST_DEPS_DIR, default
# ~/.cache/dmalens-test-deps), so it survives `git clean` and a second run takes well under a second.
# The e2e test looks for it in the same place. Running this script again is harmless.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# The ripgrep release that @vscode/ripgrep@1.15.11 (a code-server dependency) downloads in its
# postinstall; the machine has no network beyond the package registries, so the cache is seeded with
# Debian's rg instead, under the exact file name that postinstall looks for.
RIPGREP_TAG=v13.0.0-10
RIPGREP_PACKAGE_VERSION=1.15.11

DEPS_DIR="${DMALENS_TEST_DEPS_DIR:-$HOME/.cache/dmalens-test-deps}"
CODE_SERVER_DIR="$DEPS_DIR/code-server-$CODE_SERVER_VERSION"
CODE_SERVER_BIN="$CODE_SERVER_DIR/node_modules/.bin/code-server"

log() { printf 'install-test-deps: %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  local wanted=(chromium neovim ripgrep time libkrb5-dev build-essential python3 pkg-config device-tree-compiler cpp)
  local missing=()
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "Debian packages already installed"
    return
  fi
  log "installing Debian packages: ${missing[*]}"
  # The lock keeps parallel installers (other scripts of this project) from fighting over dpkg.
  as_root flock /tmp/dmalens-apt.lock apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive flock /tmp/dmalens-apt.lock \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

seed_ripgrep_cache() {
  local tmp="${TMPDIR:-/tmp}"
  local cache="$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
  local archive="$cache/ripgrep-$RIPGREP_TAG-x86_64-unknown-linux-musl.tar.gz"
  [ -s "$archive" ] && return
  mkdir -p "$cache"
  local staging
  staging="$(mktemp -d)"
  cp /usr/bin/rg "$staging/rg"
  tar -czf "$archive" -C "$staging" rg
  rm -rf "$staging"
}

install_code_server() {
  if [ -x "$CODE_SERVER_BIN" ] && "$CODE_SERVER_BIN" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION"; then
    log "code-server $CODE_SERVER_VERSION already in $CODE_SERVER_DIR"
    return
  fi
  if [ "$(uname -m)" != x86_64 ]; then
    log "warning: the ripgrep cache is seeded for x86_64 only; code-server's install may fail on $(uname -m)"
  fi
  seed_ripgrep_cache
  log "installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (about a minute)"
  rm -rf "$CODE_SERVER_DIR"
  mkdir -p "$CODE_SERVER_DIR"
  printf '{ "name": "dmalens-code-server", "private": true }\n' >"$CODE_SERVER_DIR/package.json"
  # As root, code-server's postinstall refuses to run without unsafe-perm; node-pty's postinstall runs npx.
  (
    cd "$CODE_SERVER_DIR"
    npm_config_unsafe_perm=true npm_config_yes=true \
      nice -n 10 npm install --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION"
  )
  "$CODE_SERVER_BIN" --version >/dev/null
  log "code-server installed: $("$CODE_SERVER_BIN" --version | head -1)"
}

install_debian_packages
install_code_server
log "done (code-server: $CODE_SERVER_BIN, chromium: $(command -v chromium))"
