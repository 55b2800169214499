#!/bin/bash
# Prepare the patched kernel tree in $SRC: unpack Debian's linux-source-6.12,
# apply the edits of upstream files that patches/SERIES lists (reversing
# an older applied set first), and sync the overlay.
# Only files whose content changes are touched, so kernel rebuilds stay
# incremental.
set -euo pipefail

SRC=${SRC:?}
TARBALL=/usr/src/linux-source-6.12.tar.xz
TOP=$(cd "$(dirname "$0")/.." && pwd)

# Paths this project adds to the kernel tree.
OVERLAY="kernel/checkpoint include/linux/checkpoint.h
include/uapi/linux/checkpoint.h arch/x86/checkpoint fs/checkpoint.c
mm/checkpoint.c net/unix/checkpoint.c ipc/checkpoint.c ipc/mq_checkpoint.c
security/checkpoint tools/testing/selftests/cr Documentation/checkpoint"

if [ ! -f "$SRC/Makefile" ]; then
	echo "  UNPACK  $TARBALL"
	tmp=$(dirname "$SRC")/.unpack.$$
	mkdir -p "$tmp"
	tar -xf "$TARBALL" -C "$tmp"
	mv "$tmp/linux-source-6.12" "$SRC"
	rmdir "$tmp"
fi

# The upstream edits, in the order patches/SERIES gives them, as applied
# last time live in $SRC/.cr-patches, numbered. Keep the longest unchanged
# prefix; reverse the rest and apply what follows it.
applied="$SRC/.cr-patches"
mkdir -p "$applied"
old=($(cd "$applied" && ls 2>/dev/null | sort || true))
new=() i=0
for d in $(sed -n 's/^diff://p' "$TOP/patches/SERIES"); do
	i=$((i + 1))
	new+=("$(printf %03d $i)-$(basename "$d")")
done
src_of() { echo "$TOP/patches/${1#*-}"; }
keep=0
while [ $keep -lt ${#old[@]} ] && [ $keep -lt ${#new[@]} ] &&
      [ "${old[$keep]}" = "${new[$keep]}" ] &&
      cmp -s "$applied/${old[$keep]}" "$(src_of "${new[$keep]}")"; do
	keep=$((keep + 1))
done
for ((i = ${#old[@]} - 1; i >= keep; i--)); do
	echo "  UNPATCH ${old[$i]}"
	patch -s -R -p1 --no-backup-if-mismatch -d "$SRC" < "$applied/${old[$i]}"
	rm "$applied/${old[$i]}"
done
for ((i = keep; i < ${#new[@]}; i++)); do
	echo "  PATCH   ${new[$i]}"
	patch -s -p1 -N --no-backup-if-mismatch -d "$SRC" < "$(src_of "${new[$i]}")"
	cp "$(src_of "${new[$i]}")" "$applied/${new[$i]}"
done

for path in $OVERLAY; do
	[ -e "$TOP/$path" ] || continue
	if [ -d "$TOP/$path" ]; then
		mkdir -p "$SRC/$path"
		rsync -rc --delete --exclude='*.o' "$TOP/$path/" "$SRC/$path/"
	else
		rsync -c "$TOP/$path" "$SRC/$path"
	fi
done
