# bash completion for ljmm-inspect, ljmm-trace, ljmm-check and ljmm-demo.
# Installed as /usr/share/bash-completion/completions/ljmm-{inspect,trace,check,demo}.

_ljmm_pids() {
  local pid pids=()
  for pid in /proc/[0-9]*; do pids+=("${pid#/proc/}"); done
  COMPREPLY+=($(compgen -W "${pids[*]} self" -- "$1"))
}

_ljmm_complete() {
  local tool=$1 current=${COMP_WORDS[COMP_CWORD]} previous=${COMP_WORDS[COMP_CWORD-1]}
  COMPREPLY=()
  local options values=""
  case $tool in
    ljmm-inspect)
      options="--smaps --json --format --findings-only --no-regions --color --width --demo --demo-mode
               --fail-on --maps --snapshot --core --recording --pid --at --timeline --interval --coredump
               --journal-file --journal-dir --diff --all --comm
               --exe --user --cgroup --per-process --output --verbose --help --version"
      case $previous in
        --format) values="text json prometheus svg html" ;;
        --color) values="auto always never" ;;
        --demo-mode) values="brk-hole plain threads" ;;
        --fail-on) values="info warning error" ;;
        --maps|--snapshot|--core|--recording|--journal-file|--diff|--output|--exe) COMPREPLY=($(compgen -f -- "$current")); return ;;
        --pid|--at|--interval) return ;;
        --journal-dir) COMPREPLY=($(compgen -d -- "$current")); return ;;
        --coredump) return ;;
        --user) COMPREPLY=($(compgen -u -- "$current")); return ;;
        --width|--comm|--cgroup) return ;;
      esac ;;
    ljmm-trace)
      # After "--", complete the command to run.
      local i
      for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == "--" ]]; then COMPREPLY=($(compgen -c -- "$current")); return; fi
      done
      options="-p --pid -a --all --comm --uid --cgroup --interval -d --duration --grace --idle --json -q --quiet
               -o --output --record -e --calls --stack --stack-size --stack-depth -x --failed --no-follow --backend --attach --ring-size --max-processes --max-threads --top --folded -v --verbose --color --help
               --version --"
      case $previous in
        -p|--pid) _ljmm_pids "$current"; return ;;
        --backend) values="auto bpf ptrace" ;;
        --attach) values="auto fexit tracepoint tp_btf" ;;
        --color) values="auto always never" ;;
        -o|--output|--record) COMPREPLY=($(compgen -f -- "$current")); return ;;
        -e|--calls) values="%layout %map %protect %advise %lock mmap munmap mremap brk mprotect pkey_mprotect madvise
                            process_madvise mlock mlock2 munlock mlockall munlockall mseal shmat shmdt remap_file_pages
                            mbind" ;;
        --uid) COMPREPLY=($(compgen -u -- "$current")); return ;;
        -d|--duration|--grace|--idle|--ring-size|--max-processes|--max-threads|--top|--comm|--cgroup|--interval|--stack-size|--stack-depth) return ;;
      esac ;;
    ljmm-check)
      options="-r --rules --json --junit --after --wait-for-file --settle --timeout --smaps --maps --snapshot --core
               --recording --pid --at
               --color --help --version"
      case $previous in
        -r|--rules|--junit|--wait-for-file|--maps|--snapshot|--core|--recording) COMPREPLY=($(compgen -f -- "$current")); return ;;
        --pid|--at) return ;;
        --color) values="auto always never" ;;
        --after|--timeout|--settle) return ;;
      esac ;;
    ljmm-demo)
      if ((COMP_CWORD == 1)); then COMPREPLY=($(compgen -W "brk-hole plain threads" -- "$current")); return; fi
      options="--mib --threads --no-wait" ;;
  esac
  if [[ -n $values ]]; then
    COMPREPLY=($(compgen -W "$values" -- "$current"))
  elif [[ $current == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$current"))
  elif [[ $tool != ljmm-demo ]]; then
    _ljmm_pids "$current"
  fi
}

_ljmm_inspect() { _ljmm_complete ljmm-inspect; }
_ljmm_trace() { _ljmm_complete ljmm-trace; }
_ljmm_check() { _ljmm_complete ljmm-check; }
_ljmm_demo() { _ljmm_complete ljmm-demo; }
complete -F _ljmm_inspect ljmm-inspect
complete -F _ljmm_trace ljmm-trace
complete -F _ljmm_check ljmm-check
complete -F _ljmm_demo ljmm-demo
