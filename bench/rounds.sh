# Rounds interleaved and their medians, shared by the bench scripts. A script defines
# `measure CASE` (prints one number; a case of two words is passed as two arguments) and the
# array `cases`, then calls `run_rounds N`: results[CASE] holds the case's numbers in round order.
declare -A results
run_rounds() {
  local round entry
  for ((round = 0; round < $1; round++)); do
    # shellcheck disable=SC2086  # "one-self tp_btf" is two arguments
    for entry in "${cases[@]}"; do results[$entry]+="$(measure $entry) "; done
  done
}

# The median of numbers separated by spaces ("3 1 2" -> 2).
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# A divided by B, two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# A line per case: its median, its ratio to the median of case BASE, and every round.
# print_medians CASE_HEADER UNIT BASE
print_medians() {
  local base m entry
  base=$(median "${results[$3]}")
  printf '%-12s %12s %8s   %s\n' "$1" "$2" ratio "all rounds"
  for entry in "${cases[@]}"; do
    m=$(median "${results[$entry]}")
    printf '%-12s %12s %8s   %s\n' "$entry" "$m" "$(ratio "$m" "$base")" "${results[$entry]}"
  done
}
