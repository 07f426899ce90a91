#!/usr/bin/env bash
# Builds a static LuaJIT without GC64 (31-bit GC pointers: all Lua objects below 2 GiB) from
# Debian's source package, into OUT. Cached: does nothing when OUT/lib/libluajit.a exists.
#   usage: build_luajit.sh OUT
set -euo pipefail
out=$1
[ -f "$out/lib/libluajit.a" ] && [ -x "$out/bin/luajit" ] && exit 0
mkdir -p "$out/src" "$out/lib" "$out/include" "$out/bin"

if ! ls -d "$out"/src/luajit-*/src >/dev/null 2>&1; then
  if ! apt-get source --print-uris luajit >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "build_luajit.sh: no deb-src entry for Debian; run setup.sh as root once" >&2
      exit 1
    fi
    bash "$(dirname "$0")/add_deb_src.sh"
  fi
  (cd "$out/src" && apt-get source -qq luajit 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)
fi
source_dir=$(ls -d "$out"/src/luajit-*/ | head -1)
make -s -C "$source_dir" -j "$(nproc)" XCFLAGS=-DLUAJIT_DISABLE_GC64 BUILDMODE=static >/dev/null
cp "$source_dir/src/libluajit.a" "$out/lib/"
cp "$source_dir/src/luajit" "$out/bin/"
for header in lua.h lualib.h lauxlib.h luaconf.h luajit.h lua.hpp; do cp "$source_dir/src/$header" "$out/include/"; done
"$out/bin/luajit" -e "assert(not require('ffi').abi('gc64'), 'LuaJIT was built with GC64')"
echo "LuaJIT without GC64 in $out"
