// SPDX-License-Identifier: GPL-2.0
/*
 * What checkpoint/restart must refuse: another user's process, an image of
 * another user, truncated and corrupted images, and state it cannot save.
 * And what root may do: restart a process of another user as that user.
 * Every refusal leaves a reason on logfd, no half-restored task behind, and
 * the target running.
 */
#include <grp.h>
#include <mqueue.h>
#include <pthread.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

#define NOBODY 65534

/* A child that waits for the go file and exits with CR_OK. */
static pid_t waiter(struct cr_files *f)
{
	pid_t child = fork();

	if (!child) {
		cr_child_init();
		cr_wait_go(f->go);
		_exit(CR_OK);
	}
	cr_wait_ready(f->go);
	return child;
}

static void drop_privileges(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		_exit(99);
}

TEST(unprivileged_checkpoint_of_another_user_fails)
{
	struct cr_files f;
	pid_t target, spy;

	cr_files_init(&f, "eperm");
	target = waiter(&f);
	spy = fork();
	ASSERT_GE(spy, 0);
	if (!spy) {
		int img, log;

		drop_privileges();
		img = open("/dev/null", O_WRONLY);
		log = open("/tmp", O_TMPFILE | O_RDWR, 0600);
		if (img < 0 || log < 0)
			_exit(3);
		if (sys_checkpoint(target, img, 0, log) != -1)
			_exit(CR_BAD);
		_exit(errno == EPERM ? CR_OK : 100 + errno);
	}
	EXPECT_EQ(cr_wait_exit(spy), CR_OK);
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(target), CR_OK);
	cr_files_fini(&f);
}

/* An unprivileged user checkpoints and restarts a process of its own. */
TEST(unprivileged_user_restarts_own_process)
{
	pid_t user;

	user = fork();
	ASSERT_GE(user, 0);
	if (!user) {
		char comm[16] = "", before[16] = "", path[64];
		int img, status, fd;
		pid_t target;
		long pid;

		drop_privileges();
		img = open("/tmp", O_TMPFILE | O_RDWR, 0600);
		target = fork();
		if (!target) {
			cr_child_init();
			execl("/bin/busybox", "sleep", "1000", NULL);
			_exit(127);
		}
		usleep(200000);
		snprintf(path, sizeof(path), "/proc/%d/comm", target);
		fd = open(path, O_RDONLY);
		read(fd, before, sizeof(before) - 1);
		close(fd);
		if (sys_checkpoint(target, img, CHECKPOINT_KILL, 2))
			_exit(10 + errno);
		waitpid(target, NULL, 0);
		lseek(img, 0, SEEK_SET);
		pid = sys_restart(0, img, 0, 2);
		if (pid < 0)
			_exit(50 + errno);
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		fd = open(path, O_RDONLY);
		read(fd, comm, sizeof(comm) - 1);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		_exit(comm[0] && !strcmp(comm, before) && WIFSIGNALED(status) ?
		      CR_OK : CR_BAD);
	}
	EXPECT_EQ(cr_wait_exit(user), CR_OK);
}

TEST(restart_of_another_users_image_fails)
{
	struct cr_files f;
	pid_t target, other;

	cr_files_init(&f, "ecred");
	target = waiter(&f);
	ASSERT_EQ(cr_checkpoint_kill(&f, target), 0) TH_LOG("%s", cr_log(&f));
	other = fork();
	ASSERT_GE(other, 0);
	if (!other) {
		int img = open(f.image, O_RDONLY);

		drop_privileges();
		if (sys_restart(0, img, 0, -1) != -1 || errno != EPERM)
			_exit(CR_BAD);
		_exit(cr_no_children() ? CR_OK : 2);
	}
	EXPECT_EQ(cr_wait_exit(other), CR_OK);
	cr_files_fini(&f);
}

/* Only CAP_SYS_ADMIN may have an image trusted. */
TEST(trusted_restart_needs_cap_sys_admin)
{
	pid_t user = fork();

	ASSERT_GE(user, 0);
	if (!user) {
		int img = open("/dev/null", O_RDONLY);

		drop_privileges();
		if (sys_restart(0, img, RESTART_TRUSTED, -1) != -1)
			_exit(CR_BAD);
		_exit(errno == EPERM && cr_no_children() ? CR_OK : 10 + errno);
	}
	EXPECT_EQ(cr_wait_exit(user), CR_OK);
}

