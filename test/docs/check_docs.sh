#!/usr/bin/env bash
# The manual pages render without a groff warning, the bash completion completes, every tool's
# --help has examples, and the guides' ljmm-inspect commands use options it has.
# usage: check_docs.sh SOURCE_DIR BIN_DIR
set -euo pipefail
source_dir=$1
bin_dir=$2
for page in "$source_dir"/docs/man/*.[0-9]; do
  warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
  [ -z "$warnings" ] || { echo "$page: $warnings"; exit 1; }
done

source "$source_dir/docs/completion/ljmm.bash"
complete_words() {  # complete_words WORD... -> what completion offers for the last word
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  "_$(echo "$1" | tr - _)"
  echo "${COMPREPLY[*]}"
}
[ "$(complete_words ljmm-inspect --form)" = "--format" ] || { echo "ljmm-inspect --form"; exit 1; }
[ "$(complete_words ljmm-inspect --format sv)" = "svg" ] || { echo "--format sv"; exit 1; }
[ "$(complete_words ljmm-inspect --format ht)" = "html" ] || { echo "--format ht"; exit 1; }
[ "$(complete_words ljmm-trace --backend pt)" = "ptrace" ] || { echo "--backend pt"; exit 1; }
[[ " $(complete_words ljmm-trace -p "$$") " == *" $$ "* ]] || { echo "-p PID"; exit 1; }
[[ " $(complete_words ljmm-trace -- bas) " == *" bash "* ]] || { echo "command after --"; exit 1; }
[ "$(complete_words ljmm-demo br)" = "brk-hole" ] || { echo "ljmm-demo br"; exit 1; }

for tool in ljmm-inspect ljmm-trace ljmm-check; do
  # Read whole first: grep -q stops at the match, and the tool's write into a closed pipe would
  # fail the pipeline (pipefail).
  help=$("$bin_dir/$tool" --help)
  grep -q "^Examples:" <<<"$help" || { echo "$tool --help has no examples"; exit 1; }
  # Every option --help lists, the completion offers.
  offered=" $(complete_words "$tool" --) "
  for option in $(grep -oE '^ +(-[a-zA-Z],)?--[a-z][a-z0-9-]*' <<<"$help" | grep -oE -- '--[a-z][a-z0-9-]*'); do
    [[ $offered == *" $option "* ]] || { echo "$tool: the completion does not offer $option"; exit 1; }
  done
done
# The commands the guides show (lines of code starting "ljmm-inspect ", up to a comment) use
# options ljmm-inspect has.
inspect_help=$("$bin_dir/ljmm-inspect" --help)
for option in $(grep -ohE '^ljmm-inspect .*' "$source_dir/docs/user-guide.md" "$source_dir/docs/html.md" |
                sed -E 's/(  |#|`).*//' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
  grep -qE -- "^ +(-[a-zA-Z],)?$option\b" <<<"$inspect_help" || { echo "the guides show ljmm-inspect $option, which --help has not"; exit 1; }
done
echo "man pages, completion, --help and the guides' commands are fine"
