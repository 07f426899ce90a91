#!/usr/bin/env bash
# Set-up for a Debian 12 machine, as root: installs the Debian packages ljmm needs, builds it,
# then runs the demo or the whole test suite, or makes the Debian package.
#
#   bash setup.sh demo      install, build, inspect the brk-hole demo process
#   bash setup.sh test      install, build, run every test (CTest)
#   bash setup.sh build     install and build only
#   bash setup.sh package   install, build, make ljmm_VERSION_amd64.deb in the build folder
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${LJMM_BUILD_DIR:-build}
SANITIZE_DIR=${LJMM_SANITIZE_DIR:-build-sanitize}
JOBS=$(nproc)

# What building the model's library, ljmm-inspect and ljmm-check needs (the demo installs only
# these) ...
core_packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libcli11-dev libfmt-dev nlohmann-json3-dev zlib1g-dev
  libsystemd-dev libzstd-dev liblzma-dev liblz4-dev
)
# ... what the tracing library and ljmm-trace add: the BPF programs' compiler and skeletons ...
trace_packages=(libelf-dev libdw-dev libbpf-dev bpftool clang llvm)
build_packages=("${core_packages[@]}" "${trace_packages[@]}")
# ... what making the Debian package adds: dpkg-shlibdeps, and file, with which CPack finds the
# binaries whose dependencies it computes ...
package_packages=(dpkg-dev file)
# ... and what the tests and benchmarks add: real programs to test against, the checkers, and
# QEMU with busybox for the tests in guests booted with Debian's kernels (test/vm/), headless
# Chromium for the HTML pages (test/browser/, driven over its DevTools pipe by python3 alone), and
# gdb (gcore), systemd-journal-remote and the compressors for the post-mortem tests.
test_packages=(
  googletest libgtest-dev libbenchmark-dev
  python3 python3-jsonschema util-linux procps dpkg-dev binutils lintian
  nginx libnginx-mod-http-lua strace
  python3-prometheus-client prometheus-node-exporter prometheus librsvg2-bin libclang-rt-14-dev groff-base
  qemu-system-x86 busybox-static xz-utils
  chromium fonts-dejavu-core
  gdb systemd-journal-remote zstd lz4
)

# Each step says how long the set-up has run (bash's SECONDS), so a slow step shows in any log.
say() { printf '\033[1msetup:\033[0m [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

# install_packages PACKAGE...: installs those not installed yet.
install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages already installed"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages (${missing[*]}); run as root to install them" >&2
    exit 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# LuaJIT without GC64 for the runtime tests is built from Debian's source package.
enable_debian_sources() {
  if [ "$(id -u)" -eq 0 ]; then bash test/luajit/add_deb_src.sh; fi
}

configure() {
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
}

build() {
  say "building in $BUILD_DIR"
  configure -DLJMM_BUILD_TRACE=ON -DLJMM_BUILD_TESTS=ON
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

# The demo runs ljmm-inspect on ljmm-demo and needs nothing else: no tracing, no LuaJIT, no
# tests; built optimized without debug information, each layer as one unit (the heavy headers
# once per layer, not once per file). Its own folder, so the full build's settings stay.
DEMO_DIR=${LJMM_DEMO_DIR:-build-demo}
build_demo() {
  say "building ljmm-inspect and ljmm-demo in $DEMO_DIR"
  cmake -S . -B "$DEMO_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD=ON \
    -DLJMM_BUILD_TRACE=OFF -DLJMM_BUILD_TESTS=OFF >/dev/null
  cmake --build "$DEMO_DIR" -j "$JOBS" --target ljmm-inspect ljmm-demo
}

# The Debian package of the libraries and the tools, packed by CPack from the build tree.
make_package() {
  say "building in $BUILD_DIR"
  configure -DLJMM_BUILD_TRACE=ON -DLJMM_BUILD_TESTS=OFF
  cmake --build "$BUILD_DIR" -j "$JOBS"
  say "making the Debian package"
  (cd "$BUILD_DIR" && cpack > /dev/null)
  local deb
  deb=$(realpath "$(ls -t "$BUILD_DIR"/ljmm_*_amd64.deb | head -1)")
  say "made $deb"
  say "install it with: apt install $deb"
}

# Every test, two at a time: the two guests booted with Debian's kernels start first (their COST;
# each is one host thread with most of ten minutes of work), the rest fill the other slot.
run_tests() {
  say "running the test suite (the guests with Debian's kernels first)"
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 600
}

# The library and the tools again with AddressSanitizer and UndefinedBehaviorSanitizer (clang):
# their unit tests, and the normal build's end-to-end tests run against the sanitized tools
# (test/CMakeLists.txt), plus the libFuzzer targets for a bounded time and the runtime's stress
# test under ThreadSanitizer.
build_sanitized() {
  CC=clang CXX=clang++ cmake -S . -B "$SANITIZE_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLJMM_SANITIZE=ON -DLJMM_FUZZ=ON -DLJMM_BUILD_BENCH=OFF -DLJMM_TEST_PROGRAMS_FROM="$PWD/$BUILD_DIR" >/dev/null
  cmake --build "$SANITIZE_DIR" -j "$JOBS"
}

# The sanitizer build beside the normal suite, at idle priority (SCHED_IDLE): the suite leaves
# the processors idle for much of its time (the guests wait out RCU grace periods as programs
# attach and detach, tests wait for their processes), and a task of that class runs only then.
# In a process group of its own, stopped if this script stops first; its output goes to a log,
# shown if it fails.
start_sanitized_build() {
  say "building with ASan, UBSan and the fuzzers in $SANITIZE_DIR (clang), at idle priority, beside the suite"
  mkdir -p "$SANITIZE_DIR"
  setsid chrt --idle 0 bash setup.sh sanitized-build </dev/null >"$SANITIZE_DIR/build.log" 2>&1 &
  sanitized_build=$!
  trap 'kill -- -"$sanitized_build" 2>/dev/null || true' EXIT
}

finish_sanitized_build() {
  say "waiting for the sanitizer build"
  if ! wait "$sanitized_build"; then
    tail -n 60 "$SANITIZE_DIR/build.log" >&2
    say "the sanitizer build failed (whole log: $SANITIZE_DIR/build.log)"
    return 1
  fi
}

run_sanitized_tests() {
  say "running the test suite under the sanitizers, and the fuzzers"
  ctest --test-dir "$SANITIZE_DIR" --output-on-failure -j "$JOBS" --timeout 900
}

case "${1:-}" in
  demo)
    install_packages "${core_packages[@]}"
    build_demo
    say "inspecting a process whose malloc cannot use brk any more"
    "$DEMO_DIR/bin/ljmm-inspect" --demo
    ;;
  test)
    install_packages "${build_packages[@]}" "${package_packages[@]}" "${test_packages[@]}"
    enable_debian_sources
    build
    start_sanitized_build
    run_tests
    finish_sanitized_build
    run_sanitized_tests
    ;;
  build)
    install_packages "${build_packages[@]}" "${package_packages[@]}" "${test_packages[@]}"
    enable_debian_sources
    build
    ;;
  sanitized-build)  # start_sanitized_build's
    build_sanitized
    ;;
  package)
    install_packages "${build_packages[@]}" "${package_packages[@]}"
    make_package
    ;;
  *)
    echo "usage: bash setup.sh demo|test|build|package" >&2
    exit 2
    ;;
esac
