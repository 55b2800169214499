// SPDX-License-Identifier: GPL-2.0
/*
 * Signal state across checkpoint/restart: a handler with its flags and
 * mask, invoked after restart; the blocked mask; sigaltstack; pending
 * signals on the thread's and the process's queues, with their siginfo
 * and in order; interval timers; scheduling policy and prctl state.
 */
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
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
	cr_wait_ready(f.go);
	restored = cr_checkpoint_restart(&f, child);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	usleep(100000);
	ASSERT_EQ(kill(restored, SIGUSR1), 0);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);
	cr_files_fini(&f);
}

static pid_t self_pid;

static int sigqueue_thread(int sig, int value)
{
	siginfo_t si = { .si_signo = sig, .si_code = SI_QUEUE };

	/* Assigned, not initialized: they are members of one union. */
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	return syscall(__NR_rt_tgsigqueueinfo, getpid(), gettid(), sig, &si);
}

/* The mask of /proc/self/status's line @key, such as "SigPnd:". */
static unsigned long long status_mask(const char *key)
{
	unsigned long long mask = ~0ULL;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			mask = strtoull(line + strlen(key), NULL, 16);
	if (f)
		fclose(f);
	return mask;
}

#define BIT(sig)	(1ULL << ((sig) - 1))

static int take(int sig, int code, int value)
{
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigwaitinfo(&set, &si) != sig || si.si_code != code ||
	    si.si_pid != self_pid ||
	    (code == SI_QUEUE && si.si_value.sival_int != value)) {
		cr_note("wanted signal %d code %d value %d from %d, got %d %d %d from %d\n",
			sig, code, value, self_pid, si.si_signo, si.si_code,
			si.si_value.sival_int, si.si_pid);
		return 1;
	}
	return 0;
}

static int check_pending(void)
{
	int rt = SIGRTMIN;

	if (status_mask("SigPnd:") != (BIT(SIGUSR1) | BIT(rt + 1)))
		return 20;
	if (status_mask("ShdPnd:") != (BIT(SIGUSR2) | BIT(rt)))
		return 21;
	/* Realtime signals come back in the order they were queued. */
	if (take(rt, SI_QUEUE, 1) || take(rt, SI_QUEUE, 2) ||
	    take(rt, SI_QUEUE, 3))
		return 22;
	if (take(rt + 1, SI_QUEUE, 4) || take(rt + 1, SI_QUEUE, 5))
		return 23;
	if (take(SIGUSR1, SI_QUEUE, 6) || take(SIGUSR2, SI_USER, 0))
		return 24;
	return status_mask("SigPnd:") || status_mask("ShdPnd:") ? 25 : CR_OK;
}

TEST(pending_signals_survive_in_order)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "pending");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		union sigval v;
		sigset_t set;

		cr_child_init();
		self_pid = getpid();
		sigfillset(&set);
		sigprocmask(SIG_BLOCK, &set, NULL);
		/* sigqueue() and kill() go to the process's queue ... */
		for (v.sival_int = 1; v.sival_int <= 3; v.sival_int++)
			sigqueue(self_pid, SIGRTMIN, v);
		kill(self_pid, SIGUSR2);
		/* ... rt_tgsigqueueinfo() to the thread's. */
		sigqueue_thread(SIGRTMIN + 1, 4);
		sigqueue_thread(SIGRTMIN + 1, 5);
		sigqueue_thread(SIGUSR1, 6);
		cr_wait_go(f.go);
		_exit(check_pending());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	alarms++;
}

static int check_itimers(void)
{
	struct itimerval real, virt, prof;

	getitimer(ITIMER_REAL, &real);
	getitimer(ITIMER_VIRTUAL, &virt);
	getitimer(ITIMER_PROF, &prof);
	/*
	 * Intervals exactly; values counting down from what was left. A CPU
	 * itimer can read a tick or two above the value it was set to.
	 */
	if (real.it_interval.tv_sec != 0 || real.it_interval.tv_usec != 300000 ||
	    virt.it_interval.tv_sec != 5 || virt.it_interval.tv_usec != 0 ||
	    prof.it_interval.tv_sec != 7 || prof.it_interval.tv_usec != 1000)
		return 30;
	if (virt.it_value.tv_sec < 19 || prof.it_value.tv_sec < 24 ||
	    virt.it_value.tv_sec * 1000000 + virt.it_value.tv_usec > 20050000 ||
	    prof.it_value.tv_sec * 1000000 + prof.it_value.tv_usec > 25050000) {
		cr_note("virtual %ld.%06ld, prof %ld.%06ld left\n",
			virt.it_value.tv_sec, virt.it_value.tv_usec,
			prof.it_value.tv_sec, prof.it_value.tv_usec);
		return 31;
	}
	/* The real timer goes on firing: 3 s then every 0.3 s. */
	while (alarms < 3)
		pause();
	return CR_OK;
}