/* The value of @key ("CapEff:") in /proc/self/status, or ~0. */
static unsigned long long status_hex(const char *key)
{
	unsigned long long v = ~0ULL;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtoull(line + strlen(key), NULL, 16);
	if (f)
		fclose(f);
	return v;
}

static unsigned long long bounding_set;

/*
 * uid and gid 1000, groups 1001 and 1002, no capabilities but the
 * bounding set root had; fd 3 root's.
 */
static int check_user(void)
{
	uid_t r, e, s;
	gid_t rg, eg, sg, groups[4];
	char c;

	if (getresuid(&r, &e, &s) || r != 1000 || e != 1000 || s != 1000 ||
	    setfsuid(-1) != 1000)
		return 70;
	if (getresgid(&rg, &eg, &sg) || rg != 1000 || eg != 1000 ||
	    sg != 1000 || setfsgid(-1) != 1000)
		return 71;
	if (getgroups(4, groups) != 2 || groups[0] != 1001 || groups[1] != 1002)
		return 72;
	if (status_hex("CapEff:") || status_hex("CapPrm:") ||
	    status_hex("CapBnd:") != bounding_set || !bounding_set)
		return 73;
	if (prctl(PR_GET_DUMPABLE) != 1)
		return 74;
	/* Opened by root before it dropped its privileges, and by root again. */
	if (pread(3, &c, 1, 0) != 1 || c != 'r')
		return 75;
	return CR_OK;
}

TEST(root_restarts_a_process_of_another_user)
{
	gid_t groups[] = { 1001, 1002 };
	char secret[64];
	struct cr_files f;
	pid_t child;
	int fd;

	cr_files_init(&f, "setuid");
	snprintf(secret, sizeof(secret), "/tmp/cr-root-%d", getpid());
	fd = open(secret, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_EQ(write(fd, "root", 4), 4);
	close(fd);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		bounding_set = status_hex("CapBnd:");
		if (open(secret, O_RDONLY) != 3 || setgroups(2, groups) ||
		    setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000) ||
		    prctl(PR_SET_DUMPABLE, 1))
			_exit(76);
		cr_wait_go(f.go);
		_exit(check_user());
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, child, NULL), 0);
	ASSERT_EQ(cr_checkpoint_kill(&f, child), 0) TH_LOG("%s", cr_log(&f));
	/* The job may not open root's file: only a trusted image may. */
	EXPECT_EQ(sys_restart(0, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, EACCES);
	EXPECT_TRUE(cr_no_children());
	lseek(f.img, 0, SEEK_SET);
	child = sys_restart(0, f.img, RESTART_TRUSTED, f.logfd);
	ASSERT_GT(child, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(child), CR_OK);
	unlink(secret);
	cr_files_fini(&f);
}

/*
 * A tree of nobody's that nobody could not rebuild in image order: the
 * child keeps nice 0, its parent raised its own to 10 after the fork, and
 * the restored child is made by the restored parent, at 10. Root restarts
 * it: restart() sets the rest of a task with the restarter's rights, and
 * only paths with the job's.
 */
TEST(root_restarts_a_tree_whose_parent_raised_its_nice)
{
	struct cr_files f;
	pid_t job, restored;

	cr_be_subreaper();
	cr_files_init(&f, "nice");
	job = fork();
	ASSERT_GE(job, 0);
	if (!job) {
		pid_t child;
		int status;

		cr_child_init();
		drop_privileges();
		prctl(PR_SET_DUMPABLE, 1);
		child = fork();
		if (!child) {
			cr_await(f.go);
			_exit(getpriority(PRIO_PROCESS, 0) == 0 ? CR_OK : CR_BAD);
		}
		if (setpriority(PRIO_PROCESS, 0, 10))
			_exit(2);
		cr_wait_go(f.go);
		/* Its pid is new. */
		if (wait(&status) < 0 || status)
			_exit(3);
		_exit(getpriority(PRIO_PROCESS, 0) == 10 ? CR_OK : CR_BAD);
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, job, NULL), 0);
	restored = cr_checkpoint_restart_tree(&f, job, 0);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);
	cr_files_fini(&f);
}

