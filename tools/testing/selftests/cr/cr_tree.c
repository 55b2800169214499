// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-threaded processes and process trees: threads blocked in the
 * kernel and their own state, parents and children with their pids,
 * groups and sessions, and what they share: pipes, memory, an open file.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <poll.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/msg.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

#define NTHREADS	5

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int ready, go;
	int rpipe[2], ppipe[2], epipe[2], ep;
	pid_t tid[NTHREADS];
	int bad[NTHREADS];
} th = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static __thread long tls_value;
static bool same_pids;

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Wait, blocked in the kernel in a way of its own, then check its state. */
static void *thread_main(void *arg)
{
	struct timespec t0, nap = { .tv_sec = 1, .tv_nsec = 500000000 };
	long i = (long)arg;
	char name[16], got[16] = "";
	struct epoll_event ev;
	sigset_t set, cur;
	stack_t ss, old;
	int bad = 0;
	char c = 0;

	tls_value = 1000 + i;
	snprintf(name, sizeof(name), "worker%ld", i);
	prctl(PR_SET_NAME, name);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + i);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ss.ss_sp = malloc(65536);
	ss.ss_size = 65536;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	th.tid[i] = gettid();

	pthread_mutex_lock(&th.lock);
	th.ready++;
	pthread_cond_broadcast(&th.cond);
	if (i == 0) {
		while (!th.go)
			pthread_cond_wait(&th.cond, &th.lock);
	}
	pthread_mutex_unlock(&th.lock);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	switch (i) {
	case 1:
		if (nanosleep(&nap, NULL) || elapsed_ms(&t0) < 1500)
			bad |= 32;
		break;
	case 2:
		if (read(th.rpipe[0], &c, 1) != 1 || c != 'r')
			bad |= 32;
		break;
	case 3: {
		struct pollfd pfd = { .fd = th.ppipe[0], .events = POLLIN };

		if (poll(&pfd, 1, -1) != 1 || read(th.ppipe[0], &c, 1) != 1 ||
		    c != 'p')
			bad |= 32;
		break;
	}
	case 4:
		if (epoll_wait(th.ep, &ev, 1, -1) != 1 || ev.data.u32 != 44 ||
		    read(th.epipe[0], &c, 1) != 1 || c != 'e')
			bad |= 32;
		break;
	}

	if (tls_value != 1000 + i)
		bad |= 1;
	prctl(PR_GET_NAME, got);
	if (strcmp(got, name))
		bad |= 2;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	if (!sigismember(&cur, SIGRTMIN + i) ||
	    sigismember(&cur, SIGRTMIN + (i + 1) % NTHREADS))
		bad |= 4;
	if (sigaltstack(NULL, &old) || old.ss_sp != ss.ss_sp)
		bad |= 8;
	if (same_pids && gettid() != th.tid[i])
		bad |= 16;
	th.bad[i] = bad;
	return NULL;
}

/* A process of NTHREADS + 1 threads; its exit status tells what differed. */
static int threads_child(const char *go, const char *file)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 44 };
	pthread_t t[NTHREADS];
	pid_t pid = getpid();
	int bad = 0;
	long i;

	if (pipe(th.rpipe) || pipe(th.ppipe) || pipe(th.epipe))
		return 100;
	th.ep = epoll_create1(0);
	if (epoll_ctl(th.ep, EPOLL_CTL_ADD, th.epipe[0], &ev))
		return 101;
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, thread_main, (void *)i))
			return 102;
	pthread_mutex_lock(&th.lock);
	while (th.ready < NTHREADS)
		pthread_cond_wait(&th.cond, &th.lock);
	pthread_mutex_unlock(&th.lock);
	usleep(100000);	/* into their syscalls */

	cr_wait_go(go);
	if (write(th.rpipe[1], "r", 1) != 1 || write(th.ppipe[1], "p", 1) != 1 ||
	    write(th.epipe[1], "e", 1) != 1)
		return 103;
	pthread_mutex_lock(&th.lock);
	th.go = 1;
	pthread_cond_broadcast(&th.cond);
	pthread_mutex_unlock(&th.lock);
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
		if (th.bad[i])
			cr_note("thread %ld: %#x\n", i, th.bad[i]);
		bad |= th.bad[i];
	}
	if (same_pids && getpid() != pid)
		bad |= 64;
	return bad;
}

