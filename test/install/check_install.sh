#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds programs against it with CMake's
# find_package(ljmm) and with pkg-config: ljmm::ljmm (tracing too) and ljmm::core (the model
# alone), shared and static. All must run, and the model alone must not pull in libbpf or libelf.
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build_dir" --prefix "$prefix" > /dev/null
grep -v '^#' "$source_dir/installed_files" | while read -r file; do
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
# The model alone: find_package with ljmm::core and ljmm::core_static.
cmake -S "$source_dir/core_consumer" -B "$prefix/core-build" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$prefix/core-build" > /dev/null
for program in core_consumer core_consumer_static; do
  LD_LIBRARY_PATH=$libdir "$prefix/core-build/$program" | grep -q "parsed 2 regions"
done
needed=$(LD_LIBRARY_PATH=$libdir ldd "$prefix/core-build/core_consumer")
echo "$needed" | grep -q "libljmm-core.so" || { echo "core_consumer does not use libljmm-core.so"; exit 1; }
if echo "$needed" | grep -E "libbpf|libelf|libdw"; then echo "ljmm::core pulls in libbpf, libelf or libdw"; exit 1; fi
if LD_LIBRARY_PATH=$libdir ldd "$prefix/core-build/core_consumer_static" | grep -E "libljmm|libbpf|libelf|libdw"; then
  echo "the static core consumer needs more than fmt"; exit 1
fi
# A static link by hand needs the archive and fmt, nothing else.
g++ -std=c++20 "$source_dir/core_consumer/main.cpp" -I"$prefix/include" -o "$prefix/core-by-hand" \
    "$libdir/libljmm-core.a" -lfmt
"$prefix/core-by-hand" | grep -q "parsed 2 regions"
core_libs=$(pkg-config --libs ljmm-core)
case "$core_libs" in
  *-lljmm-core*) ;;
  *) echo "pkg-config --libs ljmm-core: $core_libs"; exit 1 ;;
esac
if echo "$core_libs" | grep -E "bpf|elf|-ldw"; then echo "pkg-config --libs ljmm-core: $core_libs"; exit 1; fi
g++ -std=c++20 "$source_dir/core_consumer/main.cpp" -o "$prefix/core-pkgconfig" $(pkg-config --cflags --libs ljmm-core)
LD_LIBRARY_PATH=$libdir "$prefix/core-pkgconfig" | grep -q "parsed 2 regions"
g++ -std=c++20 -static-libstdc++ "$source_dir/core_consumer/main.cpp" -o "$prefix/core-pkgconfig-static" \
    $(pkg-config --cflags ljmm-core) "$libdir/libljmm-core.a" $(pkg-config --static --libs-only-l ljmm-core | sed 's/-lljmm-core//')
"$prefix/core-pkgconfig-static" | grep -q "parsed 2 regions"
"$prefix/bin/ljmm-inspect" --version | grep -q "ljmm-inspect"
grep -q "^ExecStart=$prefix/bin/ljmm-inspect " "$prefix/share/ljmm/systemd/ljmm-textfile.service" ||
  { echo "the systemd service does not name the installed ljmm-inspect"; exit 1; }
# No empty folders: every installed directory holds something.
empty=$(find "$prefix" -type d -empty -not -path "*/consumer-build*" -not -path "*/core-build*")
[ -z "$empty" ] || { echo "empty directories installed: $empty"; exit 1; }
echo "installed tree works with find_package and pkg-config, ljmm::ljmm and ljmm::core, shared and static"