/*
 * A reason quotes a path of the image, which may hold anything: no
 * control character reaches logfd - no escape sequence for a terminal,
 * no line that looks like another reason.
 */
TEST(reasons_quote_paths_without_control_characters)
{
	struct cr_files f;
	char path[96];
	pid_t job;

	cr_files_init(&f, "esc");
	snprintf(path, sizeof(path),
		 "/tmp/cr-esc-%d-\033[2J\nrestart: all is well", getpid());
	close(open(path, O_RDWR | O_CREAT, 0600));
	job = fork();
	ASSERT_GE(job, 0);
	if (!job) {
		cr_child_init();
		if (open(path, O_RDONLY) != 3)
			_exit(2);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, job, NULL), 0);
	ASSERT_EQ(cr_checkpoint_kill(&f, job), 0) TH_LOG("%s", cr_log(&f));
	unlink(path);
	EXPECT_EQ(sys_restart(0, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(strchr(cr_log(&f), '\033'), NULL) TH_LOG("%s", cr_log(&f));
	EXPECT_EQ(strchr(cr_log(&f), '\n'), strrchr(cr_log(&f), '\n'))
		TH_LOG("%s", cr_log(&f));
	EXPECT_NE(strstr(cr_log(&f), "\\033[2J\\012restart: all is well"), NULL)
		TH_LOG("%s", cr_log(&f));
	cr_files_fini(&f);
}

/*
 * What root's restart of a job of nobody's opens is what nobody may open,
 * found through no symlink: a file of the job, or its cwd, swapped since
 * checkpoint for root's through a symlink on the path, a hard link, or a
 * mode changed.
 */
enum { SWAP_SYMLINK, SWAP_CWD_SYMLINK, SWAP_HARD_LINK, SWAP_CHMOD };

FIXTURE(swap) {
	struct cr_files f;
	char top[64], dir[80], file[96];	/* nobody's */
	char root[64], secret[80];		/* root's */
};

FIXTURE_VARIANT(swap) {
	int how;
};

FIXTURE_VARIANT_ADD(swap, symlink_on_the_path) { .how = SWAP_SYMLINK };
FIXTURE_VARIANT_ADD(swap, symlink_to_the_cwd) { .how = SWAP_CWD_SYMLINK };
FIXTURE_VARIANT_ADD(swap, hard_link) { .how = SWAP_HARD_LINK };
FIXTURE_VARIANT_ADD(swap, mode_changed) { .how = SWAP_CHMOD };

FIXTURE_SETUP(swap)
{
	int fd;

	cr_files_init(&self->f, "swap");
	snprintf(self->top, sizeof(self->top), "/tmp/cr-swap-%d", getpid());
	snprintf(self->dir, sizeof(self->dir), "%s/d", self->top);
	snprintf(self->file, sizeof(self->file), "%s/secret", self->dir);
	snprintf(self->root, sizeof(self->root), "/tmp/cr-swapr-%d", getpid());
	snprintf(self->secret, sizeof(self->secret), "%s/secret", self->root);
	ASSERT_EQ(mkdir(self->top, 0755), 0);
	ASSERT_EQ(mkdir(self->dir, 0755), 0);
	ASSERT_EQ(mkdir(self->root, 0700), 0);
	fd = open(self->secret, O_RDWR | O_CREAT, 0600);
	ASSERT_EQ(write(fd, "root", 4), 4);
	close(fd);
	close(open(self->file, O_RDWR | O_CREAT, 0666));
	ASSERT_EQ(chmod(self->file, 0666), 0);
	/* The job's file is root's with mode 0666, to be changed. */
	if (variant->how != SWAP_CHMOD)
		ASSERT_EQ(chown(self->file, NOBODY, NOBODY), 0);
	ASSERT_EQ(chown(self->top, NOBODY, NOBODY), 0);
	ASSERT_EQ(chown(self->dir, NOBODY, NOBODY), 0);
}

FIXTURE_TEARDOWN(swap)
{
	unlink(self->file);
	unlink(self->dir);
	rmdir(self->dir);
	rmdir(self->top);
	unlink(self->secret);
	rmdir(self->root);
	cr_files_fini(&self->f);
}

TEST_F(swap, leads_the_job_nowhere)
{
	pid_t job;
	long ret;
	int want;

	job = fork();
	ASSERT_GE(job, 0);
	if (!job) {
		cr_child_init();
		drop_privileges();
		prctl(PR_SET_DUMPABLE, 1);
		if (variant->how == SWAP_CWD_SYMLINK ? chdir(self->dir) :
		    open(self->file, O_RDWR) != 3)
			_exit(2);
		cr_wait_go(self->f.go);
		_exit(CR_OK);
	}
	ASSERT_EQ(cr_wait_child_ready(self->f.go, job, NULL), 0);
	ASSERT_EQ(cr_checkpoint_kill(&self->f, job), 0)
		TH_LOG("%s", cr_log(&self->f));

	switch (variant->how) {
	case SWAP_SYMLINK:
	case SWAP_CWD_SYMLINK:
		/* nobody may do it: the directory is its own. */
		ASSERT_EQ(unlink(self->file), 0);
		ASSERT_EQ(rmdir(self->dir), 0);
		ASSERT_EQ(symlink(self->root, self->dir), 0);
		break;
	case SWAP_HARD_LINK:
		ASSERT_EQ(unlink(self->file), 0);
		ASSERT_EQ(link(self->secret, self->file), 0);
		break;
	case SWAP_CHMOD:
		ASSERT_EQ(chmod(self->file, 0600), 0);
		break;
	}
	ret = sys_restart(0, self->f.img, 0, self->f.logfd);
	EXPECT_EQ(ret, -1);
	/* ELOOP for a symlink anywhere on the path, EACCES for the rest */
	want = variant->how == SWAP_SYMLINK ||
	       variant->how == SWAP_CWD_SYMLINK ? ELOOP : EACCES;
	EXPECT_EQ(errno, want)
		TH_LOG("%m");
	EXPECT_TRUE(cr_no_children());
	EXPECT_NE(strstr(cr_log(&self->f), "cannot "), NULL)
		TH_LOG("%s", cr_log(&self->f));
	if (ret > 0) {
		kill(ret, SIGKILL);
		waitpid(ret, NULL, 0);
	}
}

/* Root that gave up a capability cannot give it back through an image. */
TEST(restart_cannot_give_capabilities_the_caller_lacks)
{
	struct cr_files f;
	pid_t target, lesser;

	cr_files_init(&f, "ecaps");
	target = waiter(&f);
	ASSERT_EQ(cr_checkpoint_kill(&f, target), 0) TH_LOG("%s", cr_log(&f));
	lesser = fork();
	ASSERT_GE(lesser, 0);
	if (!lesser) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2];
		int img = open(f.image, O_RDONLY);

		if (syscall(__NR_capget, &hdr, data))
			_exit(2);
		data[0].effective &= ~(1U << CAP_SYS_ADMIN);
		data[0].permitted &= ~(1U << CAP_SYS_ADMIN);
		if (syscall(__NR_capset, &hdr, data))
			_exit(3);
		if (sys_restart(0, img, 0, f.logfd) != -1 || errno != EPERM)
			_exit(CR_BAD);
		_exit(cr_no_children() ? CR_OK : 4);
	}
	EXPECT_EQ(cr_wait_exit(lesser), CR_OK);
	EXPECT_NE(strstr(cr_log(&f), "not the caller's to give"), NULL);
	cr_files_fini(&f);
}