/*
 * A tree: root R, its children C1 (a group leader), C2 (a session leader)
 * and C3, in C1's group, and C1's child G, back in R's group.
 */
enum { R, C1, C2, G, C3, NPROCS };

struct ids {
	pid_t pid, ppid, pgid, sid;
};

struct tree_shared {
	int ready;
	int after;			/* processes that ran after restart */
	struct ids ids[NPROCS];		/* before checkpoint */
	struct ids now[NPROCS];		/* after restart */
};

static int private_value = 1;

static void record_ids(struct tree_shared *s, int who)
{
	s->ids[who] = (struct ids){ getpid(), getppid(), getpgrp(), getsid(0) };
	private_value = 10 + who;
	__atomic_add_fetch(&s->ready, 1, __ATOMIC_SEQ_CST);
}

/*
 * Once all of the tree has its ids after restart: its parent is @parent,
 * its group is led by @group (-1: the root's, from outside), it leads its
 * session if @leader or is in the root's, and with RESTART_PIDS all its
 * ids are what they were.
 */
static int check_ids(struct tree_shared *s, int who, int parent, int group,
		     bool leader)
{
	struct ids now = { getpid(), getppid(), getpgrp(), getsid(0) };
	struct ids *all = s->now;
	int bad = 0;

	s->now[who] = now;
	__atomic_add_fetch(&s->after, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&s->after, __ATOMIC_SEQ_CST) < NPROCS)
		usleep(10000);

	if (parent >= 0 && now.ppid != all[parent].pid)
		bad |= 1;
	if (now.pgid != (group >= 0 ? all[group].pid : all[R].pgid))
		bad |= 2;
	if (now.sid != (leader ? now.pid : all[R].sid))
		bad |= 4;
	if (same_pids && memcmp(&now, &s->ids[who], sizeof(now)))
		bad |= 8;
	if (private_value != 10 + who)
		bad |= 16;
	if (bad)
		cr_note("process %d: %#x\n", who, bad);
	return bad;
}

/* A child's exit status: by pid, which only RESTART_PIDS keeps. */
static int wait_child(pid_t pid)
{
	int status;

	if (!same_pids)
		pid = -1;
	if (waitpid(pid, &status, 0) <= 0)
		return 0x100;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 0x200;
}

/*
 * R writes into a pipe to C1, which passes it on to G through another;
 * all four share a page and R, C1 an open file, whose offset they share.
 */
static int tree_root(const char *go, const char *file)
{
	struct tree_shared *s;
	int p1[2], p2[2], fd, bad = 0;
	pid_t c1, c2, c3;
	char buf[8] = "";

	s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (s == MAP_FAILED || fd < 0 || pipe(p1) || pipe(p2))
		return 100;
	/* s->ids[R] is written here and by the children's checks. */
	s->ids[R] = (struct ids){ getpid(), getppid(), getpgrp(), getsid(0) };
	private_value = 10 + R;

	c1 = fork();
	if (!c1) {
		pid_t g;

		setpgid(0, 0);
		g = fork();
		if (!g) {
			close(p1[0]);
			setpgid(0, s->ids[R].pgid);
			record_ids(s, G);
			cr_await(go);
			if (read(p2[0], buf, 5) != 5 || strcmp(buf, "hello"))
				_exit(0x40);
			_exit(check_ids(s, G, C1, -1, false));
		}
		record_ids(s, C1);
		cr_await(go);
		if (read(p1[0], buf, 5) != 5 || write(p2[1], buf, 5) != 5 ||
		    write(fd, "B", 1) != 1)
			_exit(0x40);
		bad = check_ids(s, C1, R, C1, false);
		_exit(bad | wait_child(g));
	}
	c2 = fork();
	if (!c2) {
		setsid();
		record_ids(s, C2);
		cr_await(go);
		_exit(check_ids(s, C2, R, C2, true));
	}
	while (__atomic_load_n(&s->ready, __ATOMIC_SEQ_CST) < 3)
		usleep(10000);
	c3 = fork();
	if (!c3) {
		setpgid(0, c1);
		record_ids(s, C3);
		cr_await(go);
		_exit(check_ids(s, C3, R, C1, false));
	}
	if (write(fd, "A", 1) != 1 || write(p1[1], "hello", 5) != 5)
		return 101;
	while (__atomic_load_n(&s->ready, __ATOMIC_SEQ_CST) < 4)
		usleep(10000);
	usleep(50000);

	cr_wait_go(go);
	bad = check_ids(s, R, -1, -1, false);
	bad |= wait_child(c1) << 8;
	bad |= wait_child(c2) << 16;
	bad |= wait_child(c3) << 24;
	if (write(fd, "C", 1) != 1)
		bad |= 0x10000;
	if (bad)
		cr_note("root: %#x\n", bad);
	return bad ? 1 : 0;
}

