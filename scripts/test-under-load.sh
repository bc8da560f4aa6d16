#!/usr/bin/env bash
# Runs the README's test command while one busy loop per core keeps the
# machine loaded, to prove that no test depends on how busy the machine is.
# The loops are stopped by their PIDs however the run ends.
set -uo pipefail
cd "$(dirname "$0")/.."

cores=$(nproc)
pids=()
stop_loops() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait "${pids[@]}" 2>/dev/null
}
trap stop_loops EXIT INT TERM

for _ in $(seq 1 "$cores"); do
  ( while :; do :; done ) &
  pids+=("$!")
done
echo "test-under-load: ${#pids[@]} busy loops (PIDs ${pids[*]}) on $cores cores"

npx -y pnpm@10 test
status=$?
echo "test-under-load: the test command exited $status"
exit "$status"
