// SPDX-License-Identifier: GPL-2.0
/*
 * Signal state across checkpoint/restart: a handler with its flags and
 * mask, invoked after restart; the blocked mask; sigaltstack; pending
 * signals on the thread's and the process's queues, with their siginfo
 * and in order; interval timers; POSIX timers; signalfds and timerfds;
 * scheduling policy and prctl state.
 */
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/timerfd.h>
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

/*
 * fd 3: a realtime timerfd, absolute, due 100 s after setup; timer 0: a
 * realtime POSIX timer, absolute, the same, with SIGUSR1 blocked; and
 * ITIMER_REAL at 100 s. All have 90-100 s left, and none fired.
 */
static int check_clock_jump(timer_t timer)
{
	struct itimerspec its;
	struct itimerval itv;
	sigset_t set;

	if (timerfd_gettime(3, &its) || its.it_value.tv_sec < 90 ||
	    its.it_value.tv_sec >= 100)
		return 120;
	if (timer_gettime(timer, &its) || its.it_value.tv_sec < 90 ||
	    its.it_value.tv_sec >= 100)
		return 121;
	if (getitimer(ITIMER_REAL, &itv) || itv.it_value.tv_sec < 90 ||
	    itv.it_value.tv_sec >= 100)
		return 122;
	if (sigpending(&set) || sigismember(&set, SIGUSR1))
		return 123;
	return CR_OK;
}

/*
 * The machine restarted on has another time: here, the wall clock is set
 * an hour ahead between checkpoint and restart. Timers keep the time they
 * had left, absolute realtime ones too: the time in between does not count.
 */
TEST(timers_keep_their_time_when_the_clock_differs)
{
	struct timespec wall, mono0, mono1;
	struct cr_files f;
	pid_t child, restored;
	long ret;

	cr_files_init(&f, "clock");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct itimerval itv = { .it_value.tv_sec = 100 };
		struct sigevent ev = {
			.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1,
		};
		struct itimerspec its = {};
		struct timespec now;
		timer_t timer;
		sigset_t set;

		cr_child_init();
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		clock_gettime(CLOCK_REALTIME, &now);
		its.it_value.tv_sec = now.tv_sec + 100;
		if (timerfd_create(CLOCK_REALTIME, 0) != 3 ||
		    timerfd_settime(3, TFD_TIMER_ABSTIME, &its, NULL) ||
		    timer_create(CLOCK_REALTIME, &ev, &timer) ||
		    timer_settime(timer, TIMER_ABSTIME, &its, NULL) ||
		    setitimer(ITIMER_REAL, &itv, NULL))
			_exit(124);
		cr_wait_go(f.go);
		_exit(check_clock_jump(timer));
	}
	cr_wait_ready(f.go);
	ASSERT_EQ(cr_checkpoint_kill(&f, child), 0) TH_LOG("%s", cr_log(&f));
	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_MONOTONIC, &mono0);
	wall.tv_sec += 3600;
	ASSERT_EQ(clock_settime(CLOCK_REALTIME, &wall), 0);
	ret = sys_restart(0, f.img, 0, f.logfd);
	/* The wall clock back, as if it had not moved */
	clock_gettime(CLOCK_MONOTONIC, &mono1);
	wall.tv_sec -= 3600 - (mono1.tv_sec - mono0.tv_sec);
	clock_settime(CLOCK_REALTIME, &wall);
	restored = ret;
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

/* The value of @key in /proc/self/fdinfo/@fd, in @base, or ~0. */
static unsigned long long fdinfo_value(int fd, const char *key, int base)
{
	unsigned long long v = ~0ULL;
	char path[64], line[256];
	size_t len = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len))
			v = strtoull(line + len, NULL, base);
	if (f)
		fclose(f);
	return v;
}

#define SIGBIT(sig)	(1ULL << ((sig) - 1))

