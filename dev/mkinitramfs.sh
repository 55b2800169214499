#!/bin/bash
# mkinitramfs.sh OUT SELFTESTS_DIR DEMO_DIR [PROGRAM...]: busybox, the
# selftests and the demo; and host programs, with the libraries they load.
set -euo pipefail
out=$1 tests=$2 demo=$3
top=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
mkdir -p "$root"/{bin,proc,sys,dev,tmp,root,etc,usr/bin}
# kselftest's runner wants GNU timeout's --foreground; busybox's has none.
printf '#!/bin/sh\n[ "$1" = --foreground ] && shift\nexec /bin/busybox timeout "$@"\n' \
	> "$root/usr/bin/timeout"
chmod +x "$root/usr/bin/timeout"
cp /bin/busybox "$root/bin/busybox"
cp "$top/dev/guest-init.sh" "$root/init"
cp -r "$tests" "$root/kselftest"
cp "$demo"/* "$root/"
shift 3
for prog in "$@"; do
	for f in "$prog" $(ldd "$prog" | grep -o '/[^ ]*'); do
		mkdir -p "$root/$(dirname "$f")"
		cp -L "$f" "$root/$f"
	done
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/false" >> "$root/etc/passwd"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
