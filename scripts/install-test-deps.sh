#!/usr/bin/env bash
# Installs, on a brand-new Debian machine, everything the end-to-end and benchmark tests need beyond `npm ci`:
# Chromium (drives VS Code in a browser), Neovim (the second LSP client), ripgrep and GNU time (the
# benchmark), dtc and cpp (device trees are compared with what the kernel build makes of them), QEMU,
# busybox-static and cpio with Debian's own 6.1 kernels for amd64 and ppc64el (the differential suite boots
# them), and code-server (a real VS Code that runs in node) with what its native modules need to build.
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
  local wanted=(chromium neovim ripgrep time libkrb5-dev build-essential python3 pkg-config device-tree-compiler cpp
    qemu-system-x86 qemu-system-ppc busybox-static cpio)
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

# The guest kernels: the newest Debian 6.1 ABI published for both amd64 and ppc64el, fetched with
# `apt-get download` and unpacked into $DEPS_DIR/guests (never installed into the host), with ppc64el's
# busybox-static for its initramfs. Kept once unpacked, so every later run boots the same kernels.
GUESTS_DIR="$DEPS_DIR/guests"

install_guest_kernels() {
  if ls "$GUESTS_DIR"/amd64/boot/vmlinuz-* "$GUESTS_DIR"/ppc64el/boot/vmlinux-* "$GUESTS_DIR"/ppc64el/bin/busybox \
    >/dev/null 2>&1; then
    log "guest kernels already in $GUESTS_DIR"
    return
  fi
  if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
    log "adding the ppc64el architecture to apt (for apt-get download only)"
    as_root dpkg --add-architecture ppc64el
  fi
  as_root flock /tmp/dmalens-apt.lock apt-get update -q
  local abi
  abi="$(comm -12 \
    <(apt-cache pkgnames linux-image-6.1.0- | sed -n 's/^linux-image-6\.1\.0-\([0-9]*\)-amd64-unsigned$/\1/p' | sort) \
    <(apt-cache pkgnames linux-image-6.1.0- | sed -n 's/^linux-image-6\.1\.0-\([0-9]*\)-powerpc64le$/\1/p' | sort) |
    sort -n | tail -1)"
  if [ -z "$abi" ]; then
    log "error: no linux-image-6.1.0-N package exists for both amd64 and ppc64el"
    exit 1
  fi
  log "fetching Debian's 6.1.0-$abi kernels for amd64 and ppc64el into $GUESTS_DIR"
  rm -rf "$GUESTS_DIR"
  mkdir -p "$GUESTS_DIR/amd64" "$GUESTS_DIR/ppc64el"
  (
    cd "$GUESTS_DIR"
    apt-get download -q "linux-image-6.1.0-$abi-amd64-unsigned" "linux-image-6.1.0-$abi-powerpc64le:ppc64el" \
      busybox-static:ppc64el 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
    dpkg-deb -x linux-image-6.1.0-"$abi"-amd64-unsigned_*.deb amd64
    dpkg-deb -x linux-image-6.1.0-"$abi"-powerpc64le_*.deb ppc64el
    dpkg-deb -x busybox-static_*_ppc64el.deb ppc64el
  )
  ls "$GUESTS_DIR"/amd64/boot/vmlinuz-* "$GUESTS_DIR"/ppc64el/boot/vmlinux-* >/dev/null
}

install_debian_packages
install_guest_kernels
install_code_server
log "done (code-server: $CODE_SERVER_BIN, chromium: $(command -v chromium))"