/* fd 3: SIGUSR1 and SIGRTMIN + 1, non-blocking, both pending; fd 4: SIGUSR2 */
static int check_signalfds(void)
{
	struct signalfd_siginfo si;

	if (fdinfo_value(3, "sigmask:", 16) != (SIGBIT(SIGUSR1) | SIGBIT(SIGRTMIN + 1)) ||
	    fdinfo_value(4, "sigmask:", 16) != SIGBIT(SIGUSR2))
		return 80;
	if (!(fcntl(3, F_GETFL) & O_NONBLOCK) || (fcntl(4, F_GETFL) & O_NONBLOCK))
		return 81;
	if (read(3, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR1)
		return 82;
	if (read(3, &si, sizeof(si)) != sizeof(si) ||
	    si.ssi_signo != SIGRTMIN + 1 || si.ssi_int != 42)
		return 83;
	if (read(3, &si, sizeof(si)) != -1 || errno != EAGAIN)
		return 84;
	raise(SIGUSR2);
	if (read(4, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR2)
		return 85;
	return CR_OK;
}

TEST(signalfds_survive)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "signalfd");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		union sigval val = { .sival_int = 42 };
		sigset_t set, usr2;

		cr_child_init();
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGRTMIN + 1);
		sigemptyset(&usr2);
		sigaddset(&usr2, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sigprocmask(SIG_BLOCK, &usr2, NULL);
		if (signalfd(-1, &set, SFD_NONBLOCK) != 3 ||
		    signalfd(-1, &usr2, 0) != 4)
			_exit(86);
		raise(SIGUSR1);
		sigqueue(getpid(), SIGRTMIN + 1, val);
		cr_wait_go(f.go);
		_exit(check_signalfds());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

static int64_t its_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* The time left on timerfd @fd lies in (@lo, @hi] seconds. */
static int left_within(int fd, int lo, int hi)
{
	struct itimerspec its;

	return !timerfd_gettime(fd, &its) &&
	       its_ns(&its.it_value) > lo * 1000000000LL &&
	       its_ns(&its.it_value) <= hi * 1000000000LL;
}

/*
 * fd 3: monotonic, 100 s then every 7 s; fd 4: boottime, fired once, not
 * read; fd 5: realtime, every 5 ms; fd 6: realtime, absolute, 200 s from
 * setup, blocking. All others are non-blocking.
 */
static int check_timerfds(void)
{
	struct itimerspec its;
	uint64_t ticks;

	if (fdinfo_value(3, "clockid:", 10) != CLOCK_MONOTONIC ||
	    fdinfo_value(4, "clockid:", 10) != CLOCK_BOOTTIME ||
	    fdinfo_value(6, "clockid:", 10) != CLOCK_REALTIME)
		return 90;
	if (!(fcntl(3, F_GETFL) & O_NONBLOCK) || (fcntl(6, F_GETFL) & O_NONBLOCK))
		return 91;
	if (!left_within(3, 90, 100) || timerfd_gettime(3, &its) ||
	    its_ns(&its.it_interval) != 7000000000LL)
		return 92;
	if (read(4, &ticks, 8) != 8 || ticks != 1 ||
	    timerfd_gettime(4, &its) || its.it_value.tv_sec ||
	    its.it_value.tv_nsec)
		return 93;
	/* 50 ms of 5 ms ticks before checkpoint, and it ticks on */
	if (read(5, &ticks, 8) != 8 || ticks < 5)
		return 94;
	usleep(20000);
	if (read(5, &ticks, 8) != 8 || !ticks)
		return 95;
	if (!left_within(6, 190, 200))
		return 96;
	return CR_OK;
}

static int set_timer(int fd, int flags, long long value_ns, long long interval_ns)
{
	struct itimerspec its = {
		.it_value = { value_ns / 1000000000, value_ns % 1000000000 },
		.it_interval = { interval_ns / 1000000000, interval_ns % 1000000000 },
	};

	return timerfd_settime(fd, flags, &its, NULL);
}

TEST(timerfds_survive)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "timerfd");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct timespec now;

		cr_child_init();
		if (timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK) != 3 ||
		    timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK) != 4 ||
		    timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK) != 5 ||
		    timerfd_create(CLOCK_REALTIME, 0) != 6)
			_exit(97);
		clock_gettime(CLOCK_REALTIME, &now);
		if (set_timer(3, 0, 100000000000LL, 7000000000LL) ||
		    set_timer(4, 0, 1000000, 0) ||
		    set_timer(5, 0, 5000000, 5000000) ||
		    set_timer(6, TFD_TIMER_ABSTIME,
			      its_ns(&now) + 200000000000LL, 0))
			_exit(98);
		usleep(50000);
		cr_wait_go(f.go);
		_exit(check_timerfds());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

/* A timer cancelled when the clock is set cannot be saved as time left. */
TEST(cancel_on_set_timerfd_is_refused)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "tfdcancel");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct timespec now;

		cr_child_init();
		clock_gettime(CLOCK_REALTIME, &now);
		if (timerfd_create(CLOCK_REALTIME, 0) != 3 ||
		    set_timer(3, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
			      its_ns(&now) + 100000000000LL, 0))
			_exit(99);
		cr_wait_go(f.go);
		_exit(left_within(3, 90, 100) ? CR_OK : 100);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child, "TFD_TIMER_CANCEL_ON_SET"),
		  CR_OK);
	cr_files_fini(&f);
}

static volatile sig_atomic_t ticks;
static timer_t tick_timer, far_timer, idle_timer;
static int tick_overrun;

