// SPDX-License-Identifier: GPL-2.0
/*
 * Basic checkpoint/restart: of oneself, of a running computation, of a
 * task asleep in nanosleep(), poll() or a futex wait, and the syscalls'
 * arguments.
 */
#include <poll.h>
#include <linux/futex.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

/* A computation whose result depends on every step. */
static unsigned long long compute(unsigned long long steps)
{
	unsigned long long x = 88172645463325252ULL, i;

	for (i = 0; i < steps; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

#define STEPS 600000000ULL

TEST(self_checkpoint_returns_twice)
{
	struct cr_files f;
	volatile unsigned long long magic;
	pid_t child, restored;

	cr_files_init(&f, "self");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		long ret;
		int img;

		cr_child_init();
		img = open(f.image, O_RDWR);
		magic = compute(1000);
		ret = sys_checkpoint(0, img, 0, 2);
		if (ret == CHECKPOINT_RESTARTED)
			_exit(magic == compute(1000) ? 42 : CR_BAD);
		_exit(ret == 0 ? CR_OK : 3);
	}
	ASSERT_EQ(cr_wait_exit(child), CR_OK);

	lseek(f.img, 0, SEEK_SET);
	restored = sys_restart(0, f.img, 0, f.logfd);
	ASSERT_GT(restored, 0) TH_LOG("restart: %s", cr_log(&f));
	EXPECT_EQ(cr_wait_exit(restored), 42);
	/* An image can be restarted more than once. */
	lseek(f.img, 0, SEEK_SET);
	restored = sys_restart(0, f.img, 0, f.logfd);
	ASSERT_GT(restored, 0) TH_LOG("restart: %s", cr_log(&f));
	EXPECT_EQ(cr_wait_exit(restored), 42);
	cr_files_fini(&f);
}

TEST(running_computation_gives_the_same_result)
{
	unsigned long long expect, got = 0;
	struct cr_files f;
	char out[64];
	pid_t child, restored;
	int fd;

	cr_files_init(&f, "compute");
	snprintf(out, sizeof(out), "/tmp/cr-compute-%d.out", getpid());
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		unsigned long long r;

		cr_child_init();
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		r = compute(STEPS);
		_exit(write(fd, &r, sizeof(r)) == sizeof(r) ? CR_OK : CR_BAD);
	}
	usleep(200000);
	restored = cr_checkpoint_restart(&f, child);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	/* The uninterrupted run, while the restored one finishes. */
	expect = compute(STEPS);
	ASSERT_EQ(cr_wait_exit(restored), CR_OK);

	fd = open(out, O_RDONLY);
	ASSERT_EQ(read(fd, &got, sizeof(got)), sizeof(got));
	EXPECT_EQ(got, expect);
	close(fd);
	unlink(out);
	cr_files_fini(&f);
}

