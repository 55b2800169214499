#!/bin/bash
# bench.sh KERNEL_Y KERNEL_N INITRD: the cost of CONFIG_CHECKPOINT for tasks
# that are never checkpointed. Boots the two kernels in turn, ROUNDS times
# each, runs cr_bench in each boot, and prints, per loop, the best ns per
# iteration of each kernel and their ratio. Results go to build/bench.txt.
set -euo pipefail
ky=$1 kn=$2 initrd=$3
rounds=${ROUNDS:-3} iters=${ITERS:-20000}
top=$(cd "$(dirname "$0")/.." && pwd)
raw=$top/build/bench.raw
: > "$raw"
for r in $(seq "$rounds"); do
	for k in y n; do
		kernel=$ky; [ $k = n ] && kernel=$kn
		echo "  BENCH   CONFIG_CHECKPOINT=$k, round $r/$rounds" >&2
		"$top/dev/run-guest.sh" "$kernel" "$initrd" bench "$iters" |
			tr -d '\r' | sed -n '/CR-BENCH-BEGIN/,/CR-BENCH-END/p' |
			grep -E "^[a-z][^ ]* +[0-9.]+$" | sed "s/^/$k /" >> "$raw"
	done
done
awk -v rounds="$rounds" -v iters="$iters" '
	{ k = $1; name = $2; v = $3
	  if (!(name in order)) { order[name] = ++n; names[n] = name }
	  if (!((k, name) in best) || v < best[k, name]) best[k, name] = v }
	END {
		printf "%d boots per kernel, alternating; %d iterations x 5 runs per boot;\n", rounds, iters
		printf "best ns per iteration.\n\n"
		printf "%-18s %12s %12s %8s\n", "loop", "CHECKPOINT=y", "CHECKPOINT=n", "y/n"
		for (i = 1; i <= n; i++) {
			m = names[i]
			printf "%-18s %12.1f %12.1f %8.3f\n", m, best["y", m], best["n", m],
			       best["y", m] / best["n", m]
		}
	}' "$raw" | tee "$top/build/bench.txt"
