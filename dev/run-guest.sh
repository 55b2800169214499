#!/bin/bash
# run-guest.sh KERNEL INITRD MODE [TESTS]: boot the guest under QEMU (TCG).
# MODE check writes build/<name>.console and build/<name>.tap and checks them.
set -uo pipefail
kernel=$1 initrd=$2 mode=$3 tests=${4:-}
top=$(cd "$(dirname "$0")/.." && pwd)
name=$(basename "$(dirname "$(dirname "$(dirname "$(dirname "$kernel")")")")")
console="$top/build/$name.console"
tap="$top/build/$name.tap"
# No LA57: on 6.12, an interrupt while identify_cpu() has cleared the boot
# CPU's features makes KASAN judge the 5-level direct map "wild" (seen once,
# under load, at boot, before any of this project's code runs).
qemu=(qemu-system-x86_64 -accel tcg -cpu max,la57=off -smp 2 -m ${CR_MEM:-2G} -no-reboot
      -kernel "$kernel" -initrd "$initrd" -display none -monitor none
      -append "console=ttyS0 panic=-1 cr.mode=$mode cr.tests=$tests ${CR_APPEND:-}"
      ${CR_QEMU_ARGS:-})

case $mode in
shell)
	exec "${qemu[@]}" -serial mon:stdio ;;
check)
	rm -f "$tap"
	timeout --foreground ${CR_TIMEOUT:-2700} "${qemu[@]}" -serial stdio \
		-serial "file:$tap" < /dev/null | tee "$console"
	echo "guest exited (qemu status ${PIPESTATUS[0]})" >> "$console"
	exec "$top/dev/check-results.sh" "$console" "$tap" ;;
*)
	timeout --foreground ${CR_TIMEOUT:-600} "${qemu[@]}" -serial stdio < /dev/null ;;
esac