FIXTURE(pids) {
	struct cr_files f;
	char file[64];
};

FIXTURE_VARIANT(pids) {
	unsigned long flags;
};

FIXTURE_VARIANT_ADD(pids, new) {
	.flags = 0,
};

FIXTURE_VARIANT_ADD(pids, same) {
	.flags = RESTART_PIDS,
};

FIXTURE_SETUP(pids)
{
	cr_files_init(&self->f, "pids");
	snprintf(self->file, sizeof(self->file), "/tmp/cr-pids-%d.out",
		 getpid());
}

FIXTURE_TEARDOWN(pids)
{
	unlink(self->file);
	cr_files_fini(&self->f);
}

/*
 * Run @fn in a child, checkpoint and restart its tree with @flags, let it
 * go: it must exit with 0.
 */
static void restart_and_check(struct __test_metadata *_metadata,
			      struct cr_files *f, const char *file,
			      unsigned long flags,
			      int (*fn)(const char *go, const char *file))
{
	pid_t child, restored;
	int status;

	cr_be_subreaper();
	same_pids = flags & RESTART_PIDS;
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		_exit(fn(f->go, file));
	}
	ASSERT_EQ(cr_wait_child_ready(f->go, child, &status), 0);
	restored = cr_checkpoint_restart_tree(f, child, flags);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(f));
	if (same_pids)
		EXPECT_EQ(restored, child);
	cr_go(f->go);
	EXPECT_EQ(cr_wait_exit(restored), 0) TH_LOG("%s", cr_notes());
}

/*
 * Threads asleep in a futex (condvar), nanosleep, read, poll and
 * epoll_wait go on, each with its own TLS, name, signal mask and
 * sigaltstack, and with RESTART_PIDS its own tid.
 */
TEST_F(pids, threads_keep_their_state)
{
	restart_and_check(_metadata, &self->f, self->file, variant->flags, threads_child);
}

/*
 * The tree comes back whole: parents, groups and sessions, bytes in
 * flight in pipes between processes, a page they share, private pages
 * that stay private, one file offset for two processes.
 */
TEST_F(pids, tree_comes_back_whole)
{
	char buf[8] = "";
	int fd;

	restart_and_check(_metadata, &self->f, self->file, variant->flags, tree_root);
	fd = open(self->file, O_RDONLY);
	ASSERT_EQ(read(fd, buf, sizeof(buf)), 3);
	EXPECT_STREQ(buf, "ABC");
	close(fd);
}

/*
 * A POSIX timer that a thread aimed at itself (SIGEV_THREAD_ID) signals
 * that thread after restart, under its new tid too, and no other.
 */
#define TIMER_SIG	(SIGRTMIN + 2)

