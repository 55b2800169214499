// SPDX-License-Identifier: GPL-2.0
/*
 * Signal state across checkpoint/restart: a handler with its flags and
 * mask, invoked after restart; the blocked mask; sigaltstack.
 */
#include <sys/mman.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

static volatile sig_atomic_t got, on_altstack;
static void *altstack;

static void handler(int sig, siginfo_t *si, void *uc)
{
	stack_t ss;

	got = sig;
	sigaltstack(NULL, &ss);
	on_altstack = !!(ss.ss_flags & SS_ONSTACK);
}

static int check(void)
{
	struct sigaction sa;
	sigset_t set;
	stack_t ss;

	sigprocmask(SIG_BLOCK, NULL, &set);
	if (!sigismember(&set, SIGUSR2) || sigismember(&set, SIGUSR1))
		return 10;
	sigaction(SIGUSR1, NULL, &sa);
	if (sa.sa_sigaction != handler ||
	    (sa.sa_flags & (SA_SIGINFO | SA_RESTART | SA_ONSTACK)) !=
	    (SA_SIGINFO | SA_RESTART | SA_ONSTACK) ||
	    !sigismember(&sa.sa_mask, SIGTERM))
		return 11;
	sigaction(SIGHUP, NULL, &sa);
	if (sa.sa_handler != SIG_IGN)
		return 12;
	if (sigaltstack(NULL, &ss) || ss.ss_sp != altstack ||
	    ss.ss_size != 65536)
		return 13;
	while (!got)
		usleep(10000);
	if (got != SIGUSR1 || !on_altstack)
		return 14;
	return CR_OK;
}

TEST(handlers_mask_and_altstack_survive)
{
	struct cr_files f;
	pid_t child, restored;

	cr_files_init(&f, "signal");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct sigaction sa = {
			.sa_sigaction = handler,
			.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK,
		};
		stack_t ss = { .ss_size = 65536 };
		sigset_t set;

		cr_child_init();
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGTERM);
		sigaction(SIGUSR1, &sa, NULL);
		signal(SIGHUP, SIG_IGN);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		altstack = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ss.ss_sp = altstack;
		sigaltstack(&ss, NULL);
		cr_wait_go(f.go);
		_exit(check());
	}
	usleep(200000);
	restored = cr_checkpoint_restart(&f, child);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	usleep(100000);
	ASSERT_EQ(kill(restored, SIGUSR1), 0);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