/*
 * A process of nobody whose credentials nobody could not have made: root
 * changed them before it dropped its privileges. nobody checkpoints it,
 * and its restart of the image must fail, as the syscall that would set
 * that field would.
 */
FIXTURE(lesser) {
	struct cr_files f;
};

FIXTURE_VARIANT(lesser) {
	int option, arg;	/* a prctl() root makes */
};

FIXTURE_VARIANT_ADD(lesser, bounding_set) {
	.option = PR_CAPBSET_DROP, .arg = CAP_SETUID,
};

FIXTURE_VARIANT_ADD(lesser, securebits) {
	.option = PR_SET_SECUREBITS, .arg = 1 << 0 /* SECBIT_NOROOT */,
};

FIXTURE_SETUP(lesser)
{
	cr_files_init(&self->f, "lesser");
	fchmod(self->f.logfd, 0666);
}

FIXTURE_TEARDOWN(lesser)
{
	cr_files_fini(&self->f);
}

TEST_F(lesser, creds_nobody_cannot_set_are_refused)
{
	pid_t target, user;

	target = fork();
	ASSERT_GE(target, 0);
	if (!target) {
		cr_child_init();
		if (prctl(variant->option, variant->arg, 0, 0, 0))
			_exit(2);
		drop_privileges();
		prctl(PR_SET_DUMPABLE, 1);
		cr_wait_go(self->f.go);
		_exit(CR_OK);
	}
	ASSERT_EQ(cr_wait_child_ready(self->f.go, target, NULL), 0);
	user = fork();
	ASSERT_GE(user, 0);
	if (!user) {
		int img = open("/tmp", O_TMPFILE | O_RDWR, 0600);

		drop_privileges();
		if (sys_checkpoint(target, img, CHECKPOINT_KILL, self->f.logfd))
			_exit(10 + errno);
		lseek(img, 0, SEEK_SET);
		if (sys_restart(0, img, 0, self->f.logfd) != -1)
			_exit(CR_BAD);
		_exit(errno == EPERM && cr_no_children() ? CR_OK : 50 + errno);
	}
	EXPECT_EQ(cr_wait_exit(user), CR_OK) TH_LOG("%s", cr_log(&self->f));
	EXPECT_EQ(waitpid(target, NULL, 0), target);
	EXPECT_NE(strstr(cr_log(&self->f), "not the caller's to give"), NULL);
}

