#!/bin/bash
# docs.sh OUT: build Documentation/checkpoint/ with Sphinx, as the kernel's
# "make htmldocs" does, and fail on any warning about it.
set -uo pipefail
SRC=${SRC:?}; out=$1
mkdir -p "$out"
log=$(make -s -C "$SRC" O="$(cd "$out" && pwd)" SPHINXDIRS=checkpoint SPHINXOPTS=-E \
	htmldocs 2>&1)
status=$?
# dot(1) is graphviz, which only a few of the kernel's documents use.
problems=$(grep -E 'WARNING|ERROR|CRITICAL' <<< "$log" | grep -v 'dot(1) not found')
if [ $status -ne 0 ] || [ -n "$problems" ]; then
	echo "FAIL: Sphinx on Documentation/checkpoint/:"
	echo "${problems:-$log}"
	exit 1
fi