static void *timer_thread(void *arg)
{
	struct sigevent ev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = TIMER_SIG,
		.sigev_value.sival_int = 77,
	};
	struct itimerspec its = {
		.it_value.tv_nsec = 50000000, .it_interval.tv_nsec = 50000000,
	};
	struct timespec wait = { .tv_sec = 2 };
	const char *go = arg;
	sigset_t set;
	siginfo_t si;
	timer_t timer;
	long got = 0;

	ev._sigev_un._tid = gettid();
	sigemptyset(&set);
	sigaddset(&set, TIMER_SIG);
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer) ||
	    timer_settime(timer, 0, &its, NULL))
		return (void *)1L;
	cr_await(go);
	while (got < 3 && sigtimedwait(&set, &si, &wait) == TIMER_SIG)
		got += si.si_code == SI_TIMER && si.si_value.sival_int == 77;
	return (void *)(got < 3 ? 2L : 0L);
}

static int timer_child(const char *go, const char *file)
{
	pthread_t t;
	sigset_t set, pending;
	void *ret;

	sigemptyset(&set);
	sigaddset(&set, TIMER_SIG);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&t, NULL, timer_thread, (void *)go))
		return 100;
	usleep(200000);
	cr_wait_go(go);
	pthread_join(t, &ret);
	sigpending(&pending);
	return (long)ret | (sigismember(&pending, TIMER_SIG) ? 4 : 0);
}

TEST_F(pids, thread_timer_signals_its_thread)
{
	restart_and_check(_metadata, &self->f, self->file, variant->flags, timer_child);
}

/*
 * A tree with a UTS namespace of its own comes back in one of its own,
 * with its names; the restarter's names do not change.
 */
TEST(uts_namespace_comes_back)
{
	char mine[65], name[65];
	struct cr_files f;
	pid_t child, restored;
	int status;

	cr_be_subreaper();
	cr_files_init(&f, "uts");
	gethostname(mine, sizeof(mine));
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		pid_t g;

		cr_child_init();
		if (unshare(CLONE_NEWUTS) || sethostname("cr-uts", 6) ||
		    setdomainname("cr-domain", 9))
			_exit(2);
		g = fork();
		if (!g) {
			cr_await(f.go);
			if (gethostname(name, sizeof(name)) ||
			    strcmp(name, "cr-uts"))
				_exit(3);
			_exit(0);
		}
		cr_wait_go(f.go);
		if (waitpid(g, &status, 0) != g || status)
			_exit(4);
		if (getdomainname(name, sizeof(name)) || strcmp(name, "cr-domain"))
			_exit(5);
		/* Its own: this does not change the test's name. */
		_exit(sethostname("cr-uts-2", 8) ? 6 : 0);
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, child, &status), 0)
		TH_LOG("child: %d", WEXITSTATUS(status));
	restored = cr_checkpoint_restart_tree(&f, child, RESTART_PIDS);
	ASSERT_EQ(restored, child) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(restored), 0);
	gethostname(name, sizeof(name));
	EXPECT_STREQ(mine, name);
	cr_files_fini(&f);
}

/* A process and its thread, each knowing its own ids from before. */
struct ns_ids {
	pid_t root, child, thread;
};

static void *ns_thread(void *arg)
{
	struct ns_ids *ids = arg;

	ids->thread = gettid();
	for (;;)
		pause();
	return NULL;
}

/*
 * A root whose child has a second thread. After restart each checks that
 * its pid, its parent's and its thread's tid are what they were.
 */
static int ns_root(const char *go)
{
	struct ns_ids ids = { .root = getpid() };
	int status, bad = 0;
	pthread_t t;
	pid_t child;

	child = fork();
	if (!child) {
		ids.child = getpid();
		if (pthread_create(&t, NULL, ns_thread, &ids))
			_exit(100);
		while (!__atomic_load_n(&ids.thread, __ATOMIC_SEQ_CST))
			usleep(1000);
		cr_await(go);
		if (getpid() != ids.child || getppid() != ids.root)
			_exit(1);
		/* The thread is still there, with its tid. */
		_exit(syscall(SYS_tgkill, ids.child, ids.thread, 0) ? 2 : 0);
	}
	usleep(100000);
	cr_wait_go(go);
	if (getpid() != ids.root)
		bad |= 4;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		bad |= 8;
	else
		bad |= WEXITSTATUS(status);
	if (bad)
		cr_note("pid namespace: %#x\n", bad);
	return bad;
}