/*
 * A waiter that holds a bit of every kind of object the image has records
 * for: a deleted file with a flock() lock on it, a memfd and shared
 * memory, a pipe with a byte in it, an epoll file over the pipe, an
 * eventfd and a timerfd, a signalfd, a pending signal, a POSIX timer, a
 * socketpair() with bytes queued both ways, and a socket listening on a
 * path with a connection accepted and one waiting.
 */
static pid_t rich_waiter(struct cr_files *f)
{
	pid_t child = fork();

	if (!child) {
		struct itimerspec its = { .it_value.tv_sec = 100 };
		struct epoll_event ev = { .events = EPOLLIN };
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int p[2], sv[2], fd, ep, memfd, efd, tfd, lfd, c[2];
		char path[64], *shm;
		timer_t timer;
		sigset_t set;

		cr_child_init();
		snprintf(path, sizeof(path), "/tmp/cr-rich-%d", getpid());
		fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
		memfd = memfd_create("rich", MFD_ALLOW_SEALING);
		shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		ep = epoll_create1(0);
		efd = eventfd(3, 0);
		tfd = timerfd_create(CLOCK_MONOTONIC, 0);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (fd < 0 || unlink(path) || write(fd, "deleted", 7) != 7 ||
		    flock(fd, LOCK_EX) || memfd < 0 ||
		    write(memfd, "memfd", 5) != 5 ||
		    fcntl(memfd, F_ADD_SEALS, F_SEAL_GROW) ||
		    shm == MAP_FAILED || pipe(p) || write(p[1], "x", 1) != 1 ||
		    timerfd_settime(tfd, 0, &its, NULL) ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) ||
		    signalfd(-1, &set, 0) < 0 || raise(SIGUSR1) ||
		    timer_create(CLOCK_MONOTONIC, NULL, &timer) ||
		    timer_settime(timer, 0, &its, NULL) ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
		    write(sv[0], "unix", 4) != 4 || write(sv[1], "pair", 4) != 4)
			_exit(2);
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s.sock", path);
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		c[0] = socket(AF_UNIX, SOCK_STREAM, 0);
		c[1] = socket(AF_UNIX, SOCK_STREAM, 0);
		if (bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) ||
		    listen(lfd, 2) ||
		    connect(c[0], (struct sockaddr *)&sun, sizeof(sun)) ||
		    write(accept(lfd, NULL, NULL), "in", 2) != 2 ||
		    connect(c[1], (struct sockaddr *)&sun, sizeof(sun)) ||
		    write(c[1], "wait", 4) != 4)
			_exit(3);
		memcpy(shm, "shared", sizeof("shared"));
		cr_wait_go(f->go);
		_exit(CR_OK);
	}
	cr_wait_ready(f->go);
	return child;
}