/* Not killed: the target goes on as if nothing happened. */
TEST(target_goes_on_after_checkpoint)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "goon");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		unsigned long long r;

		cr_child_init();
		r = compute(STEPS / 16);
		cr_wait_go(f.go);
		_exit(r == compute(STEPS / 16) ? CR_OK : CR_BAD);
	}
	cr_wait_ready(f.go);
	ASSERT_EQ(sys_checkpoint(child, f.img, 0, f.logfd), 0)
		TH_LOG("%s", cr_log(&f));
	ASSERT_EQ(sys_checkpoint(child, f.img, 0, f.logfd), 0)
		TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(child), CR_OK);
	cr_files_fini(&f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait until @pid sleeps in a function named like @fn, as /proc/pid/wchan
 * tells (/proc/pid/syscall would take ptrace-attach rights, which mark it).
 */
static void wait_in(pid_t pid, const char *fn)
{
	char path[64], buf[128] = "";
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	while (!strstr(buf, fn)) {
		usleep(10000);
		fd = open(path, O_RDONLY);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
	}
}

/* Sleeps of 3 s in syscalls that restart_syscall() goes on with. */
static int sleep_nanosleep(void)
{
	struct timespec req = { .tv_sec = 3 }, rem;

	return nanosleep(&req, &rem) ? CR_BAD : CR_OK;
}

/* poll() on a silent pipe times out. */
static int sleep_poll(void)
{
	struct pollfd pfd = { .events = POLLIN };
	int p[2];

	if (pipe(p))
		return CR_BAD;
	pfd.fd = p[0];
	return poll(&pfd, 1, 3000) == 0 && !pfd.revents ? CR_OK : CR_BAD;
}

static int sleep_futex(void)
{
	struct timespec timeout = { .tv_sec = 3 };
	static unsigned int word;
	long ret;

	ret = syscall(__NR_futex, &word, FUTEX_WAIT_PRIVATE, 0, &timeout,
		      NULL, 0);
	return ret == -1 && errno == ETIMEDOUT ? CR_OK : CR_BAD;
}

FIXTURE(sleeper) {
	struct cr_files f;
};

FIXTURE_VARIANT(sleeper) {
	int (*sleep)(void);
	const char *wchan;	/* where it sleeps */
};

FIXTURE_VARIANT_ADD(sleeper, nanosleep) {
	.sleep = sleep_nanosleep, .wchan = "nanosleep",
};

FIXTURE_VARIANT_ADD(sleeper, poll) {
	.sleep = sleep_poll, .wchan = "poll",
};

FIXTURE_VARIANT_ADD(sleeper, futex_wait) {
	.sleep = sleep_futex, .wchan = "futex",
};

FIXTURE_SETUP(sleeper)
{
	cr_files_init(&self->f, "sleep");
}

FIXTURE_TEARDOWN(sleeper)
{
	cr_files_fini(&self->f);
}

/* Checkpointed 0.5 s in, it sleeps the 2.5 s it had left: not 0, not 3. */
TEST_F(sleeper, goes_on_for_the_time_it_had_left)
{
	pid_t child, restored;
	double t0, slept;

	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		cr_wait_go(self->f.go);
		_exit(variant->sleep());
	}
	cr_wait_ready(self->f.go);
	cr_go(self->f.go);
	wait_in(child, variant->wchan);
	usleep(500000);
	t0 = now();
	restored = cr_checkpoint_restart(&self->f, child);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&self->f));
	ASSERT_EQ(cr_wait_exit(restored), CR_OK);
	slept = now() - t0;
	EXPECT_GT(slept, 1.0);
	EXPECT_LT(slept, 2.95);
}

/* poll() without a timeout goes on, on the same fds, until one is ready. */
TEST(poll_goes_on_after_restart)
{
	struct cr_files f;
	pid_t child, restored;

	cr_files_init(&f, "pollinf");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct itimerspec its = { .it_value.tv_sec = 2 };
		struct pollfd pfd[2] = {
			{ .events = POLLIN }, { .events = POLLIN },
		};
		int p[2], n;

		cr_child_init();
		pfd[1].fd = timerfd_create(CLOCK_MONOTONIC, 0);
		if (pipe(p) || pfd[1].fd < 0)
			_exit(CR_BAD);
		pfd[0].fd = p[0];
		cr_wait_go(f.go);
		timerfd_settime(pfd[1].fd, 0, &its, NULL);
		n = poll(pfd, 2, -1);
		_exit(n == 1 && !pfd[0].revents && pfd[1].revents == POLLIN ?
		      CR_OK : CR_BAD);
	}
	cr_wait_ready(f.go);
	cr_go(f.go);
	wait_in(child, "poll");
	restored = cr_checkpoint_restart(&f, child);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);
	cr_files_fini(&f);
}

