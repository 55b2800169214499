#!/bin/bash
# build-kernel.sh OUTDIR FRAGMENT... : bzImage from tinyconfig plus fragments.
set -euo pipefail

SRC=${SRC:?}
out=$1; shift
frags=()
for f in "$@"; do frags+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
set -- "${frags[@]}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=$(nproc)
cc=gcc
if command -v ccache >/dev/null; then
	cc="ccache gcc"
	# Hash paths relative to the checkout, so that clones share the cache.
	export CCACHE_BASEDIR=$(cd "$SRC/../.." && pwd) CCACHE_NOHASHDIR=true
fi

stamp="$out/.cr-config-inputs"
inputs=$(cat "$@" | sha256sum)
if [ ! -f "$out/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$inputs" ]; then
	echo "  CONFIG  $out: tinyconfig + $*"
	make -s -C "$SRC" O="$out" CC="$cc" tinyconfig
	(cd "$SRC" && KCONFIG_CONFIG="$out/.config" \
		scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "$@" >/dev/null)
	make -s -C "$SRC" O="$out" CC="$cc" olddefconfig
	# Every option a fragment asks for must have survived olddefconfig;
	# a later fragment overrides an earlier one, as in merge_config.sh.
	bad=0
	while IFS= read -r line; do
		case "$line" in
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
			grep -q "^$opt=" "$out/.config" && { echo "config: $line not honoured" >&2; bad=1; } ;;
		CONFIG_*=n) opt=${line%%=*}
			grep -q "^$opt=" "$out/.config" && { echo "config: $line not honoured" >&2; bad=1; } ;;
		CONFIG_*) grep -qx "$line" "$out/.config" || { echo "config: $line not honoured" >&2; bad=1; } ;;
		esac
	done < <(cat "$@" | sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1 &/p; s/^# \(CONFIG_[A-Z0-9_]*\) is not set/\1 &/p' |
		 awk '{ k = $1; sub(/^[^ ]* /, ""); v[k] = $0; if (!(k in o)) o[k] = ++n; ok[o[k]] = k }
		      END { for (i = 1; i <= n; i++) print v[ok[i]] }')
	[ $bad = 0 ] || exit 1
	echo "$inputs" > "$stamp"
fi
# Options that a changed Kconfig file brings take their defaults.
make -s -C "$SRC" O="$out" CC="$cc" olddefconfig
make -s -C "$SRC" O="$out" CC="$cc" -j"$jobs" bzImage ${KBUILD_EXTRA:-}