/*
 * In a new pid namespace every pid is free: a tree whose pids are still
 * in use - it was checkpointed without being killed - comes back there
 * with all of them, while RESTART_PIDS fails outside it.
 */
TEST(fresh_pid_namespace_gives_every_task_its_pid)
{
	struct cr_files f;
	pid_t root, helper, init;
	int report[2], status;
	long ret;

	cr_files_init(&f, "pidns");
	ASSERT_EQ(pipe(report), 0);
	root = fork();
	ASSERT_GE(root, 0);
	if (!root) {
		cr_child_init();
		_exit(ns_root(f.go));
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, root, &status), 0);
	ASSERT_EQ(sys_checkpoint(root, f.img, 0, f.logfd), 0)
		TH_LOG("%s", cr_log(&f));
	lseek(f.img, 0, SEEK_SET);
	EXPECT_EQ(sys_restart(0, f.img, RESTART_PIDS, f.logfd), -1);
	EXPECT_EQ(errno, EEXIST);

	lseek(f.img, 0, SEEK_SET);
	ftruncate(f.logfd, 0);
	helper = fork();
	ASSERT_GE(helper, 0);
	if (!helper) {
		init = cr_restart_in_pidns(f.img, 0, f.logfd, report[1]);
		if (init < 0 || waitpid(init, &status, 0) != init)
			_exit(0x7f);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 0x7e);
	}
	ASSERT_EQ(read(report[0], &ret, sizeof(ret)), sizeof(ret));
	EXPECT_EQ(ret, root) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(root), 0) TH_LOG("%s", cr_notes());
	EXPECT_EQ(cr_wait_exit(helper), 0) TH_LOG("%s", cr_notes());
	cr_files_fini(&f);
}

/*
 * A tree with an IPC namespace of its own comes back in one of its own,
 * shared by its processes: a message queue the root makes after restart
 * is its child's to see, not the test's.
 */
TEST(ipc_namespace_comes_back)
{
	char made[80], done[80];
	struct cr_files f;
	pid_t child, restored;
	key_t key;
	int status;

	cr_be_subreaper();
	cr_files_init(&f, "ipc");
	snprintf(made, sizeof(made), "%s.made", f.go);
	snprintf(done, sizeof(done), "%s.done", f.go);
	key = 0x43520000 + (getpid() & 0xffff);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		int id, i, bad;
		pid_t g;

		cr_child_init();
		if (unshare(CLONE_NEWIPC))
			_exit(2);
		g = fork();
		if (!g) {
			cr_await(made);
			/* The root's queue, in the namespace they share. */
			for (i = 0; i < 500 && msgget(key, 0) < 0; i++)
				usleep(10000);
			_exit(msgget(key, 0) < 0 ? 3 : 0);
		}
		cr_wait_go(f.go);
		id = msgget(key, IPC_CREAT | 0600);
		if (id < 0)
			_exit(4);
		close(open(made, O_WRONLY | O_CREAT, 0600));
		/* The child sees the queue before it goes. */
		bad = waitpid(g, &status, 0) != g || status ? 5 : 0;
		cr_await(done);
		msgctl(id, IPC_RMID, NULL);
		_exit(bad);
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, child, &status), 0)
		TH_LOG("child: %d", WEXITSTATUS(status));
	restored = cr_checkpoint_restart_tree(&f, child, RESTART_PIDS);
	ASSERT_EQ(restored, child) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	cr_await(made);
	EXPECT_EQ(msgget(key, 0), -1);
	EXPECT_EQ(errno, ENOENT);
	close(open(done, O_WRONLY | O_CREAT, 0600));
	EXPECT_EQ(cr_wait_exit(restored), 0);
	unlink(made);
	unlink(done);
	cr_files_fini(&f);
}

