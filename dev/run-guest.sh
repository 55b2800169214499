#!/bin/bash
# run-guest.sh KERNEL INITRD MODE [TESTS]: boot the guest under QEMU (TCG).
# MODE check writes build/<name>.console and build/<name>.tap and checks them.
set -uo pipefail
kernel=$1 initrd=$2 mode=$3 tests=${4:-}
top=$(cd "$(dirname "$0")/.." && pwd)
name=$(basename "$(dirname "$(dirname "$(dirname "$(dirname "$kernel")")")")")
console="$top/build/$name.console"
tap="$top/build/$name.tap"
qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 2G -no-reboot
      -kernel "$kernel" -initrd "$initrd" -display none -monitor none
      -append "console=ttyS0 panic=-1 cr.mode=$mode cr.tests=$tests ${CR_APPEND:-}")

case $mode in
shell)
	exec "${qemu[@]}" -serial mon:stdio ;;
check)
	rm -f "$tap"
	timeout --foreground ${CR_TIMEOUT:-1800} "${qemu[@]}" -serial stdio \
		-serial "file:$tap" < /dev/null | tee "$console"
	echo "guest exited (qemu status ${PIPESTATUS[0]})" >> "$console"
	exec "$top/dev/check-results.sh" "$console" "$tap" ;;
*)
	timeout --foreground ${CR_TIMEOUT:-600} "${qemu[@]}" -serial stdio < /dev/null ;;
esac
