// SPDX-License-Identifier: GPL-2.0
/*
 * checkpoint() and restart() with one failure injected at a random point:
 * a slab allocation (failslab), a page allocation (fail_page_alloc) or a
 * copy to or from user memory (fail_usercopy) - in the checkpointer, the
 * nth fault site it meets (fail-nth); in the restarter and the tasks it
 * makes, which inherit make-it-fail, the nth call of one kind, counted
 * from wherever the count stood. A checkpoint must end
 * cleanly, with the target running as before; a restart must fail
 * cleanly and leave nothing behind, or restore a tree that gives its
 * expected result. The kernel's checks (KASAN, lockdep, kmemleak) watch
 * for what an error path forgot.
 *
 * Needs CONFIG_FAULT_INJECTION_DEBUG_FS; CR_FAULTS_ROUNDS sets the rounds
 * (30 by default), CR_FAULTS_SEED the seed.
 */
#include "../kselftest_harness.h"
#include "cr_util.h"
#include "cr_shapes.h"

#define DEBUGFS	"/sys/kernel/debug/"

static const char *const attrs[] = { "failslab", "fail_page_alloc",
				     "fail_usercopy" };

static int put(const char *attr, const char *knob, const char *val)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), DEBUGFS "%s/%s", attr, knob);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* @attr fails once, at the @nth call made by a task that may fail. */
static int arm(const char *attr, unsigned int nth)
{
	char n[16];

	snprintf(n, sizeof(n), "%u", nth);
	put(attr, "ignore-gfp-wait", "N");
	put(attr, "ignore-gfp-highmem", "N");
	put(attr, "min-order", "0");
	return put(attr, "task-filter", "Y") ||
	       put(attr, "verbose", getenv("CR_FAULTS_VERBOSE") ?: "0") ||
	       put(attr, "probability", "100") || put(attr, "interval", n) ||
	       put(attr, "times", "1");
}

static void disarm(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		put(attrs[i], "times", "0");
}

static void may_fail(pid_t pid, const char *tid, int on)
{
	char path[320];
	int fd;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%s/make-it-fail",
			 pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/make-it-fail", pid);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		write(fd, on ? "1" : "0", 1);
		close(fd);
	}
}

/* Restored tasks inherit make-it-fail: clear it for the tree at @pid. */
static void may_not_fail_tree(pid_t pid)
{
	pid_t child[16];
	struct dirent *t;
	char path[64];
	DIR *dir;
	int i, n;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	while (dir && (t = readdir(dir)))
		if (t->d_name[0] != '.')
			may_fail(pid, t->d_name, 0);
	if (dir)
		closedir(dir);
	n = cr_children_of(pid, child, 16);
	for (i = 0; i < n; i++)
		may_not_fail_tree(child[i]);
}

static pid_t start(struct cr_files *f, enum shape s)
{
	pid_t pid;

	unlink(f->go);
	pid = fork();
	if (!pid) {
		cr_child_init();
		_exit(shape_fn[s](f->go));
	}
	return cr_wait_child_ready(f->go, pid, NULL) ? -1 : pid;
}

FIXTURE(faults) {
	struct cr_files f;
};

FIXTURE_SETUP(faults)
{
	if (access(DEBUGFS "failslab", F_OK))
		SKIP(return, "no fault injection in this kernel");
	cr_be_subreaper();
	cr_files_init(&self->f, "faults");
}

FIXTURE_TEARDOWN(faults)
{
	disarm();
	cr_files_fini(&self->f);
}