/* An IPC namespace of the tree's own with limits of its own is refused. */
TEST(ipc_namespace_with_its_own_limits_refused)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "ipc-lim");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		FILE *lim;

		cr_child_init();
		if (unshare(CLONE_NEWIPC))
			_exit(2);
		lim = fopen("/proc/sys/fs/mqueue/queues_max", "w");
		if (!lim || fprintf(lim, "100\n") < 0 || fclose(lim))
			_exit(3);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child,
			     "limits other than a new one's"),
		  CR_OK);
	cr_files_fini(&f);
}

/*
 * A process whose children go to a pid namespace of their own is refused,
 * with the kind named - and not marked: that support is planned.
 */
TEST(a_process_in_another_pid_namespace_is_refused)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "pidns");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		char why[128];

		cr_child_init();
		if (unshare(CLONE_NEWPID))
			_exit(2);
		/* 1: checkpointable, as far as the mark goes. */
		if (prctl(PR_GET_CHECKPOINTABLE, why, sizeof(why), 0, 0) != 1)
			_exit(3);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child,
			     "is in another pid namespace"),
		  CR_OK);
	cr_files_fini(&f);
}

/* With RESTART_PIDS, a pid in use is a clear error. */
TEST(pid_in_use)
{
	struct cr_files f;
	pid_t child;
	int status;

	cr_files_init(&f, "inuse");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, child, &status), 0);
	ASSERT_EQ(sys_checkpoint(child, f.img, 0, f.logfd), 0)
		TH_LOG("%s", cr_log(&f));
	lseek(f.img, 0, SEEK_SET);
	EXPECT_EQ(sys_restart(0, f.img, RESTART_PIDS, f.logfd), -1);
	EXPECT_EQ(errno, EEXIST);
	EXPECT_NE(strstr(cr_log(&f), "is in use"), NULL) TH_LOG("%s", cr_log(&f));
	EXPECT_EQ(sys_restart(child, f.img, RESTART_PIDS, f.logfd), -1);
	EXPECT_EQ(errno, EINVAL);
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(child), CR_OK);
	EXPECT_TRUE(cr_no_children());
	cr_files_fini(&f);
}

/*
 * Children not reaped yet come back as zombies, with their pids and exit
 * statuses, for their parent to reap. A zombie alone is refused.
 */
TEST(zombies_come_back)
{
	struct cr_files f;
	pid_t child, restored;
	int status;

	cr_be_subreaper();
	cr_files_init(&f, "zombie");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		pid_t a, b;

		cr_child_init();
		a = fork();
		if (!a)
			_exit(3);
		b = fork();
		if (!b) {
			signal(SIGTERM, SIG_DFL);
			raise(SIGTERM);
			_exit(4);
		}
		if (cr_wait_zombie(a) || cr_wait_zombie(b))
			_exit(5);
		cr_wait_go(f.go);
		if (waitpid(a, &status, 0) != a || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 3)
			_exit(1);
		if (waitpid(b, &status, 0) != b || !WIFSIGNALED(status) ||
		    WTERMSIG(status) != SIGTERM)
			_exit(2);
		_exit(CR_OK);
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, child, &status), 0);
	restored = cr_checkpoint_restart_tree(&f, child, RESTART_PIDS);
	ASSERT_EQ(restored, child) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);

	child = fork();
	if (!child)
		_exit(0);
	ASSERT_EQ(cr_wait_zombie(child), 0);
	EXPECT_EQ(sys_checkpoint(child, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, EOPNOTSUPP);
	EXPECT_NE(strstr(cr_log(&f), "is a zombie"), NULL) TH_LOG("%s", cr_log(&f));
	EXPECT_EQ(waitpid(child, NULL, 0), child);
	cr_files_fini(&f);
}

/*
 * A session led from the tree that has a controlling terminal is refused:
 * it would come back without it. The terminal is the guest's console.
 */