static void *pauser(void *arg)
{
	pause();
	return NULL;
}

/*
 * A tree in an IPC namespace of its own, with a SysV shared memory segment
 * that all of it attaches, one that none does and a semaphore array it
 * has SEM_UNDO adjustments to, a message queue with a message, and a
 * POSIX message queue it has open with a message: a waiter with a second
 * thread, a zombie child, and a child that leads its own group and waits
 * on a pipe from its parent, with a datagram socket connected to its
 * parent's, bound to an abstract name, which has a datagram from it
 * queued.
 */
static pid_t tree_waiter(struct cr_files *f)
{
	pid_t child = fork();

	if (!child) {
		pthread_t t;
		char c;
		int p[2];

		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		struct sembuf up = { 1, 3, SEM_UNDO };
		struct { long mtype; char text[8]; } msg = { 7, "queued" };
		int srv, shm, sem, msq;
		mqd_t mq;
		char *mem;

		cr_child_init();
		srv = socket(AF_UNIX, SOCK_DGRAM, 0);
		snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
			 "cr-tree-%d", getpid());
		if (unshare(CLONE_NEWIPC) || pipe(p) ||
		    bind(srv, (struct sockaddr *)&sun, sizeof(sun)) ||
		    pthread_create(&t, NULL, pauser, NULL))
			_exit(2);
		shm = shmget(IPC_PRIVATE, 2 * 4096, IPC_CREAT | 0600);
		mem = shm < 0 ? (void *)-1 : shmat(shm, NULL, 0);
		sem = semget(1234, 2, IPC_CREAT | 0640);
		msq = msgget(1234, IPC_CREAT | 0640);
		if (mem == (void *)-1 || sem < 0 || msq < 0 ||
		    shmget(1234, 4096, IPC_CREAT | 0640) < 0 ||
		    semop(sem, &up, 1) || msgsnd(msq, &msg, 5, 0))
			_exit(2);
		mq = mq_open("/cr-tree", O_CREAT | O_RDWR, 0600, NULL);
		if (mq < 0 || mq_send(mq, "posix", 5, 3))
			_exit(2);
		mem[4096] = 'x';
		if (!fork())
			_exit(3);
		if (!fork()) {
			int cl = socket(AF_UNIX, SOCK_DGRAM, 0);

			close(p[1]);
			setpgid(0, 0);
			if (connect(cl, (struct sockaddr *)&sun, sizeof(sun)) ||
			    send(cl, "dgram", 5, 0) != 5)
				_exit(4);
			_exit(read(p[0], &c, 1));
		}
		usleep(100000);
		cr_wait_go(f->go);
		_exit(CR_OK);
	}
	cr_wait_ready(f->go);
	return child;
}

static ssize_t image_of(struct cr_files *f, pid_t (*make)(struct cr_files *),
			char **image)
{
	pid_t target = make(f);
	struct stat st;

	if (cr_checkpoint_kill(f, target))
		return -1;
	fstat(f->img, &st);
	*image = malloc(st.st_size);
	if (pread(f->img, *image, st.st_size, 0) != st.st_size)
		return -1;
	return st.st_size;
}

/* Restart from @len bytes of @image, with byte @flip (if >= 0) changed. */
static long restart_from(const char *image, size_t len, ssize_t flip, int logfd)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	long ret;

	if (write(fd, image, len) != (ssize_t)len)
		return -2;
	if (flip >= 0)
		pwrite(fd, &(char){ image[flip] ^ 0x5a }, 1, flip);
	lseek(fd, 0, SEEK_SET);
	ret = sys_restart(0, fd, 0, logfd);
	close(fd);
	return ret;
}

