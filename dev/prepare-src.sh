#!/bin/bash
# Prepare the patched kernel tree in $SRC: unpack Debian's linux-source-6.12,
# apply patches/ (reversing an older applied set first), and sync the overlay.
# Only files whose content changes are touched, so kernel rebuilds stay
# incremental.
set -euo pipefail

SRC=${SRC:?}
TARBALL=/usr/src/linux-source-6.12.tar.xz
TOP=$(cd "$(dirname "$0")/.." && pwd)

# Paths this project adds to the kernel tree.
OVERLAY="kernel/checkpoint include/linux/checkpoint.h
include/uapi/linux/checkpoint.h arch/x86/checkpoint fs/checkpoint.c
mm/checkpoint.c tools/testing/selftests/cr Documentation/checkpoint"

if [ ! -f "$SRC/Makefile" ]; then
	echo "  UNPACK  $TARBALL"
	tmp=$(dirname "$SRC")/.unpack.$$
	mkdir -p "$tmp"
	tar -xf "$TARBALL" -C "$tmp"
	mv "$tmp/linux-source-6.12" "$SRC"
	rmdir "$tmp"
fi

# patches/ as applied last time lives in $SRC/.cr-patches; swap it if stale.
applied="$SRC/.cr-patches"
if ! diff -rq "$TOP/patches" "$applied" >/dev/null 2>&1; then
	if [ -d "$applied" ]; then
		for p in $(ls -r "$applied"/*.patch 2>/dev/null); do
			echo "  UNPATCH $(basename "$p")"
			patch -s -R -p1 -d "$SRC" < "$p"
		done
		rm -rf "$applied"
	fi
	mkdir -p "$applied.new"
	for p in "$TOP"/patches/*.patch; do
		[ -e "$p" ] || continue
		echo "  PATCH   $(basename "$p")"
		patch -s -p1 -N -d "$SRC" < "$p"
		cp "$p" "$applied.new/"
	done
	mv "$applied.new" "$applied"
fi

for path in $OVERLAY; do
	[ -e "$TOP/$path" ] || continue
	if [ -d "$TOP/$path" ]; then
		mkdir -p "$SRC/$path"
		rsync -rc --delete --exclude='*.o' "$TOP/$path/" "$SRC/$path/"
	else
		rsync -c "$TOP/$path" "$SRC/$path"
	fi
done