TEST(controlling_terminal_refused)
{
	struct cr_files f;
	pid_t child;
	int status;

	if (access("/dev/ttyS0", R_OK))
		SKIP(return, "no /dev/ttyS0");
	cr_files_init(&f, "ctty");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		int fd;

		cr_child_init();
		setsid();
		fd = open("/dev/ttyS0", O_RDONLY | O_NONBLOCK);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0))
			_exit(2);
		close(fd);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, child, &status), 0)
		TH_LOG("child: %d", WEXITSTATUS(status));
	EXPECT_EQ(sys_checkpoint(child, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, EOPNOTSUPP);
	EXPECT_NE(strstr(cr_log(&f), "controlling terminal"), NULL)
		TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(child), CR_OK);
	cr_files_fini(&f);
}

/*
 * A work queue: a producer and three consumers of a bounded queue, under a
 * mutex and two condvars. The total is the same whichever consumer takes
 * which item.
 */
#define ITEMS		60000
#define QLEN		16
#define CONSUMERS	3

static struct {
	pthread_mutex_t lock;
	pthread_cond_t nonempty, nonfull;
	unsigned long long q[QLEN];
	unsigned int head, tail, done;
	unsigned long long sum[CONSUMERS];
	unsigned int taken[CONSUMERS];
} wq = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.nonempty = PTHREAD_COND_INITIALIZER,
	.nonfull = PTHREAD_COND_INITIALIZER,
};

static void *producer(void *arg)
{
	unsigned long long x = 88172645463325252ULL;
	unsigned int i;

	for (i = 0; i < ITEMS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		pthread_mutex_lock(&wq.lock);
		while (wq.tail - wq.head == QLEN)
			pthread_cond_wait(&wq.nonfull, &wq.lock);
		wq.q[wq.tail++ % QLEN] = x;
		pthread_cond_signal(&wq.nonempty);
		pthread_mutex_unlock(&wq.lock);
	}
	pthread_mutex_lock(&wq.lock);
	wq.done = 1;
	pthread_cond_broadcast(&wq.nonempty);
	pthread_mutex_unlock(&wq.lock);
	return NULL;
}

static void *consumer(void *arg)
{
	long c = (long)arg;

	pthread_mutex_lock(&wq.lock);
	for (;;) {
		while (wq.head == wq.tail && !wq.done)
			pthread_cond_wait(&wq.nonempty, &wq.lock);
		if (wq.head == wq.tail)
			break;
		wq.sum[c] += wq.q[wq.head++ % QLEN] % 1000003;
		wq.taken[c]++;
		pthread_cond_signal(&wq.nonfull);
	}
	pthread_mutex_unlock(&wq.lock);
	return NULL;
}

static int work_queue(const char *out)
{
	unsigned long long total = 0;
	unsigned int taken = 0;
	pthread_t p, c[CONSUMERS];
	long i;
	FILE *f;

	pthread_create(&p, NULL, producer, NULL);
	for (i = 0; i < CONSUMERS; i++)
		pthread_create(&c[i], NULL, consumer, (void *)i);
	pthread_join(p, NULL);
	for (i = 0; i < CONSUMERS; i++) {
		pthread_join(c[i], NULL);
		/* Which consumer took what depends on scheduling; not the sum. */
		taken += wq.taken[i];
		total += wq.sum[i];
	}
	f = fopen(out, "w");
	if (!f)
		return 1;
	fprintf(f, "items %u taken %u sum %llu\n", wq.tail, taken, total);
	return fclose(f) ? 1 : 0;
}

/* Tests that run a workload through several restarts. */
FIXTURE(slow) {};
FIXTURE_SETUP(slow) {}
FIXTURE_TEARDOWN(slow) {}

/*
 * The work queue, uninterrupted, and checkpointed and restarted three
 * times at random moments, with its tids: the same output.
 */
TEST_F_TIMEOUT(slow, work_queue_gives_the_same_result, CR_SLOW_TIMEOUT)
{
	char got[256];

	cr_compare_restarted(_metadata, "wq", work_queue, got, sizeof(got));
	EXPECT_NE(strstr(got, "items 60000 taken 60000"), NULL);
}

TEST_HARNESS_MAIN
