// SPDX-License-Identifier: GPL-2.0
/*
 * Programs nobody here wrote, checkpointed and restarted mid-run: their
 * output must equal that of an uninterrupted run. They are busybox applets,
 * as the test guest has them in /bin: alone, and a shell pipeline, whose
 * shell waits for its children by pid.
 */
#include <time.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

#define BUSYBOX "/bin/busybox"

static const char *awk_prog =
	"BEGIN { s = 0; for (i = 0; i < 400000; i++) { s = (s * 31 + i) % 1000003;"
	" if (i % 50000 == 0) print i, s } print \"done\", s }";
static const char *pipe_prog =
	"seq 1 60000 | awk '{ s = (s * 31 + $1) % 1000003;"
	" if ($1 % 5000 == 0) print $1, s }' | sed 's/^/out /'; echo done";
static const char *sh_prog =
	"i=0; while [ $i -lt 30000 ]; do i=$((i + 1));"
	" [ $((i % 1000)) -eq 0 ] && echo \"line $i\"; done; echo done";

/* Run busybox with @argv, stdout to @out; return its pid. */
static pid_t run(const char *out, char *const argv[])
{
	pid_t pid = fork();

	if (!pid) {
		cr_child_init();
		dup2(open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600), 1);
		syscall(__NR_close_range, 3, ~0U, 0);
		execv(BUSYBOX, argv);
		_exit(127);
	}
	return pid;
}

static char *slurp(const char *path)
{
	static char buf[2][65536];
	static int n;
	char *b = buf[n++ % 2];
	int fd = open(path, O_RDONLY);
	ssize_t len = read(fd, b, sizeof(buf[0]) - 1);

	close(fd);
	b[len > 0 ? len : 0] = '\0';
	return b;
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* Tests that run a workload through several restarts. */
FIXTURE(slow) {};
FIXTURE_SETUP(slow) {}
FIXTURE_TEARDOWN(slow) {}

/*
 * The output of @argv uninterrupted, and after being checkpointed, killed
 * and restarted @n times with restart @flags, at random moments within
 * the first three quarters of the uninterrupted run's time: a restored run
 * may be faster than the first, which faulted its memory in.
 */
static void compare(struct __test_metadata *_metadata, char *const argv[],
		    int n, unsigned long flags)
{
	char plain[64], cr[64], expect[65536];
	struct cr_files f;
	long t0, step;
	unsigned int seed;
	pid_t pid;
	int i;

	if (access(BUSYBOX, X_OK))
		SKIP(return, "no " BUSYBOX);
	cr_be_subreaper();
	cr_files_init(&f, argv[0]);
	snprintf(plain, sizeof(plain), "/tmp/cr-prog-%d.plain", getpid());
	snprintf(cr, sizeof(cr), "/tmp/cr-prog-%d.cr", getpid());

	t0 = now_us();
	pid = run(plain, argv);
	ASSERT_EQ(cr_wait_exit(pid), 0);
	step = (now_us() - t0) / (2 * n + 2);
	seed = now_us();
	srand(seed);
	snprintf(expect, sizeof(expect), "%s", slurp(plain));
	ASSERT_NE(strstr(expect, "done"), NULL);

	pid = run(cr, argv);
	for (i = 0; i < n; i++) {
		usleep(step / 2 + (step ? rand() % step : 0));
		pid = cr_checkpoint_restart_tree(&f, pid, flags);
		ASSERT_GT(pid, 0) TH_LOG("c/r %d (seed %u): %s", i, seed,
					 cr_log(&f));
	}
	ASSERT_EQ(cr_wait_exit(pid), 0);
	EXPECT_STREQ(expect, slurp(cr));
	unlink(plain);
	unlink(cr);
	cr_files_fini(&f);
}

TEST_F_TIMEOUT(slow, busybox_awk, CR_SLOW_TIMEOUT)
{
	char *const argv[] = { "awk", (char *)awk_prog, NULL };

	compare(_metadata, argv, 3, 0);
}

TEST_F_TIMEOUT(slow, busybox_sh, CR_SLOW_TIMEOUT)
{
	char *const argv[] = { "sh", "-c", (char *)sh_prog, NULL };

	compare(_metadata, argv, 3, 0);
}

/* Four processes, two pipes, a shell that waits for its children's pids. */
TEST_F_TIMEOUT(slow, busybox_pipeline, CR_SLOW_TIMEOUT)
{
	char *const argv[] = { "sh", "-c", (char *)pipe_prog, NULL };

	compare(_metadata, argv, 3, RESTART_PIDS);
}

TEST_HARNESS_MAIN
