#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds two programs against it: one with
# CMake's find_package(ljmm), one with pkg-config. Both must run.
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build_dir" --prefix "$prefix" > /dev/null
for file in bin/ljmm-inspect bin/ljmm-trace bin/ljmm-check bin/ljmm-demo include/ljmm/analysis.hpp include/ljmm/version.hpp \
            include/ljmm/runtime.h lib/libljmm.a lib/libljmm.so lib/cmake/ljmm/ljmmConfig.cmake lib/pkgconfig/ljmm.pc \
            lib/libljmm_runtime.a lib/libljmm_preload.so lib/ljmm/ljmm.o \
            share/man/man1/ljmm-inspect.1 share/man/man1/ljmm-trace.1 share/man/man1/ljmm-check.1 \
            share/man/man3/ljmm-runtime.3 share/bash-completion/completions/ljmm-trace; do
  found=$(find "$prefix" -path "*/$file" | head -1)
  [ -n "$found" ] || { echo "not installed: $file"; exit 1; }
done

cmake -S "$source_dir/consumer" -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$prefix/consumer-build" > /dev/null
libdir=$(dirname "$(find "$prefix" -name libljmm.so | head -1)")
LD_LIBRARY_PATH=$libdir "$prefix/consumer-build/consumer" | grep -q "block in s5"

export PKG_CONFIG_PATH=$libdir/pkgconfig
g++ -std=c++20 "$source_dir/consumer/main.cpp" -o "$prefix/consumer-pkgconfig" $(pkg-config --cflags --libs ljmm)
LD_LIBRARY_PATH=$libdir "$prefix/consumer-pkgconfig" | grep -q "block in s5"
"$prefix/bin/ljmm-inspect" --version | grep -q "ljmm-inspect"
echo "installed tree works with find_package and pkg-config"