/* An image of a waiting child, to mangle. */
FIXTURE(image) {
	struct cr_files f;
	char *image;
	ssize_t size;
};

FIXTURE_VARIANT(image) {
	pid_t (*make)(struct cr_files *f);
};

FIXTURE_VARIANT_ADD(image, plain) {
	.make = waiter,
};

FIXTURE_VARIANT_ADD(image, rich) {
	.make = rich_waiter,
};

FIXTURE_VARIANT_ADD(image, tree) {
	.make = tree_waiter,
};

FIXTURE_SETUP(image)
{
	cr_files_init(&self->f, "image");
	self->size = image_of(&self->f, variant->make, &self->image);
	ASSERT_GT(self->size, 0) TH_LOG("%s", cr_log(&self->f));
}

FIXTURE_TEARDOWN(image)
{
	free(self->image);
	cr_files_fini(&self->f);
}

/* Offsets to try: densely through the first records, then spread out. */
static ssize_t next_offset(ssize_t off, ssize_t size)
{
	if (off < 1024)
		return off + 13;
	if (off < 4096)
		return off + 97;
	return off + size / 97 + 1;
}

TEST_F_TIMEOUT(image, truncated_images_fail_cleanly, 900)
{
	ssize_t len;
	int err;
	long ret;

	/* The full image restarts; every proper prefix fails. */
	ret = restart_from(self->image, self->size, -1, self->f.logfd);
	ASSERT_GT(ret, 0) TH_LOG("%s", cr_log(&self->f));
	kill(ret, SIGKILL);
	waitpid(ret, NULL, 0);
	for (len = 0; len < self->size; len = next_offset(len, self->size)) {
		ftruncate(self->f.logfd, 0);
		ret = restart_from(self->image, len, -1, self->f.logfd);
		err = errno;
		EXPECT_EQ(ret, -1) TH_LOG("length %zd restarted", len);
		EXPECT_TRUE(cr_no_children()) TH_LOG("length %zd left a task", len);
		EXPECT_NE(cr_log(&self->f)[0], '\0')
			TH_LOG("length %zd: no reason (%s)", len, strerror(err));
	}
}

TEST_F_TIMEOUT(image, corrupted_images_fail_cleanly, 900)
{
	ssize_t off;
	int err;
	long ret;

	for (off = 0; off < self->size; off = next_offset(off, self->size)) {
		ftruncate(self->f.logfd, 0);
		ret = restart_from(self->image, self->size, off, self->f.logfd);
		err = errno;
		EXPECT_EQ(ret, -1) TH_LOG("byte %zd changed: restarted", off);
		EXPECT_TRUE(cr_no_children()) TH_LOG("byte %zd left a task", off);
		EXPECT_NE(cr_log(&self->f)[0], '\0')
			TH_LOG("byte %zd: no reason (%s)", off, strerror(err));
		/* Whatever misparsed, the first reason is the real one. */
		EXPECT_TRUE(!strncmp(cr_log(&self->f),
				     "restart: the image is corrupted", 31) ||
			    !strncmp(cr_log(&self->f),
				     "restart: not a checkpoint image", 31))
			TH_LOG("byte %zd: %s", off, cr_log(&self->f));
		EXPECT_EQ(err, EINVAL) TH_LOG("byte %zd", off);
	}
}

/* State c/r cannot save is refused with a reason; the target goes on. */
TEST(unsupported_state_is_refused_and_target_unharmed)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "unsup");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct itimerspec its = { .it_value.tv_sec = 100 };
		timer_t timer;

		cr_child_init();
		if (timer_create(CLOCK_PROCESS_CPUTIME_ID, NULL, &timer) ||
		    timer_settime(timer, 0, &its, NULL))
			_exit(2);
		cr_wait_go(f.go);
		timer_gettime(timer, &its);
		_exit(its.it_value.tv_sec > 90 ? CR_OK : CR_BAD);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child, "CPU-time or alarm clock"),
		  CR_OK);
	cr_files_fini(&f);
}

