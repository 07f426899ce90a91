#!/bin/bash
# What a stack trace costs a real reload: Debian's nginx with the lua module, 300 locations that
# each load the CA bundle (as test/e2e/nginx_master.hpp), a master started with the preload
# shim's brk block so its reload falls back to mmap thousands of times. Each measurement starts
# a fresh master (a second reload of one master needs no new memory) and times its reload: from
# the "reconfiguring" line in its error log to the next "start worker process N" line. Cases,
# rounds interleaved, the median of the rounds:
#   untraced                nginx -s reload
#   stack                   ljmm-trace -q --stack -p MASTER -- nginx -s reload
#   stack-all               ljmm-trace -q --stack=all -p MASTER -- nginx -s reload
#   strace-k                strace -f -k --seccomp-bpf -e trace=mmap,munmap,mremap,brk -p MASTER
#                           (strace ignores --seccomp-bpf for -p, and says so)
# Run as root: bench/nginx_reload_cost.sh BUILD_DIR [ROUNDS] [LOCATIONS]
set -euo pipefail
build=${1:?usage: nginx_reload_cost.sh BUILD_DIR [ROUNDS] [LOCATIONS]}
rounds=${2:-3}
locations=${3:-300}
trace=$build/bin/ljmm-trace
shim=$build/lib/libljmm_preload.so
nginx=/usr/sbin/nginx
port=$((31000 + $$ % 1000))

write_config() {
  local dir=$1 i
  {
    echo "load_module /usr/lib/nginx/modules/ndk_http_module.so;"
    echo "load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;"
    echo "pid $dir/nginx.pid; error_log $dir/error.log notice;"
    echo "worker_processes 1; events { worker_connections 64; }"
    echo "http { access_log off;"
    for temp in client_body proxy fastcgi uwsgi scgi; do echo "  ${temp}_temp_path $dir/$temp;"; done
    echo "  server { listen 127.0.0.1:$port;"
    for ((i = 0; i < locations; i++)); do
      echo "    location /l$i { lua_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt; return 200; }"
    done
    echo "  }"
    echo "}"
  } >"$dir/nginx.conf"
}

wait_for() {  # FILE PATTERN COUNT: until PATTERN occurs COUNT times in FILE
  local tries=0
  until [ "$(grep -c "$2" "$1" 2>/dev/null || true)" -ge "$3" ]; do
    sleep 0.02
    tries=$((tries + 1))
    if [ $tries -gt 15000 ]; then echo "nginx_reload_cost: no '$2' in $1" >&2; exit 1; fi
  done
}

# Milliseconds the reload took in a fresh master, under the given case.
reload_ms() {
  local case=$1 dir master helper=0 t0 t1
  dir=$(mktemp -d /tmp/ljmm-nginx-bench.XXXXXX)
  write_config "$dir"
  env LD_PRELOAD="$shim" LJMM_RESERVE=brk-block "$nginx" -c "$dir/nginx.conf"
  wait_for "$dir/error.log" "start worker process [0-9]" 1
  master=$(cat "$dir/nginx.pid")
  # The signal sender parses the whole configuration too, before the master does.
  local reload=("$nginx" -q -s reload -c "$dir/nginx.conf")
  case $case in
    untraced) "${reload[@]}" 2>/dev/null ;;
    stack) "$trace" -q --stack --backend bpf -o /dev/null -p "$master" -- "${reload[@]}" 2>/dev/null & helper=$! ;;
    stack-all) "$trace" -q --stack=all --backend bpf -o /dev/null -p "$master" -- "${reload[@]}" 2>/dev/null & helper=$! ;;
    strace-k)
      strace -f -k --seccomp-bpf -qq -e trace=mmap,munmap,mremap,brk -o /dev/null -p "$master" 2>/dev/null & helper=$!
      until grep -q "TracerPid:[[:space:]]*[1-9]" "/proc/$master/status"; do sleep 0.01; done
      "${reload[@]}" 2>/dev/null
      ;;
  esac
  wait_for "$dir/error.log" reconfiguring 1
  t0=$(date +%s%N)
  wait_for "$dir/error.log" "start worker process [0-9]" 2
  t1=$(date +%s%N)
  if [ "$case" = strace-k ]; then kill -INT "$helper"; fi
  if [ "$helper" != 0 ]; then wait "$helper" || true; fi
  kill -QUIT "$master"
  while kill -0 "$master" 2>/dev/null; do sleep 0.05; done
  rm -rf "$dir"
  echo $(((t1 - t0) / 1000000))
}

source "$(dirname "$0")/rounds.sh"
measure() { reload_ms "$1"; }
cases=(untraced stack stack-all strace-k)
echo "nginx_reload_cost: load average $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r), $rounds rounds, $locations locations" >&2
run_rounds "$rounds"
print_medians case "reload ms" untraced
