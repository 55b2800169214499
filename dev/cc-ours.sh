#!/bin/bash
# Compile only this project's kernel objects (quick iteration): dev/cc-ours.sh OUT [W=1 C=1 ...]
# A part whose Kconfig symbol the configuration leaves out is left out.
set -e
SRC=${SRC:?}; out=$1; shift
cc=gcc; command -v ccache >/dev/null && cc="ccache gcc"
config="$out/.config"
on() { grep -q "^CONFIG_$1=y" "$config"; }
objs="kernel/checkpoint/ fs/checkpoint.o mm/checkpoint.o arch/x86/checkpoint/"
on CHECKPOINT_UNIX && objs="$objs net/unix/checkpoint.o"
on CHECKPOINT_SYSVIPC && objs="$objs ipc/checkpoint.o"
on CHECKPOINT_POSIX_MQUEUE && objs="$objs ipc/mq_checkpoint.o"
on SECURITY_CHECKPOINT && objs="$objs security/checkpoint/"
make -s -C "$SRC" O="$(cd "$out" && pwd)" CC="$cc" -j"$(nproc)" "$@" $objs
