# Checkpoint/restart for Linux 6.12: build, boot and test loop.
# make demo | make check [TESTS=cr_basic,cr_mm] | make check-nocr |
# make shell | make lint | make bench | make bench-lsm | make stress [ROUNDS=200] |
# make fuzz [SECONDS=3600] | make series | make series-check
# See README.md.

SRC	:= $(CURDIR)/build/linux-source-6.12
KERNEL	:= build/kernel
DEBUG	:= build/kernel-debug
NOCR	:= build/kernel-nocr
PERF	:= build/kernel-perf
BZIMAGE	 = $(1)/arch/x86/boot/bzImage
TESTS	?=
export SRC

# Debian 12 packages the loop needs.
DEPS := bc bison busybox-static ccache cpio flex gcc libc6-dev libelf-dev \
	libssl-dev linux-source-6.12 make python3 qemu-system-x86 rsync sparse \
	xz-utils
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# $(call apt_install,PACKAGES): install those of PACKAGES that are missing.
apt_install = missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  APT     $$missing"; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null; \
	fi

.PHONY: all deps src kernel kernel-debug kernel-nocr selftests initramfs check \
	check-nocr stress fuzz demo shell bench bench-lsm kernel-perf lint \
	series series-check \
	series-apply clean

all: kernel

deps:
	@missing=$$(for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  APT     $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null; \
	fi

src: deps
	@dev/prepare-src.sh

kernel: src
	@dev/build-kernel.sh $(KERNEL) configs/base.config

kernel-debug: src
	@dev/build-kernel.sh $(DEBUG) configs/base.config configs/debug.config

kernel-nocr: src
	@dev/build-kernel.sh $(NOCR) configs/base.config configs/nocr.config

# Userspace headers of the patched kernel, then the statically linked tests.
selftests: src
	@mkdir -p build/headers
	@$(MAKE) -s -C $(SRC) O=$(CURDIR)/build/headers-obj ARCH=x86 \
		INSTALL_HDR_PATH=$(CURDIR)/build/headers headers_install >/dev/null
	@$(MAKE) -s -C $(SRC)/tools/testing/selftests TARGETS=cr \
		O=$(CURDIR)/build/selftests \
		KHDR_INCLUDES="-isystem $(CURDIR)/build/headers/include" \
		INSTALL_PATH=$(CURDIR)/build/kselftest install >/dev/null

initramfs: selftests
	@dev/mkinitramfs.sh build/initramfs.cpio.gz build/kselftest demo

check: kernel-debug initramfs
	@dev/run-guest.sh $(call BZIMAGE,$(DEBUG)) build/initramfs.cpio.gz check $(TESTS)

# Long runs on the debug kernel: make stress [ROUNDS=200] [SEED=n] (random
# kills), make fuzz [SECONDS=3600] [SEED=n] (mutated images).
ROUNDS	?= 200
SECONDS	?= 3600
SEED	?= $(shell date +%s)
stress: kernel-debug initramfs
	@CR_APPEND="cr.env=CR_STRESS_ROUNDS=$(ROUNDS),CR_STRESS_SEED=$(SEED) cr.timeout=$$(($(ROUNDS) * 20 + 600))" \
	 CR_TIMEOUT=$$(($(ROUNDS) * 20 + 900)) dev/run-guest.sh \
		$(call BZIMAGE,$(DEBUG)) build/initramfs.cpio.gz check cr_stress

fuzz: kernel-debug initramfs
	@CR_APPEND="cr.env=CR_FUZZ_SECONDS=$(SECONDS),CR_FUZZ_SEED=$(SEED) cr.timeout=$$(($(SECONDS) + 600))" \
	 CR_TIMEOUT=$$(($(SECONDS) + 900)) dev/run-guest.sh \
		$(call BZIMAGE,$(DEBUG)) build/initramfs.cpio.gz check cr_fuzz

# On a kernel without the syscalls (CONFIG_CHECKPOINT=n) every test skips.
check-nocr: kernel-nocr initramfs
	@CR_EXPECT=skip dev/run-guest.sh $(call BZIMAGE,$(NOCR)) \
		build/initramfs.cpio.gz check $(TESTS)

demo: kernel initramfs
	@dev/run-guest.sh $(call BZIMAGE,$(KERNEL)) build/initramfs.cpio.gz demo

kernel-perf: src
	@dev/build-kernel.sh $(PERF) configs/base.config configs/perf.config

# checkpoint()/restart() against CRIU, side by side in one boot:
# make bench [RUNS=3] [WORKLOADS=mem64,small]
PERF_DEPS := criu linux-perf
bench: kernel-perf selftests
	@$(call apt_install,$(PERF_DEPS))
	@dev/mkinitramfs.sh build/initramfs-perf.cpio.gz build/kselftest demo \
		/usr/sbin/criu /usr/bin/perf
	@dev/perf.py $(call BZIMAGE,$(PERF)) build/initramfs-perf.cpio.gz \
		$(or $(RUNS),3) $(WORKLOADS)

# The checkpoint LSM's cost: CONFIG_CHECKPOINT=y against =n, in one run.
bench-lsm: kernel kernel-nocr initramfs
	@dev/bench.sh $(call BZIMAGE,$(KERNEL)) $(call BZIMAGE,$(NOCR)) \
		build/initramfs.cpio.gz

shell: kernel initramfs
	@dev/run-guest.sh $(call BZIMAGE,$(KERNEL)) build/initramfs.cpio.gz shell

# checkpatch --strict on the new files and the patches; sparse and W=1;
# Sphinx on the documentation; mandoc and groff on the man pages.
OURS_C := $(shell git ls-files 'kernel/checkpoint/*.[ch]' 'arch/x86/checkpoint/*.c' \
	  fs/checkpoint.c mm/checkpoint.c net/unix/checkpoint.c 'ipc/*.c' \
	  'security/checkpoint/*.c' 'include/*checkpoint.h')
LINT_DEPS := python3-sphinx mandoc groff
lint: kernel
	@$(call apt_install,$(LINT_DEPS))
	@$(SRC)/scripts/checkpatch.pl --strict --no-tree --quiet -f $(OURS_C)
	@for p in patches/*.diff; do \
		$(SRC)/scripts/checkpatch.pl --strict --no-tree --no-signoff \
			--quiet - < $$p || exit 1; \
	done
	@# ENOSYS and VOLATILE are rules for kernel code: the tests test for
	@# ENOSYS, and their signal handlers set volatile sig_atomic_t.
	@$(SRC)/scripts/checkpatch.pl --strict --no-tree --quiet \
		--ignore ENOSYS,VOLATILE -f tools/testing/selftests/cr/*.[ch]
	@dev/cc-ours.sh $(KERNEL) W=1 C=2
	@dev/docs.sh build/docs
	@dev/man-lint.sh man/man2/*.2

# The patch series for review, as patches/SERIES defines it, in
# build/series/; its From: and Signed-off-by: are your git identity.
# series-check proves it (README.md); series-apply is its quick part.
SERIES_DEPS := git python3-git python3-ply
series: src
	@$(call apt_install,$(SERIES_DEPS))
	@dev/series.py make

series-check: series
	@dev/series.py check

series-apply: series
	@dev/series.py apply

clean:
	rm -rf build
