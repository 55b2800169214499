#!/bin/bash
# Compile only this project's kernel objects (quick iteration): dev/cc-ours.sh OUT [W=1 C=1 ...]
set -e
SRC=${SRC:?}; out=$1; shift
cc=gcc; command -v ccache >/dev/null && cc="ccache gcc"
make -s -C "$SRC" O="$(cd "$out" && pwd)" CC="$cc" -j"$(nproc)" "$@" \
	kernel/checkpoint/ fs/checkpoint.o mm/checkpoint.o arch/x86/checkpoint/ \
	net/unix/checkpoint.o ipc/checkpoint.o ipc/mq_checkpoint.o \
	security/checkpoint/