static void on_tick(int sig, siginfo_t *si, void *uc)
{
	if (si->si_code == SI_TIMER && si->si_value.sival_int == 111)
		ticks++;
}

/*
 * POSIX timers 1-3 and 5 (4 was deleted, 0 too): a monotonic one every
 * 20 ms with SIGUSR1 and value 111, counted by a handler; a realtime one
 * due in 100 s with the default SIGALRM; a disarmed boottime one aimed at
 * this thread; one that fired SIGRTMIN + 2, blocked, value 222. The next
 * timer_create() gets id 6, as it would have.
 */
static int check_posix_timers(void)
{
	struct timespec zero = {};
	struct itimerspec its;
	int before = ticks, i;
	siginfo_t si;
	sigset_t rt;
	timer_t next;

	if (timer_gettime(tick_timer, &its) || its.it_interval.tv_nsec != 20000000 ||
	    its.it_interval.tv_sec || timer_getoverrun(tick_timer) != tick_overrun)
		return 110;
	/* Blocked since its overrun was read, which a late tick would change. */
	sigemptyset(&rt);
	sigaddset(&rt, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &rt, NULL);
	for (i = 0; i < 200 && ticks < before + 3; i++)
		usleep(10000);
	if (ticks < before + 3)
		return 111;
	if (timer_gettime(far_timer, &its) || its.it_value.tv_sec < 90 ||
	    its.it_value.tv_sec >= 100 || its.it_interval.tv_sec)
		return 112;
	if (timer_gettime(idle_timer, &its) || its.it_value.tv_sec ||
	    its.it_value.tv_nsec)
		return 113;
	if (timer_create(CLOCK_MONOTONIC, NULL, &next) || (long)next != 6)
		return 114;
	/* Its signal pending at checkpoint: once, from the timer again. */
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN + 2);
	if (sigtimedwait(&rt, &si, &zero) != SIGRTMIN + 2 ||
	    si.si_code != SI_TIMER || si.si_value.sival_int != 222)
		return 118;
	if (sigtimedwait(&rt, &si, &zero) != -1 || errno != EAGAIN)
		return 119;
	return CR_OK;
}

TEST(posix_timers_survive)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "ptimer");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct sigaction sa = {
			.sa_sigaction = on_tick, .sa_flags = SA_SIGINFO | SA_RESTART,
		};
		struct sigevent ev = {
			.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1,
			.sigev_value.sival_int = 111,
		};
		struct itimerspec tick = {
			.it_value.tv_nsec = 20000000, .it_interval.tv_nsec = 20000000,
		};
		struct itimerspec far = { .it_value.tv_sec = 100 };
		struct itimerspec soon = { .it_value.tv_nsec = 1000000 };
		timer_t first, gone, pend;
		sigset_t rt;

		cr_child_init();
		sigaction(SIGUSR1, &sa, NULL);
		if (timer_create(CLOCK_MONOTONIC, NULL, &first) ||
		    timer_create(CLOCK_MONOTONIC, &ev, &tick_timer) ||
		    timer_create(CLOCK_REALTIME, NULL, &far_timer))
			_exit(115);
		ev.sigev_notify = SIGEV_THREAD_ID;
		ev.sigev_signo = SIGUSR2;
		ev._sigev_un._tid = getpid();
		if (timer_create(CLOCK_BOOTTIME, &ev, &idle_timer) ||
		    timer_create(CLOCK_MONOTONIC, NULL, &gone) ||
		    timer_delete(first) || timer_delete(gone) ||
		    (long)tick_timer != 1 || (long)idle_timer != 3)
			_exit(116);
		if (timer_settime(tick_timer, 0, &tick, NULL) ||
		    timer_settime(far_timer, 0, &far, NULL))
			_exit(117);
		ev.sigev_notify = SIGEV_SIGNAL;
		ev.sigev_signo = SIGRTMIN + 2;
		ev.sigev_value.sival_int = 222;
		sigemptyset(&rt);
		sigaddset(&rt, SIGRTMIN + 2);
		sigprocmask(SIG_BLOCK, &rt, NULL);
		if (timer_create(CLOCK_MONOTONIC, &ev, &pend) ||
		    (long)pend != 5 || timer_settime(pend, 0, &soon, NULL))
			_exit(118);
		while (ticks < 3)
			usleep(1000);
		do
			sigpending(&rt);
		while (!sigismember(&rt, SIGRTMIN + 2));
		sigemptyset(&rt);
		sigaddset(&rt, SIGUSR1);
		sigprocmask(SIG_BLOCK, &rt, NULL);
		tick_overrun = timer_getoverrun(tick_timer);
		cr_wait_go(f.go);
		_exit(check_posix_timers());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
