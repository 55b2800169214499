#!/bin/sh
# The demo, run in the guest: checkpoint a running, unmodified busybox
# shell loop, kill it, restart it from the image, and watch it go on.
cd /tmp
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Start an unmodified busybox shell that counts, writing to /tmp/count.log"
sh -c 'i=0; while :; do i=$((i + 1)); [ $((i % 2000)) -eq 0 ] && echo "count $i"; done' \
	< /dev/null > /tmp/count.log 2>&1 &
pid=$!
sleep 3
say "pid $pid has written:"
tail -n 3 /tmp/count.log

say "cr checkpoint -k $pid /tmp/count.img   (checkpoint() it into a file and kill it)"
/kselftest/cr/cr checkpoint -k $pid /tmp/count.img || exit 1
wait $pid 2>/dev/null
ls -l /tmp/count.img
last=$(tail -n 1 /tmp/count.log)
say "It is gone; its last line was: $last"
sleep 2
echo "two seconds later, still: $(tail -n 1 /tmp/count.log)"

say "cr restart /tmp/count.img   (restart() it from the file)"
new=$(/kselftest/cr/cr restart /tmp/count.img) || exit 1
echo "restarted as pid $new"
sleep 3
say "The restarted shell went on from where it stopped:"
grep -A 4 -x "$last" /tmp/count.log
echo "..."
tail -n 2 /tmp/count.log
kill $new
