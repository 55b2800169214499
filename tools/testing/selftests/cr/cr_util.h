/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the checkpoint/restart selftests.
 *
 * A typical test forks a child that sets some state up and then waits for
 * a "go" file; the test checkpoints the child (killing it), restarts it
 * from the image, creates the go file, and the restored child checks that
 * its state is what it set up, reporting through its exit status.
 */
#ifndef CR_UTIL_H
#define CR_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/checkpoint.h>
#include <linux/close_range.h>

static inline long sys_checkpoint(pid_t pid, int fd, unsigned long flags,
				  int logfd)
{
	return syscall(__NR_checkpoint, pid, fd, flags, logfd);
}

static inline long sys_restart(pid_t pid, int fd, unsigned long flags,
			       int logfd)
{
	return syscall(__NR_restart, pid, fd, flags, logfd);
}

/*
 * A restored child can say why it failed: cr_note() appends a line to a
 * file that cr_notes() reads back for the test's log. The file is opened
 * only to write, so it is never part of a checkpointed fd table.
 */
#define CR_NOTES	"/tmp/cr-notes"

static inline void cr_note(const char *fmt, ...)
{
	int fd = open(CR_NOTES, O_WRONLY | O_CREAT | O_APPEND, 0600);
	va_list ap;

	va_start(ap, fmt);
	vdprintf(fd, fmt, ap);
	va_end(ap);
	close(fd);
}

