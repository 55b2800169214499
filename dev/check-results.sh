#!/bin/bash
# check-results.sh CONSOLE TAP: fail on kernel reports, hangs and failed tests;
# print the kselftest results as "N passed, N failed, N skipped". With
# CR_EXPECT=skip, every test program must have skipped.
console=$1 tap=$2
status=0

if ! grep -q "CR-GUEST-DONE" "$console"; then
	echo "FAIL: the guest did not finish (hang, timeout or crash)"
	status=1
fi
reports=$(tr -d '\r' < "$console" | grep -nE \
	'BUG:|WARNING:|Oops|KASAN|UBSAN|general protection|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|unreferenced object|blocked for more than|soft lockup|hard LOCKUP|list_add corruption|list_del corruption' |
	grep -v 'KASAN: enabled\|kasan: KernelAddressSanitizer initialized\|CONFIG_KASAN' |
	grep -v 'traps: .*\[[0-9]*\] general protection fault ip:' | head -20)
if [ -n "$reports" ]; then
	echo "FAIL: the kernel reported problems:"
	echo "$reports"
	status=1
fi

# Per-test results of every kselftest_harness binary, plus binaries that
# failed without reporting a failed test (crash, timeout).
summary=$(tr -d '\r' < "$tap" 2>/dev/null | awk '
	/^# ok [0-9]+ /		{ if (/# SKIP/) s++; else p++; next }
	/^# not ok [0-9]+ /	{ f++; binfail++; next }
	/^not ok [0-9]+ selftests:/ {
		if (!binfail) f++
		print "FAILED: " $0 > "/dev/stderr"
		binfail = 0; next
	}
	/^ok [0-9]+ selftests:.*# SKIP/ { s++; binfail = 0; next }
	/^ok [0-9]+ selftests:/	{ binfail = 0 }
	END			{ printf "%d %d %d\n", p, f, s }')
read -r passed failed skipped <<< "${summary:-0 0 0}"
if [ "${CR_EXPECT:-}" = skip ]; then
	# A kernel without the syscalls: every program must skip, none run.
	if [ "${passed:-0}" -ne 0 ] || [ "${skipped:-0}" -eq 0 ]; then
		echo "FAIL: tests ran on a kernel without checkpoint/restart"
		status=1
	fi
elif [ "${passed:-0}" -eq 0 ] && [ "${failed:-0}" -eq 0 ]; then
	echo "FAIL: no test ran"
	status=1
fi
[ "${failed:-0}" -eq 0 ] || status=1
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $status