static int make_seccomp(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };

	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ?:
	       syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static int make_mlockall(void)
{
	return mlockall(MCL_FUTURE);
}

/* O_ASYNC sticks only to files that can signal: a pipe can. */
static int make_async_file(void)
{
	int p[2];

	return pipe(p) ?: fcntl(p[0], F_SETFL, O_ASYNC);
}

/*
 * SysV shared memory of the checkpointer's IPC namespace, attached, its
 * segment removed: nothing left behind.
 */
static int make_sysv_shm(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	void *p = id < 0 ? (void *)-1 : shmat(id, NULL, 0);

	return p == (void *)-1 || shmctl(id, IPC_RMID, NULL);
}

static int sem_id = -1;

/* A SysV semaphore taken with SEM_UNDO; its set is removed at the end. */
static int make_sem_undo(void)
{
	struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = SEM_UNDO };

	sem_id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	return sem_id < 0 || semop(sem_id, &op, 1);
}

static void remove_sem(void)
{
	semctl(sem_id, 0, IPC_RMID);
}

/* State refused while it is held, with its reason; the target unharmed. */
FIXTURE(refused) {
	struct cr_files f;
};

FIXTURE_VARIANT(refused) {
	int (*make)(void);
	void (*cleanup)(void);
	const char *reason;
};

FIXTURE_VARIANT_ADD(refused, seccomp) {
	.make = make_seccomp, .reason = "uses seccomp",
};

FIXTURE_VARIANT_ADD(refused, mlockall) {
	.make = make_mlockall, .reason = "mlockall(MCL_FUTURE)",
};

FIXTURE_VARIANT_ADD(refused, async_file) {
	.make = make_async_file, .reason = "a file with O_ASYNC",
};

FIXTURE_VARIANT_ADD(refused, sysv_shm) {
	.make = make_sysv_shm,
	.reason = "SysV shared memory of an IPC namespace not the tree's own",
};

FIXTURE_VARIANT_ADD(refused, sem_undo) {
	.make = make_sem_undo, .cleanup = remove_sem,
	.reason = "SysV semaphore adjustments",
};

FIXTURE_SETUP(refused)
{
	cr_files_init(&self->f, "refused");
}

FIXTURE_TEARDOWN(refused)
{
	cr_files_fini(&self->f);
}

TEST_F(refused, with_a_reason)
{
	pid_t child = fork();

	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		if (variant->make())
			_exit(2);
		cr_wait_go(self->f.go);
		if (variant->cleanup)
			variant->cleanup();
		_exit(CR_OK);
	}
	EXPECT_EQ(cr_refused(_metadata, &self->f, child, variant->reason),
		  CR_OK);
}

/* A file replaced by a FIFO: restart must fail, not block opening it. */
TEST(file_replaced_by_fifo_is_refused)
{
	struct cr_files f;
	char data[64];
	pid_t child;

	cr_files_init(&f, "fifo");
	snprintf(data, sizeof(data), "/tmp/cr-fifo-%d.data", getpid());
	close(open(data, O_WRONLY | O_CREAT | O_TRUNC, 0600));
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		open(data, O_RDONLY);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	cr_wait_ready(f.go);
	ASSERT_EQ(cr_checkpoint_kill(&f, child), 0) TH_LOG("%s", cr_log(&f));
	ASSERT_EQ(unlink(data), 0);
	ASSERT_EQ(mkfifo(data, 0600), 0);
	EXPECT_EQ(sys_restart(0, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_NE(strstr(cr_log(&f), "no longer the same kind of file"), NULL)
		TH_LOG("log: %s", cr_log(&f));
	EXPECT_TRUE(cr_no_children());
	unlink(data);
	cr_files_fini(&f);
}

TEST(stopped_target_is_refused)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "stopped");
	child = waiter(&f);
	ASSERT_EQ(kill(child, SIGSTOP), 0);
	ASSERT_EQ(waitpid(child, NULL, WUNTRACED), child);
	EXPECT_EQ(sys_checkpoint(child, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, EBUSY);
	EXPECT_NE(strstr(cr_log(&f), "is stopped"), NULL);
	kill(child, SIGCONT);
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(child), CR_OK);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