static inline const char *cr_notes(void)
{
	static char buf[2048];
	int fd = open(CR_NOTES, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	unlink(CR_NOTES);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Child exit codes */
#define CR_OK		0
#define CR_BAD		1

/* What a test needs: an image file, a log file, a go file. */
struct cr_files {
	char image[64];
	char log[64];
	char go[64];
	int img;
	int logfd;
};

/*
 * "<go>.ready", a directory that the child makes once it is set up and
 * waits for its go file: making it leaves no fd open in the child.
 */
static inline void cr_ready_file(char *buf, size_t len, const char *go)
{
	snprintf(buf, len, "%s.ready", go);
}

static inline void cr_files_init(struct cr_files *f, const char *tag)
{
	snprintf(f->image, sizeof(f->image), "/tmp/cr-%s-%d.img", tag, getpid());
	snprintf(f->log, sizeof(f->log), "/tmp/cr-%s-%d.log", tag, getpid());
	snprintf(f->go, sizeof(f->go), "/tmp/cr-%s-%d.go", tag, getpid());
	unlink(f->go);
	f->img = open(f->image, O_RDWR | O_CREAT | O_TRUNC, 0600);
	f->logfd = open(f->log, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0600);
}

static inline void cr_files_fini(struct cr_files *f)
{
	char ready[80];

	cr_ready_file(ready, sizeof(ready), f->go);
	rmdir(ready);
	close(f->img);
	close(f->logfd);
	unlink(f->image);
	unlink(f->log);
	unlink(f->go);
}

/* The reasons the kernel logged, for the test's report. */
static inline const char *cr_log(struct cr_files *f)
{
	static char buf[4096];
	ssize_t n = pread(f->logfd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/*
 * kselftest_harness.h shares an anonymous page with each test's process
 * for its results, and checkpoint() refuses memory shared with a task
 * outside the checkpoint. Unmap every shared mapping.
 */
static inline void cr_unmap_shared(void)
{
	unsigned long start[16], end[16];
	char line[512], perms[8];
	int n = 0, i;
	FILE *maps;

	maps = fopen("/proc/self/maps", "r");
	while (maps && n < 16 && fgets(line, sizeof(line), maps))
		if (sscanf(line, "%lx-%lx %7s", &start[n], &end[n], perms) == 3 &&
		    perms[3] == 's')
			n++;
	if (maps)
		fclose(maps);
	for (i = 0; i < n; i++)
		munmap((void *)start[i], end[i] - start[i]);
}

/*
 * In a child: keep only fds 0-2, on /dev/null, and the @keep fds from 3 on,
 * and no shared memory, so that it is checkpointable.
 */
static inline void cr_child_init_keep(int keep)
{
	int fd;

	cr_unmap_shared();
	syscall(__NR_close_range, 3 + keep, ~0U, 0);
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static inline void cr_child_init(void)
{
	cr_child_init_keep(0);
}

/* Wait until @path exists: a child other than the root waits so for go. */
static inline void cr_await(const char *path)
{
	while (access(path, F_OK))
		usleep(10000);
}

static inline void cr_wait_go(const char *go)
{
	char ready[80];

	cr_ready_file(ready, sizeof(ready), go);
	mkdir(ready, 0700);
	cr_await(go);
}

/*
 * Wait until @child, which waits for @go, is set up. Returns 0, or -1 if
 * it exited first (reaped; *@status says how), or if @child is 0 -1 never.
 */
static inline int cr_wait_child_ready(const char *go, pid_t child,
				      int *status)
{
	char ready[80];

	cr_ready_file(ready, sizeof(ready), go);
	while (access(ready, F_OK)) {
		if (child > 0 && waitpid(child, status, WNOHANG) == child)
			return -1;
		usleep(10000);
	}
	rmdir(ready);
	return 0;
}

/* Wait until @child has exited, and leave it a zombie, not reaped. */
static inline int cr_wait_zombie(pid_t child)
{
	siginfo_t info;

	return waitid(P_PID, child, &info, WEXITED | WNOWAIT);
}

static inline void cr_wait_ready(const char *go)
{
	cr_wait_child_ready(go, 0, NULL);
}

static inline void cr_go(const char *go)
{
	close(open(go, O_WRONLY | O_CREAT, 0600));
}

/* The exit status of @pid, or -1 if it did not exit normally. */
static inline int cr_wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Checkpoint @pid into f->img, killing it; reap it; rewind the image.
 * Returns 0, or -errno (the reason is in f's log).
 */
static inline int cr_checkpoint_kill(struct cr_files *f, pid_t pid)
{
	int status;

	lseek(f->img, 0, SEEK_SET);
	ftruncate(f->img, 0);
	if (sys_checkpoint(pid, f->img, CHECKPOINT_KILL, f->logfd))
		return -errno;
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status))
		return -ECHILD;
	lseek(f->img, 0, SEEK_SET);
	return 0;
}

/*
 * A test that checkpoints a process tree with CHECKPOINT_KILL becomes a
 * child subreaper before it forks the tree: the tree's orphans come back
 * to it, and cr_checkpoint_kill_tree() reaps them, so that their pids are
 * free again for RESTART_PIDS.
 */
static inline void cr_be_subreaper(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* cr_checkpoint_kill() of a tree, reaping all of it. */
static inline int cr_checkpoint_kill_tree(struct cr_files *f, pid_t pid)
{
	int ret = cr_checkpoint_kill(f, pid);

	while (!ret && waitpid(-1, NULL, __WALL) > 0)
		;
	return ret;
}

/* cr_checkpoint_kill_tree(), then restart with @flags. */
static inline pid_t cr_checkpoint_restart_tree(struct cr_files *f, pid_t pid,
					       unsigned long flags)
{
	long ret = cr_checkpoint_kill_tree(f, pid);

	if (ret)
		return ret;
	ret = sys_restart(0, f->img, flags, f->logfd);
	return ret < 0 ? -errno : ret;
}

/*
 * Restart the image on @fd in a new pid namespace, where every pid is
 * free: unshare() one for the caller's children and fork its init, which
 * calls restart() with RESTART_PIDS and @flags, writes what it returned
 * (a long, -errno on failure) to @report, reaps every process left to it
 * and exits with the root's status. Returns the init's pid (the caller's
 * child), or -1. The caller's later children are born in the namespace.
 */
static inline pid_t cr_restart_in_pidns(int fd, unsigned long flags,
					int logfd, int report)
{
	int status, root_status = 0;
	pid_t init, w;
	long ret;

	if (unshare(CLONE_NEWPID))
		return -1;
	init = fork();
	if (init)
		return init;
	ret = sys_restart(0, fd, flags | RESTART_PIDS, logfd);
	if (ret < 0)
		ret = -errno;
	if (write(report, &ret, sizeof(ret)) != sizeof(ret) || ret < 0)
		_exit(1);
	while ((w = waitpid(-1, &status, __WALL)) > 0 || errno == EINTR) {
		if (w == ret)
			root_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				      128 + WTERMSIG(status);
	}
	_exit(root_status);
}

static inline long cr_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static inline void cr_slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = read(fd, buf, len - 1);

	close(fd);
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * Up to @max children of @parent, found in /proc, in @child; their number.
 * Threads are not counted.
 */
static inline int cr_children_of(pid_t parent, pid_t *child, int max)
{
	char path[288], stat[512], *end;
	DIR *proc = opendir("/proc");
	struct dirent *d;
	int n = 0, ppid;

	while (proc && n < max && (d = readdir(proc))) {
		pid_t pid = strtol(d->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		cr_slurp(path, stat, sizeof(stat));
		end = strrchr(stat, ')');
		if (end && sscanf(end, ") %*c %d", &ppid) == 1 && ppid == parent)
			child[n++] = pid;
	}
	if (proc)
		closedir(proc);
	return n;
}

/*
 * Wait up to 30 s until no child of ours is left - a subreaper's, the
 * orphans of a tree included - reaping them, and killing them first if
 * @kill_them. 1 if none is left.
 */
static inline int cr_all_gone(bool kill_them)
{
	long end = cr_now_ms() + 30000;
	pid_t child[64];
	int i, n;

	while (cr_now_ms() < end) {
		pid_t w = waitpid(-1, NULL, __WALL | WNOHANG);

		if (w < 0 && errno == ECHILD)
			return 1;
		if (w > 0)
			continue;
		n = kill_them ? cr_children_of(getpid(), child, 64) : 0;
		for (i = 0; i < n; i++)
			kill(child[i], SIGKILL);
		usleep(10000);
	}
	return 0;
}

#ifdef __KSELFTEST_HARNESS_H
/*
 * On a kernel without the syscalls (CONFIG_CHECKPOINT=n, or an
 * architecture that has none yet), every test program skips as a whole.
 * restart() of pid -1 is refused at once where it exists.
 */
static void __attribute__((constructor)) cr_need_syscalls(void)
{
	if (sys_restart(-1, -1, 0, -1) < 0 && errno == ENOSYS)
		ksft_exit_skip("checkpoint() and restart() are not in this kernel\n");
}

/*
 * The harness gives a test 30 s. On a debug kernel (KASAN, lockdep,
 * kmemleak) under TCG, on a machine busy with other work, one checkpoint
 * and restart of a small tree takes seconds: each test here has
 * TEST_TIMEOUT_DEFAULT, and one that runs a workload through several
 * restarts is a TEST_F_TIMEOUT(slow, ...) of CR_SLOW_TIMEOUT.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	120
#define CR_SLOW_TIMEOUT		300

/*
 * What every task but init is doing, for the log of a test that waited
 * too long: a hang shows where it sleeps.
 */
static inline void cr_log_tasks(struct __test_metadata *_metadata)
{
	char path[600], stat[1024], wchan[64], *end;
	DIR *proc = opendir("/proc"), *tasks;
	struct dirent *p, *t;

	while (proc && (p = readdir(proc))) {
		strtol(p->d_name, &end, 10);
		if (*end || p->d_name[0] == '.' || !strcmp(p->d_name, "1"))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", p->d_name);
		cr_slurp(path, stat, sizeof(stat));
		/* Kernel threads are kthreadd, pid 2, and its children. */
		if (!strcmp(p->d_name, "2") || strstr(stat, ") S 2 ") ||
		    strstr(stat, ") I 2 "))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		tasks = opendir(path);
		while (tasks && (t = readdir(tasks))) {
			if (t->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/stat",
				 p->d_name, t->d_name);
			cr_slurp(path, stat, sizeof(stat));
			snprintf(path, sizeof(path), "/proc/%s/task/%s/wchan",
				 p->d_name, t->d_name);
			cr_slurp(path, wchan, sizeof(wchan));
			TH_LOG("%.*s wchan %s", (int)strcspn(stat, "\n"), stat,
			       wchan);
			/* Where it is in the kernel, if the kernel can tell. */
			snprintf(path, sizeof(path), "/proc/%s/task/%s/stack",
				 p->d_name, t->d_name);
			cr_slurp(path, stat, sizeof(stat));
			if (stat[0])
				TH_LOG("  stack %s", stat);
		}
		if (tasks)
			closedir(tasks);
	}
	if (proc)
		closedir(proc);
}

/*
 * Wait for @pid for at most @ms: its exit status, or -1 and a log of
 * where every task sleeps.
 */
static inline int cr_wait_exit_ms(struct __test_metadata *_metadata,
				  pid_t pid, long ms)
{
	long end = cr_now_ms() + ms;
	int status;

	while (cr_now_ms() < end) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (w < 0)
			return -1;
		usleep(20000);
	}
	TH_LOG("pid %d still runs after %ld ms:", pid, ms);
	cr_log_tasks(_metadata);
	return -1;
}

/*
 * Run @fn(out) in a child, uninterrupted; then again, checkpointed and
 * restarted with its pids three times at random moments in the first
 * three quarters of the first run's time. Its output, in @got, must be
 * the same. The time of each step is logged, with the seed.
 */
static inline void cr_compare_restarted(struct __test_metadata *_metadata,
					const char *tag,
					int (*fn)(const char *out),
					char *got, size_t len)
{
	unsigned int seed = cr_now_ms();
	char out[64], expect[256];
	long t0, t1, step, plain;
	struct cr_files f;
	pid_t pid;
	int i;

	cr_be_subreaper();
	cr_files_init(&f, tag);
	snprintf(out, sizeof(out), "/tmp/cr-%s-%d.out", tag, getpid());
	t0 = cr_now_ms();
	pid = fork();
	if (!pid) {
		cr_child_init();
		_exit(fn(out));
	}
	ASSERT_EQ(cr_wait_exit(pid), 0);
	plain = cr_now_ms() - t0;
	step = plain / 8;
	cr_slurp(out, expect, sizeof(expect));
	unlink(out);
	TH_LOG("seed %u; uninterrupted: %ld ms", seed, plain);

	srand(seed);
	t0 = cr_now_ms();
	pid = fork();
	if (!pid) {
		cr_child_init();
		_exit(fn(out));
	}
	for (i = 0; i < 3; i++) {
		usleep((step / 2 + (step ? rand() % step : 0)) * 1000);
		t1 = cr_now_ms();
		pid = cr_checkpoint_restart_tree(&f, pid, RESTART_PIDS);
		ASSERT_GT(pid, 0) TH_LOG("c/r %d (seed %u): %s", i, seed,
					 cr_log(&f));
		TH_LOG("c/r %d at %ld ms took %ld ms", i, t1 - t0,
		       cr_now_ms() - t1);
	}
	/* Far more than it needs, and well within CR_SLOW_TIMEOUT. */
	ASSERT_EQ(cr_wait_exit_ms(_metadata, pid, CR_SLOW_TIMEOUT * 1000 / 2),
		  0);
	TH_LOG("restarted run: %ld ms", cr_now_ms() - t0);
	cr_slurp(out, got, len);
	EXPECT_STREQ(expect, got);
	unlink(out);
	cr_files_fini(&f);
}
#endif

/* cr_checkpoint_kill(), then restart: the restored pid, or -errno. */
static inline pid_t cr_checkpoint_restart(struct cr_files *f, pid_t pid)
{
	long ret = cr_checkpoint_kill(f, pid);

	if (ret)
		return ret;
	ret = sys_restart(0, f->img, 0, f->logfd);
	return ret < 0 ? -errno : ret;
}

/* No child of ours is left over, running or zombie. */
static inline int cr_no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

#ifdef TH_LOG
/*
 * In a test: let @child set up, checkpoint it, restart it and let it go.
 * Its exit status, or -1 with the reason in the test's log.
 */
static inline int cr_run(struct __test_metadata *_metadata,
			 struct cr_files *f, pid_t child)
{
	pid_t restored;
	int ret;

	cr_notes();
	if (cr_wait_child_ready(f->go, child, &ret)) {
		TH_LOG("the child exited before it was ready: status %#x", ret);
		return -1;
	}
	restored = cr_checkpoint_restart(f, child);
	if (restored <= 0) {
		TH_LOG("restart: %d: %s", restored, cr_log(f));
		return -1;
	}
	cr_go(f->go);
	ret = cr_wait_exit(restored);
	if (ret)
		TH_LOG("the restored child says: %s", cr_notes());
	return ret;
}

/*
 * In a test: once @child is set up, checkpoint() of it must fail with
 * EOPNOTSUPP and @reason on logfd. Then let it go on: its exit status, or
 * -1 with the log in the test's log.
 */
static inline int cr_refused(struct __test_metadata *_metadata,
			     struct cr_files *f, pid_t child,
			     const char *reason)
{
	bool refused;
	int status;
	long ret;

	if (cr_wait_child_ready(f->go, child, &status)) {
		TH_LOG("the child exited before it was ready: status %#x",
		       status);
		return -1;
	}
	ret = sys_checkpoint(child, f->img, CHECKPOINT_KILL, f->logfd);
	refused = ret == -1 && errno == EOPNOTSUPP && strstr(cr_log(f), reason);
	if (!refused)
		TH_LOG("checkpoint() gave %ld, not \"%s\": %s", ret, reason,
		       cr_log(f));
	cr_go(f->go);
	ret = cr_wait_exit(child);
	return refused ? ret : -1;
}
#endif

#endif /* CR_UTIL_H */
