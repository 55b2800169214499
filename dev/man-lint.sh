#!/bin/bash
# man-lint.sh PAGE...: check man pages as the man-pages project does, with
# mandoc's lint and groff's warnings; any message fails.
status=0
for page in "$@"; do
	out=$( { mandoc -Tlint -Wwarning "$page"; \
		 LC_ALL=C.UTF-8 groff -man -ww -z "$page"; } 2>&1)
	if [ -n "$out" ]; then
		echo "$out"
		status=1
	fi
done
exit $status