TEST(interval_timers_survive)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "itimer");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct itimerval real = { { 0, 300000 }, { 3, 0 } };
		struct itimerval virt = { { 5, 0 }, { 20, 0 } };
		struct itimerval prof = { { 7, 1000 }, { 25, 0 } };

		cr_child_init();
		signal(SIGALRM, on_alarm);
		setitimer(ITIMER_REAL, &real, NULL);
		setitimer(ITIMER_VIRTUAL, &virt, NULL);
		setitimer(ITIMER_PROF, &prof, NULL);
		cr_wait_go(f.go);
		_exit(alarms ? 32 : check_itimers());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

/* alarm() goes on with the time it had left: checkpoint time is not lost. */
TEST(alarm_does_not_count_time_between_checkpoint_and_restart)
{
	struct cr_files f;
	pid_t child, restored;
	int left;

	cr_files_init(&f, "alarm");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		alarm(4);
		cr_wait_go(f.go);
		left = alarm(0);
		_exit(left >= 3 && left <= 4 ? CR_OK : 40 + left);
	}
	cr_wait_ready(f.go);
	ASSERT_EQ(cr_checkpoint_kill(&f, child), 0) TH_LOG("%s", cr_log(&f));
	sleep(2);
	restored = sys_restart(0, f.img, 0, f.logfd);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);
	cr_files_fini(&f);
}

static int check_sched(int policy, int nice, int prio)
{
	struct sched_param sp;

	if (sched_getscheduler(0) != (policy | SCHED_RESET_ON_FORK))
		return 50;
	if (sched_getparam(0, &sp) || sp.sched_priority != prio)
		return 51;
	errno = 0;
	if (!prio && getpriority(PRIO_PROCESS, 0) != nice) {
		cr_note("nice %d\n", getpriority(PRIO_PROCESS, 0));
		return 52;
	}
	if (!prio && prctl(PR_GET_TIMERSLACK) != 123456)
		return 53;
	return CR_OK;
}

static int check_prctl(void)
{
	int sig = 0, reaper = 0;

	if (prctl(PR_GET_PDEATHSIG, &sig) || sig != SIGUSR2)
		return 54;
	if (prctl(PR_GET_CHILD_SUBREAPER, &reaper) || reaper != 1)
		return 55;
	if (prctl(PR_GET_DUMPABLE) != 0)
		return 56;
	return CR_OK;
}

FIXTURE(sched) {
	struct cr_files f;
};

FIXTURE_VARIANT(sched) {
	int policy;
	int nice;
	int prio;
};

FIXTURE_VARIANT_ADD(sched, batch) { .policy = SCHED_BATCH, .nice = 7 };
FIXTURE_VARIANT_ADD(sched, idle) { .policy = SCHED_IDLE, .nice = 3 };
FIXTURE_VARIANT_ADD(sched, fifo) { .policy = SCHED_FIFO, .prio = 5 };
FIXTURE_VARIANT_ADD(sched, rr) { .policy = SCHED_RR, .prio = 9 };

FIXTURE_SETUP(sched)
{
	cr_files_init(&self->f, "sched");
}

FIXTURE_TEARDOWN(sched)
{
	cr_files_fini(&self->f);
}

TEST_F(sched, policy_nice_and_prctl_state_survive)
{
	pid_t child = fork();

	ASSERT_GE(child, 0);
	if (!child) {
		struct sched_param sp = { .sched_priority = variant->prio };

		cr_child_init();
		if (sched_setscheduler(0, variant->policy | SCHED_RESET_ON_FORK,
				       &sp) ||
		    (!variant->prio &&
		     setpriority(PRIO_PROCESS, 0, variant->nice)) ||
		    prctl(PR_SET_TIMERSLACK, 123456) ||
		    prctl(PR_SET_PDEATHSIG, SIGUSR2) ||
		    prctl(PR_SET_CHILD_SUBREAPER, 1) ||
		    prctl(PR_SET_DUMPABLE, 0))
			_exit(57);
		signal(SIGUSR2, SIG_IGN);
		cr_wait_go(self->f.go);
		_exit(check_sched(variant->policy, variant->nice,
				  variant->prio) ?: check_prctl());
	}
	EXPECT_EQ(cr_run(_metadata, &self->f, child), CR_OK);
}

TEST_HARNESS_MAIN
