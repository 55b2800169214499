// SPDX-License-Identifier: GPL-2.0
/*
 * Registers across checkpoint/restart: the vector registers and MXCSR are
 * loaded with a pattern, kept live across a checkpoint and restart of the
 * task while it polls for the go file, and compared afterwards.
 */
#include <cpuid.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

static const char *go_path;

static int have_avx(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return (c & bit_AVX) && (c & bit_OSXSAVE);
}

/*
 * Load ymm0-15 (or xmm0-15) and MXCSR from @in, poll access(go_path) with
 * raw syscalls (which keep the vector registers), then store them to @out.
 */
static void hold_registers(const unsigned char *in, unsigned char *out,
			   unsigned int *mxcsr, int avx)
{
	unsigned int mx = 0x1f80 | (3 << 13);	/* round toward zero */

	if (avx)
		asm volatile("ldmxcsr %[mx]\n\t"
			"vmovdqu 0*32(%[in]), %%ymm0\n\t"
			"vmovdqu 1*32(%[in]), %%ymm1\n\t"
			"vmovdqu 2*32(%[in]), %%ymm2\n\t"
			"vmovdqu 3*32(%[in]), %%ymm3\n\t"
			"vmovdqu 4*32(%[in]), %%ymm4\n\t"
			"vmovdqu 5*32(%[in]), %%ymm5\n\t"
			"vmovdqu 6*32(%[in]), %%ymm6\n\t"
			"vmovdqu 7*32(%[in]), %%ymm7\n\t"
			"vmovdqu 8*32(%[in]), %%ymm8\n\t"
			"vmovdqu 9*32(%[in]), %%ymm9\n\t"
			"vmovdqu 10*32(%[in]), %%ymm10\n\t"
			"vmovdqu 11*32(%[in]), %%ymm11\n\t"
			"vmovdqu 12*32(%[in]), %%ymm12\n\t"
			"vmovdqu 13*32(%[in]), %%ymm13\n\t"
			"vmovdqu 14*32(%[in]), %%ymm14\n\t"
			"vmovdqu 15*32(%[in]), %%ymm15\n\t"
			"1: mov %[nr], %%eax\n\t"
			"mov %[go], %%rdi\n\t"
			"xor %%esi, %%esi\n\t"
			"syscall\n\t"
			"test %%eax, %%eax\n\t"
			"jnz 1b\n\t"
			"vmovdqu %%ymm0, 0*32(%[out])\n\t"
			"vmovdqu %%ymm1, 1*32(%[out])\n\t"
			"vmovdqu %%ymm2, 2*32(%[out])\n\t"
			"vmovdqu %%ymm3, 3*32(%[out])\n\t"
			"vmovdqu %%ymm4, 4*32(%[out])\n\t"
			"vmovdqu %%ymm5, 5*32(%[out])\n\t"
			"vmovdqu %%ymm6, 6*32(%[out])\n\t"
			"vmovdqu %%ymm7, 7*32(%[out])\n\t"
			"vmovdqu %%ymm8, 8*32(%[out])\n\t"
			"vmovdqu %%ymm9, 9*32(%[out])\n\t"
			"vmovdqu %%ymm10, 10*32(%[out])\n\t"
			"vmovdqu %%ymm11, 11*32(%[out])\n\t"
			"vmovdqu %%ymm12, 12*32(%[out])\n\t"
			"vmovdqu %%ymm13, 13*32(%[out])\n\t"
			"vmovdqu %%ymm14, 14*32(%[out])\n\t"
			"vmovdqu %%ymm15, 15*32(%[out])\n\t"
			"stmxcsr %[mxout]\n\t"
			: [mxout] "=m" (*mxcsr)
			: [in] "r" (in), [out] "r" (out), [mx] "m" (mx),
			  [nr] "i" (__NR_access), [go] "m" (go_path)
			: "rax", "rcx", "rdx", "rsi", "rdi", "r11", "memory",
			  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
			  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	else
		asm volatile("ldmxcsr %[mx]\n\t"
			"movdqu 0*16(%[in]), %%xmm0\n\t"
			"movdqu 1*16(%[in]), %%xmm1\n\t"
			"movdqu 2*16(%[in]), %%xmm2\n\t"
			"movdqu 3*16(%[in]), %%xmm3\n\t"
			"movdqu 4*16(%[in]), %%xmm4\n\t"
			"movdqu 5*16(%[in]), %%xmm5\n\t"
			"movdqu 6*16(%[in]), %%xmm6\n\t"
			"movdqu 7*16(%[in]), %%xmm7\n\t"
			"movdqu 8*16(%[in]), %%xmm8\n\t"
			"movdqu 9*16(%[in]), %%xmm9\n\t"
			"movdqu 10*16(%[in]), %%xmm10\n\t"
			"movdqu 11*16(%[in]), %%xmm11\n\t"
			"movdqu 12*16(%[in]), %%xmm12\n\t"
			"movdqu 13*16(%[in]), %%xmm13\n\t"
			"movdqu 14*16(%[in]), %%xmm14\n\t"
			"movdqu 15*16(%[in]), %%xmm15\n\t"
			"1: mov %[nr], %%eax\n\t"
			"mov %[go], %%rdi\n\t"
			"xor %%esi, %%esi\n\t"
			"syscall\n\t"
			"test %%eax, %%eax\n\t"
			"jnz 1b\n\t"
			"movdqu %%xmm0, 0*16(%[out])\n\t"
			"movdqu %%xmm1, 1*16(%[out])\n\t"
			"movdqu %%xmm2, 2*16(%[out])\n\t"
			"movdqu %%xmm3, 3*16(%[out])\n\t"
			"movdqu %%xmm4, 4*16(%[out])\n\t"
			"movdqu %%xmm5, 5*16(%[out])\n\t"
			"movdqu %%xmm6, 6*16(%[out])\n\t"
			"movdqu %%xmm7, 7*16(%[out])\n\t"
			"movdqu %%xmm8, 8*16(%[out])\n\t"
			"movdqu %%xmm9, 9*16(%[out])\n\t"
			"movdqu %%xmm10, 10*16(%[out])\n\t"
			"movdqu %%xmm11, 11*16(%[out])\n\t"
			"movdqu %%xmm12, 12*16(%[out])\n\t"
			"movdqu %%xmm13, 13*16(%[out])\n\t"
			"movdqu %%xmm14, 14*16(%[out])\n\t"
			"movdqu %%xmm15, 15*16(%[out])\n\t"
			"stmxcsr %[mxout]\n\t"
			: [mxout] "=m" (*mxcsr)
			: [in] "r" (in), [out] "r" (out), [mx] "m" (mx),
			  [nr] "i" (__NR_access), [go] "m" (go_path)
			: "rax", "rcx", "rdx", "rsi", "rdi", "r11", "memory",
			  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
			  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

TEST(vector_registers_and_mxcsr_survive)
{
	unsigned char in[16 * 32], out[16 * 32];
	struct cr_files f;
	pid_t child, restored;
	int avx = have_avx();
	unsigned int i;

	if (!avx)
		TH_LOG("no AVX on this CPU: checking xmm0-15 only");
	for (i = 0; i < sizeof(in); i++)
		in[i] = i * 7 + 3;
	cr_files_init(&f, "fpu");
	go_path = f.go;
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		unsigned int mx = 0, n = avx ? 16 * 32 : 16 * 16;

		cr_child_init();
		memset(out, 0, sizeof(out));
		hold_registers(in, out, &mx, avx);
		_exit(!memcmp(in, out, n) && mx == (0x1f80 | (3 << 13)) ?
		      CR_OK : CR_BAD);
	}
	usleep(300000);
	restored = cr_checkpoint_restart(&f, child);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
