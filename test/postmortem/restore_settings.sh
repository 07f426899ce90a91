#!/usr/bin/env bash
# CTest cleanup of the post-mortem tests: puts back the kernel settings a core test changed when
# that test could not (it died). Each line of the saved file is "PATH VALUE".
#   usage: restore_settings.sh WORK_DIR
set -euo pipefail
saved=$1/kernel_settings.saved
[ -f "$saved" ] || exit 0
while read -r path value; do
  printf '%s\n' "$value" > "$path"
  echo "restored $path to $value"
done < "$saved"
rm -f "$saved"
