#!/bin/busybox sh
# /init of the test guest. cr.mode=check|demo|shell on the kernel command line.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ln -sf /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do ln -sf /proc/self/fd/${i%%:*} /dev/${i#*:}; done
arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
leak=/sys/kernel/debug/kmemleak

case "$(arg cr.mode)" in
check)
	# Forget what boot left behind; report only what the tests leak.
	[ -e $leak ] && echo scan > $leak && echo clear > $leak
	args=
	for t in $(arg cr.tests | tr , ' '); do args="$args -t cr:$t"; done
	# make stress, make fuzz: settings, and the time they may take.
	for kv in $(arg cr.env | tr , ' '); do export "$kv"; done
	t=$(arg cr.timeout)
	[ -n "$t" ] && args="$args -o $t"
	echo "CR-TESTS-BEGIN"
	(cd /kselftest && ./run_kselftest.sh $args 2>&1) | tee /dev/ttyS1
	echo "CR-TESTS-END"
	if [ -e $leak ]; then
		# Objects must be 5 s old to be reported.
		sleep 6; echo scan > $leak; echo scan > $leak
		echo "CR-KMEMLEAK-BEGIN"; cat $leak; echo "CR-KMEMLEAK-END"
	fi
	;;
demo)
	sh /demo.sh
	;;
perf)
	# make bench: cr.tests=RUNS[:WORKLOAD,...]; criu, if it can run.
	ip link set lo up
	mkdir -p /dev/pts && mount -t devpts devpts /dev/pts 2>/dev/null &&
		ln -sf pts/ptmx /dev/ptmx
	spec=$(arg cr.tests)
	runs=${spec%%:*}
	list="small threads8 threads32 files100 files1000 maps100 maps1000"
	list="$list procs10x4 procs50x4 mem64 mem256 mem1024 dirty1024"
	[ "$spec" != "$runs" ] && list=$(echo "${spec#*:}" | tr , ' ')
	criu=/usr/sbin/criu
	echo "CR-PERF-BEGIN"
	if [ ! -x $criu ]; then
		echo "CRIU-UNAVAILABLE no $criu in the guest"
		criu=
	elif ! $criu check > /tmp/criu-check 2>&1; then
		echo "CRIU-CHECK-FAILED $(tr '\n' ' ' < /tmp/criu-check | cut -c1-400)"
	fi
	for i in 1 2 3; do /kselftest/cr/cr_perf bandwidth; done
	for w in $list; do /kselftest/cr/cr_perf $w "$runs" $criu; done
	# Where the time goes: a flat profile of cr's own runs (no criu) of
	# the workloads furthest from the targets, sampled on the clock.
	for w in ${profile-threads32 files1000 maps1000 procs50x4 mem256}; do
		[ -x /usr/bin/perf ] || break
		echo "$list" | grep -qw "$w" || continue
		echo "CR-PROFILE-BEGIN $w"
		/usr/bin/perf record -q -e cpu-clock -F 2000 -o /tmp/perf.data -- \
			sh -c "/kselftest/cr/cr_perf $w 1 > /dev/null 2>&1" 2>&1 |
			head -5
		/usr/bin/perf report -i /tmp/perf.data --stdio --sort sym \
			--percent-limit 1 2>&1 | grep -v '^#' | grep . | head -25
		echo "CR-PROFILE-END"
		rm -f /tmp/perf.data
	done
	echo "CR-PERF-END"
	;;
bench)
	echo "CR-BENCH-BEGIN"
	/kselftest/cr/cr_bench $(arg cr.tests)
	echo "CR-BENCH-END"
	;;
*)
	echo "Checkpoint/restart test guest. Tests: /kselftest; demo: sh /demo.sh"
	setsid cttyhack sh
	;;
esac
echo "CR-GUEST-DONE"
reboot -f