TEST_F_TIMEOUT(faults, one_failure_ends_cleanly, 1200)
{
	const char *env = getenv("CR_FAULTS_ROUNDS");
	unsigned int rounds = env ? atoi(env) : 30, i, seed;
	unsigned int failed[2] = {}, done[2] = {}, recovered = 0;
	struct cr_files *f = &self->f;
	int status, err, report[2];
	pid_t target, pid;
	long ret;

	env = getenv("CR_FAULTS_SEED");
	seed = env ? atoi(env) : cr_now_ms();
	srand(seed);
	TH_LOG("seed %u, %u rounds", seed, rounds);
	for (i = 0; i < rounds; i++) {
		unsigned int a = rand() % (ARRAY_SIZE(attrs));
		unsigned int nth = 1 + rand() % (a == 2 ? 200 : 2000);
		enum shape s = rand() % NR_SHAPES;
		bool at_restart = rand() % 2;

		if (access(DEBUGFS "fail_usercopy", F_OK) && a == 2)
			a = 0;
		target = start(f, s);
		ASSERT_GT(target, 0);
		ftruncate(f->logfd, 0);
		lseek(f->img, 0, SEEK_SET);
		ftruncate(f->img, 0);

		if (!at_restart) {
			/*
			 * The nth fault site the checkpointer meets fails, of
			 * any kind (fail-nth): the target goes on.
			 */
			ASSERT_EQ(arm(attrs[a], ~0U), 0);
			pid = fork();
			if (!pid) {
				char n[16];
				int fd = open("/proc/thread-self/fail-nth", O_WRONLY);

				/* A checkpoint meets a few dozen counted sites. */
				snprintf(n, sizeof(n), "%u", 1 + nth % 50);
				if (fd < 0 || write(fd, n, strlen(n)) < 0)
					_exit(253);
				ret = sys_checkpoint(target, f->img, 0, f->logfd);
				/* 0 once it fired: say so when nothing failed. */
				if (!ret && pread(fd, n, sizeof(n), 0) > 0 && n[0] == '0')
					_exit(252);
				_exit(ret ? errno : 0);
			}
			err = cr_wait_exit(pid);
			disarm();
			ASSERT_NE(err, 253);
			/* A failure the kernel recovers from is no error. */
			recovered += err == 252;
			failed[0] += err && err != 252;
			done[0]++;
			cr_go(f->go);
			ASSERT_EQ(cr_wait_exit(target), CR_OK)
				TH_LOG("round %u (seed %u): %s %u: the target was harmed: %d %s",
				       i, seed, attrs[a], nth, err, cr_log(f));
			ASSERT_TRUE(cr_all_gone(false));
			continue;
		}

		ASSERT_EQ(cr_checkpoint_kill_tree(f, target), 0)
			TH_LOG("%s", cr_log(f));
		ASSERT_EQ(arm(attrs[a], nth), 0);
		ASSERT_EQ(pipe(report), 0);
		pid = fork();
		if (!pid) {
			close(report[0]);
			may_fail(getpid(), NULL, 1);
			ret = sys_restart(0, f->img, RESTART_PIDS, f->logfd);
			err = errno;
			may_fail(getpid(), NULL, 0);
			if (ret < 0)
				_exit(err);
			disarm();
			may_not_fail_tree(ret);
			cr_go(f->go);
			if (waitpid(ret, &status, __WALL) != ret)
				_exit(254);
			/* The restored root's status, reported to the test. */
			write(report[1], &status, sizeof(status));
			_exit(WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 255);
		}
		close(report[1]);
		if (read(report[0], &status, sizeof(status)) != sizeof(status))
			status = 0;
		close(report[0]);
		err = cr_wait_exit(pid);
		disarm();
		failed[1] += !!err;
		done[1]++;
		ASSERT_NE(err, 255)
			TH_LOG("round %u (seed %u): %s %u: the restored %s was wrong: %#x; %s",
			       i, seed, attrs[a], nth, shape_name[s], status,
			       cr_log(f));
		ASSERT_NE(err, -1) TH_LOG("round %u: the restarter died", i);
		ASSERT_TRUE(cr_all_gone(false))
			TH_LOG("round %u (seed %u): %s %u left a task: %s", i,
			       seed, attrs[a], nth, cr_log(f));
	}
	TH_LOG("checkpoints: %u, %u failed, %u recovered; restarts: %u, %u failed",
	       done[0], failed[0], recovered, done[1], failed[1]);
}

TEST_HARNESS_MAIN
