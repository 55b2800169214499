#!/bin/sh
# The demo, run in the guest: checkpoint a running, unmodified busybox
# shell pipeline - a shell and its two children - kill it, restart it from
# the image with the same pids, and watch it go on. Then copy it, while it
# runs, into a new pid namespace where the copy has the same pids too.
cd /tmp
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
tree() {
	echo "  PID  PPID  PGID COMMAND"
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v r="$1" \
		'$1 == r || $4 == r { printf "%5d %5d %5d %s\n", $1, $4, $5, $2 }'
}

say "Start an unmodified busybox shell pipeline: a loop that counts, piped into awk"
sh -c 'i=0; while :; do i=$((i + 1)); [ $((i % 2000)) -eq 0 ] && echo "$i"; done |
	awk "{ n++; print \"count\", \$1, \"line\", n; fflush() }"' \
	< /dev/null > /tmp/count.log 2>&1 &
pid=$!
sleep 3
say "The tree under pid $pid:"
tree $pid
echo "It has written:"
tail -n 3 /tmp/count.log

say "cr checkpoint -k $pid /tmp/count.img   (checkpoint() the tree into a file, kill it)"
/kselftest/cr/cr checkpoint -k $pid /tmp/count.img || exit 1
wait $pid 2>/dev/null
ls -l /tmp/count.img
last=$(tail -n 1 /tmp/count.log)
say "It is gone; its last line was: $last"
sleep 2
echo "two seconds later, still: $(tail -n 1 /tmp/count.log)"

say "cr restart -P /tmp/count.img   (restart() the tree from the file, same pids)"
new=$(/kselftest/cr/cr restart -P /tmp/count.img) || exit 1
echo "restarted; its root is pid $new"
sleep 3
tree $new
say "The restarted pipeline went on from where it stopped:"
grep -A 4 -x "$last" /tmp/count.log
echo "..."
tail -n 2 /tmp/count.log

say "cr checkpoint $new /tmp/copy.img; cr restart -N /tmp/copy.img   (a copy, in a new pid namespace)"
/kselftest/cr/cr checkpoint $new /tmp/copy.img || exit 1
/kselftest/cr/cr restart -N /tmp/copy.img > /tmp/copy.out || exit 1
cat /tmp/copy.out
init=$(sed -n 's/.*init \([0-9]*\)).*/\1/p' /tmp/copy.out)
sleep 1
echo "The original runs on, and the copy has the same pids in its namespace:"
echo "  host pid -> pid in the new namespace"
grep -H NSpid /proc/[0-9]*/status 2>/dev/null |
	awk 'NF == 3 && $3 != 1 { printf "  %8d -> %d\n", $2, $3 }'
kill -9 $init
kill $new
