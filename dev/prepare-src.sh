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

# patches/ as applied last time lives in $SRC/.cr-patches. Keep the
# longest unchanged prefix; reverse the rest and apply what follows it.
applied="$SRC/.cr-patches"
mkdir -p "$applied"
old=($(cd "$applied" && ls *.patch 2>/dev/null || true))
new=($(cd "$TOP/patches" && ls *.patch 2>/dev/null || true))
# A patch whose diff is the same, its changelog changed or not, is kept.
diff_of() { sed -n '/^diff --git /,$p' "$1"; }
keep=0
while [ $keep -lt ${#old[@]} ] && [ $keep -lt ${#new[@]} ] &&
      [ "${old[$keep]}" = "${new[$keep]}" ] &&
      cmp -s <(diff_of "$applied/${old[$keep]}") \
	     <(diff_of "$TOP/patches/${new[$keep]}"); do
	cp "$TOP/patches/${new[$keep]}" "$applied/"
	keep=$((keep + 1))
done
for ((i = ${#old[@]} - 1; i >= keep; i--)); do
	echo "  UNPATCH ${old[$i]}"
	patch -s -R -p1 -d "$SRC" < "$applied/${old[$i]}"
	rm "$applied/${old[$i]}"
done
for ((i = keep; i < ${#new[@]}; i++)); do
	echo "  PATCH   ${new[$i]}"
	patch -s -p1 -N -d "$SRC" < "$TOP/patches/${new[$i]}"
	cp "$TOP/patches/${new[$i]}" "$applied/"
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
