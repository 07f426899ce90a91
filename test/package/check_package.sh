#!/usr/bin/env bash
# Makes the Debian package from a built tree (cpack, into a temporary folder), checks it with
# lintian, unpacks it into a scratch root with dpkg -x and runs the tools from there: the
# installed ljmm-inspect on the installed demo, against the installed libraries.
#
#   check_package.sh BUILD_DIR CPACK
#
# Exit code 77 (skip) when lintian, file or dpkg-dev is missing, except under CI=true: a failure.
set -euo pipefail
build_dir=$(cd "$1" && pwd)
cpack=$2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

for tool in dpkg-deb dpkg-shlibdeps file lintian; do
  if ! command -v "$tool" > /dev/null; then
    [ "${CI:-}" = "true" ] && fail "$tool is missing (CI=true: the package test must run)"
    echo "SKIP: $tool is missing (Debian packages dpkg-dev, file and lintian)"
    exit 77
  fi
done

"$cpack" --config "$build_dir/CPackConfig.cmake" -B "$work/out" > "$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack"; }
deb=$(find "$work/out" -maxdepth 1 -name "ljmm_*_amd64.deb")
[ -n "$deb" ] || fail "no ljmm_VERSION_amd64.deb in $work/out"
lintian --fail-on error "$deb" || fail "lintian reports errors in $(basename "$deb")"

# Depends is dpkg-shlibdeps' work: versioned, and naming the libraries the tools link.
depends=$(dpkg-deb -f "$deb" Depends)
for library in 'libc6 \(>= ' 'libbpf[0-9]' 'libdw[0-9]' 'libfmt[0-9]'; do
  echo "$depends" | grep -Eq "$library" || fail "Depends does not name $library: $depends"
done
# The libraries the tools open when a command needs them are Recommends: shlibdeps cannot see them.
recommends=$(dpkg-deb -f "$deb" Recommends)
for library in libsystemd0 libzstd1 liblzma5 liblz4-1; do
  echo "$recommends" | grep -q "$library" || fail "Recommends does not name $library: $recommends"
done

root=$work/root
dpkg -x "$deb" "$root"
grep -v '^#' "$source_dir/install/installed_files" | while read -r file; do
  found=$(find "$root/usr" \( -path "*/$file" -o -path "*/$file.gz" \) | head -1)
  [ -n "$found" ] || fail "not in the package: $file"
done
[ -f "$root/usr/share/doc/ljmm/changelog.gz" ] || fail "no changelog.gz"
grep -q "^ExecStart=/usr/bin/ljmm-inspect " "$root/usr/share/ljmm/systemd/ljmm-textfile.service" ||
  fail "the systemd service does not name /usr/bin/ljmm-inspect"

# The installed programs must find everything they need in the scratch root or the system,
# nothing in the build tree.
libdir=$(dirname "$(find "$root" -name libljmm.so.0)")
export LD_LIBRARY_PATH=$libdir
for program in "$root"/usr/bin/* "$libdir"/*.so.*; do
  needed=$(ldd "$program")
  if echo "$needed" | grep -E "not found|$build_dir"; then fail "$program: libraries not from the package"; fi
done
grep -q "libljmm-core.so.0 => $libdir/" <<<"$(ldd "$libdir/libljmm.so.0")" || fail "libljmm.so.0 does not use the packaged libljmm-core"

for tool in ljmm-inspect ljmm-trace ljmm-check; do
  "$root/usr/bin/$tool" --version | grep -q "$tool" || fail "$tool --version"
done
# ljmm-inspect --demo starts the ljmm-demo installed beside it.
output=$("$root/usr/bin/ljmm-inspect" --demo --findings-only) || fail "ljmm-inspect --demo: exit code $?"
echo "$output" | grep -q "brk-blocked" || fail "ljmm-inspect --demo did not find the blocked brk: $output"
echo "$(basename "$deb"): lintian clean of errors, Depends: $depends; the installed ljmm-inspect finds the demo's blocked brk"