TEST(restart_with_a_chosen_pid)
{
	struct cr_files f;
	pid_t child, restored, want;

	cr_files_init(&f, "pid");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, child, NULL), 0);
	ASSERT_EQ(cr_checkpoint_kill(&f, child), 0) TH_LOG("%s", cr_log(&f));
	want = child + 1000;
	restored = sys_restart(want, f.img, 0, f.logfd);
	ASSERT_EQ(restored, want) TH_LOG("%s", cr_log(&f));
	/* That pid is taken now. */
	lseek(f.img, 0, SEEK_SET);
	EXPECT_EQ(sys_restart(want, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, EEXIST);
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);
	EXPECT_TRUE(cr_no_children());
	cr_files_fini(&f);
}

/* Copy @in to @out in a child, until EOF; the child closes @other. */
static pid_t pump(int in, int out, int other)
{
	pid_t pid = fork();
	char buf[8192];
	ssize_t n;

	if (!pid) {
		close(other);
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, n) != n)
				_exit(1);
		_exit(n ? 1 : 0);
	}
	return pid;
}

#define PIPE_MEM	(2UL << 20)	/* many times what a pipe holds */

static unsigned char *pipe_mem(void)
{
	unsigned char *mem = mmap(NULL, PIPE_MEM, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long i;

	if (mem != MAP_FAILED)
		for (i = 0; i < PIPE_MEM; i++)
			mem[i] = i * 7 + i / 4096 + 1;
	return mem;
}

static bool pipe_mem_same(const unsigned char *mem)
{
	unsigned long i;

	for (i = 0; i < PIPE_MEM; i++)
		if (mem[i] != (unsigned char)(i * 7 + i / 4096 + 1))
			return false;
	return true;
}

/*
 * The image goes out through a pipe, and comes back in through another.
 * With CHECKPOINT_KILL the pages go into the pipe as they are: the
 * restored memory must be what it was when the tree was saved.
 */
TEST(image_through_pipes)
{
	struct cr_files f;
	pid_t child, restored, reader, writer;
	int p[2];

	cr_files_init(&f, "pipe");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		unsigned long long r;
		unsigned char *mem;

		cr_child_init();
		mem = pipe_mem();
		r = compute(STEPS / 64);
		cr_wait_go(f.go);
		_exit(r == compute(STEPS / 64) && mem != MAP_FAILED &&
		      pipe_mem_same(mem) ? CR_OK : CR_BAD);
	}
	cr_wait_ready(f.go);

	ASSERT_EQ(pipe(p), 0);
	reader = pump(p[0], f.img, p[1]);
	close(p[0]);
	ASSERT_EQ(sys_checkpoint(child, p[1], CHECKPOINT_KILL, f.logfd), 0)
		TH_LOG("%s", cr_log(&f));
	close(p[1]);
	ASSERT_EQ(cr_wait_exit(reader), 0);
	ASSERT_EQ(waitpid(child, NULL, 0), child);

	ASSERT_EQ(pipe(p), 0);
	lseek(f.img, 0, SEEK_SET);
	writer = pump(f.img, p[1], p[0]);
	close(p[1]);
	restored = sys_restart(0, p[0], 0, f.logfd);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	close(p[0]);
	ASSERT_EQ(cr_wait_exit(writer), 0);
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);
	cr_files_fini(&f);
}

TEST(bad_arguments)
{
	struct cr_files f;
	int rd;

	cr_files_init(&f, "args");
	EXPECT_EQ(sys_checkpoint(0, f.img, 1UL << 40, -1), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(sys_restart(0, f.img, 1UL << 40, -1), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(sys_checkpoint(0, 1000, 0, -1), -1);
	EXPECT_EQ(errno, EBADF);
	rd = open(f.image, O_RDONLY);
	EXPECT_EQ(sys_checkpoint(0, rd, 0, -1), -1);
	EXPECT_EQ(errno, EBADF);
	EXPECT_EQ(sys_checkpoint(999999, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, ESRCH);
	EXPECT_NE(strstr(cr_log(&f), "no process 999999"), NULL);
	close(rd);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
