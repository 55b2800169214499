// SPDX-License-Identifier: GPL-2.0
/*
 * The checkpoint LSM's one-way "uncheckpointable" mark.
 *
 * The "kind" fixture is the agreement test between the LSM and the walker:
 * for each kind of object, a child makes one and the test checks that
 * /proc/<pid>/checkpointable, prctl(PR_GET_CHECKPOINTABLE) and checkpoint()
 * agree - supported kinds are not marked and are saved; planned kinds are
 * not marked but refused while held; unsupported kinds mark the task, which
 * checkpoint() then refuses with the same reason, even after the fd is
 * closed. Every refused target goes on unharmed.
 */
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <linux/netlink.h>
#include <linux/prctl.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

#define NOBODY	65534

/* A child creates this file once its state is set up. */
static const char *ready_file(struct cr_files *f)
{
	static char path[80];

	snprintf(path, sizeof(path), "%s.ready", f->go);
	return path;
}

/* /proc/<pid>/checkpointable, without its newline; "" if unreadable. */
static const char *proc_checkpointable(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/checkpointable", pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, len - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n - 1 : 0] = '\0';
	return buf;
}

/* Wait for @child's ready file; false if @child exited first. */
static bool wait_ready(struct cr_files *f, pid_t child)
{
	while (access(ready_file(f), F_OK)) {
		if (waitpid(child, NULL, WNOHANG) == child)
			return false;
		usleep(10000);
	}
	return true;
}

/* The prctl's answer in /proc's words: "yes" or "no: <reason>". */
static const char *prctl_checkpointable(char *buf, size_t len)
{
	char why[128];
	int ret = prctl(PR_GET_CHECKPOINTABLE, why, sizeof(why), 0, 0);

	if (ret == 1 && !why[0])
		snprintf(buf, len, "yes");
	else if (ret == 0)
		snprintf(buf, len, "no: %s", why);
	else
		snprintf(buf, len, "prctl returned %d (%d)", ret, errno);
	return buf;
}

/* In a child: does the prctl say what /proc/self/checkpointable says? */
static int self_agrees(void)
{
	char a[160], b[160];

	return !strcmp(proc_checkpointable(getpid(), a, sizeof(a)),
		       prctl_checkpointable(b, sizeof(b)));
}

#define LSM_FILE "/tmp/cr-lsm-file"

static int make_file(void)
{
	return open(LSM_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
}

static int make_devnull(void)
{
	return open("/dev/null", O_RDWR);
}

static int make_kmsg_writer(void)
{
	return open("/dev/kmsg", O_WRONLY);
}

static int make_kmsg_reader(void)
{
	return open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
}

static int make_pipe(void)
{
	int p[2];

	return pipe(p) ? -1 : p[0];
}

static int make_socketpair(void)
{
	int s[2];

	return socketpair(AF_UNIX, SOCK_STREAM, 0, s) ? -1 : s[0];
}

/* A socket with an abstract address: nothing left behind. */
static int make_bound_unix(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "cr-lsm-%d",
		 getpid());
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)))
		return -1;
	return fd;
}

/* A POSIX message queue, unlinked: nothing left behind. */
static int make_mqueue(void)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "/cr-lsm-%d", getpid());
	fd = syscall(__NR_mq_open, name + 1, O_RDWR | O_CREAT, 0600, NULL);
	if (fd >= 0)
		syscall(__NR_mq_unlink, name + 1);
	return fd;
}

/* The same, with a datagram queued from a socket now closed. */
static int make_unix_datagram(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = make_bound_unix(), from = socket(AF_UNIX, SOCK_DGRAM, 0);

	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "cr-lsm-%d",
		 getpid());
	if (fd < 0 || sendto(from, "x", 1, 0, (struct sockaddr *)&sun,
			     sizeof(sun)) != 1)
		return -1;
	close(from);
	return fd;
}

static int make_eventfd(void)
{
	return eventfd(0, 0);
}

static int make_signalfd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return signalfd(-1, &set, 0);
}

static int make_timerfd(void)
{
	return timerfd_create(CLOCK_MONOTONIC, 0);
}

static int make_epoll(void)
{
	return epoll_create1(0);
}

static int make_dir(void)
{
	return open("/tmp", O_RDONLY | O_DIRECTORY);
}

static int make_inotify(void)
{
	return inotify_init1(0);
}

static int make_console(void)
{
	return open("/dev/console", O_RDWR | O_NOCTTY | O_NONBLOCK);
}

static int make_memfd(void)
{
	return syscall(__NR_memfd_create, "cr", 0);
}

static int make_shared_anon(void)
{
	return mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0) == MAP_FAILED ? -1 : 0;
}

static int make_pidfd(void)
{
	return syscall(__NR_pidfd_open, getppid(), 0);
}

static int make_netlink(void)
{
	return socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
}

static int make_packet(void)
{
	return socket(AF_PACKET, SOCK_RAW, 0);
}

static int make_userfaultfd(void)
{
	return syscall(__NR_userfaultfd, O_CLOEXEC);
}

/* Memory device 1:4 (/dev/port): a device node c/r will not reopen. */
static int make_chrdev(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/cr-chrdev-%d", getpid());
	if (mknod(path, S_IFCHR | 0600, makedev(1, 4)))
		return -1;
	fd = open(path, O_RDONLY);
	unlink(path);
	/* The mark is made when the open is allowed, before the driver's. */
	return fd < 0 && errno != ENXIO && errno != ENODEV ? -1 : 0;
}

/* A namespace c/r will not support, made by clone(). */
static int make_mount_ns(void)
{
	pid_t pid = syscall(__NR_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);

	if (!pid)
		_exit(0);
	return pid < 0 ? -1 : cr_wait_exit(pid);
}

enum kind { SUPPORTED, NOT_YET, UNSUPPORTED };

FIXTURE(kind) {
	struct cr_files f;
};

FIXTURE_VARIANT(kind) {
	int (*make)(void);
	enum kind kind;
	const char *reason;	/* in the mark, or in checkpoint()'s log */
};

FIXTURE_VARIANT_ADD(kind, regular_file) {
	.make = make_file, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, dev_null) {
	.make = make_devnull, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, kmsg_writer) {
	.make = make_kmsg_writer, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, pipe) {
	.make = make_pipe, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, unix_socketpair) {
	.make = make_socketpair, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, bound_unix_socket) {
	.make = make_bound_unix, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, posix_mqueue) {
	.make = make_mqueue, .kind = NOT_YET,
	.reason = "a POSIX message queue",
};

FIXTURE_VARIANT_ADD(kind, unix_datagram_from_another) {
	.make = make_unix_datagram, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, eventfd) {
	.make = make_eventfd, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, signalfd) {
	.make = make_signalfd, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, timerfd) {
	.make = make_timerfd, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, epoll) {
	.make = make_epoll, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, directory) {
	.make = make_dir, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, inotify) {
	.make = make_inotify, .kind = NOT_YET, .reason = "anon_inode:inotify",
};

FIXTURE_VARIANT_ADD(kind, terminal) {
	.make = make_console, .kind = NOT_YET,
	.reason = "character device 5:1",
};

FIXTURE_VARIANT_ADD(kind, memfd) {
	.make = make_memfd, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, shared_anonymous_memory) {
	.make = make_shared_anon, .kind = SUPPORTED,
};

FIXTURE_VARIANT_ADD(kind, pidfd) {
	.make = make_pidfd, .kind = UNSUPPORTED, .reason = "opened a pidfd",
};

FIXTURE_VARIANT_ADD(kind, netlink_socket) {
	.make = make_netlink, .kind = UNSUPPORTED,
	.reason = "created socket(AF_NETLINK, SOCK_RAW)",
};

FIXTURE_VARIANT_ADD(kind, packet_socket) {
	.make = make_packet, .kind = UNSUPPORTED,
	.reason = "created socket(AF_PACKET, SOCK_RAW)",
};

FIXTURE_VARIANT_ADD(kind, userfaultfd) {
	.make = make_userfaultfd, .kind = UNSUPPORTED,
	.reason = "created anon_inode:[userfaultfd]",
};

FIXTURE_VARIANT_ADD(kind, character_device) {
	.make = make_chrdev, .kind = UNSUPPORTED,
	.reason = "opened character device 1:4",
};

FIXTURE_VARIANT_ADD(kind, kmsg_reader) {
	.make = make_kmsg_reader, .kind = UNSUPPORTED,
	.reason = "opened character device 1:11",
};

FIXTURE_VARIANT_ADD(kind, mount_namespace) {
	.make = make_mount_ns, .kind = UNSUPPORTED,
	.reason = "clone(CLONE_NEWNS)",
};

FIXTURE_SETUP(kind)
{
	cr_files_init(&self->f, "lsm");
}

FIXTURE_TEARDOWN(kind)
{
	unlink(ready_file(&self->f));
	unlink(LSM_FILE);
	cr_files_fini(&self->f);
}

/*
 * The child makes the object, closes it if its kind marks the task (the
 * mark must stay), checks that prctl and /proc agree, and waits; it exits
 * CR_OK if it was not disturbed.
 */
TEST_F(kind, proc_prctl_and_checkpoint_agree)
{
	char state[160], expect[160];
	pid_t child;
	long ret;

	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		int fd;

		cr_child_init();
		fd = variant->make();
		if (fd < 0)
			_exit(2);
		if (variant->kind == UNSUPPORTED && fd > 2)
			close(fd);
		if (!self_agrees())
			_exit(3);
		cr_go(ready_file(&self->f));
		cr_wait_go(self->f.go);
		_exit(CR_OK);
	}
	ASSERT_TRUE(wait_ready(&self->f, child));

	proc_checkpointable(child, state, sizeof(state));
	if (variant->kind == UNSUPPORTED)
		snprintf(expect, sizeof(expect), "no: %s", variant->reason);
	else
		snprintf(expect, sizeof(expect), "yes");
	EXPECT_STREQ(expect, state);

	ret = sys_checkpoint(child, self->f.img, 0, self->f.logfd);
	if (variant->kind == SUPPORTED) {
		EXPECT_EQ(0, ret) TH_LOG("%s", cr_log(&self->f));
	} else {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EOPNOTSUPP, errno);
		EXPECT_NE(NULL, strstr(cr_log(&self->f), variant->reason))
			TH_LOG("log: %s", cr_log(&self->f));
	}
	if (variant->kind == UNSUPPORTED)
		EXPECT_NE(NULL, strstr(cr_log(&self->f), "is uncheckpointable"));

	cr_go(self->f.go);
	EXPECT_EQ(CR_OK, cr_wait_exit(child));
}

/* A child forked after the mark inherits it; execve() keeps it. */
static const char *exe_arg = "--report-mark";
static char *self_exe;

TEST(mark_survives_fork_and_exec)
{
	struct cr_files f;
	char state[160];
	pid_t child;

	cr_files_init(&f, "lsm-exec");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		close(make_netlink());
		pid_t grandchild = fork();

		if (!grandchild) {
			execl(self_exe, self_exe, exe_arg, ready_file(&f), f.go,
			      NULL);
			_exit(4);
		}
		_exit(cr_wait_exit(grandchild));
	}
	ASSERT_TRUE(wait_ready(&f, child));
	EXPECT_STREQ("no: created socket(AF_NETLINK, SOCK_RAW)",
		     proc_checkpointable(child, state, sizeof(state)));
	cr_go(f.go);
	EXPECT_EQ(CR_OK, cr_wait_exit(child));
	unlink(ready_file(&f));
	cr_files_fini(&f);
}

/* The exec()ed grandchild of mark_survives_fork_and_exec. */
static int report_mark(const char *ready, const char *go)
{
	char buf[160];

	prctl_checkpointable(buf, sizeof(buf));
	if (strcmp(buf, "no: created socket(AF_NETLINK, SOCK_RAW)") ||
	    !self_agrees())
		return CR_BAD;
	cr_go(ready);
	cr_wait_go(go);
	return CR_OK;
}

/* A file received over a unix socket marks the receiver. */
TEST(received_file_marks_the_receiver)
{
	char cbuf[CMSG_SPACE(sizeof(int))], state[160], byte = 'x';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cr_files f;
	struct cmsghdr *cmsg;
	int sv[2], nl;
	pid_t child;

	cr_files_init(&f, "lsm-recv");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		char c;

		close(sv[0]);
		if (recvmsg(sv[1], &msg, 0) != 1)
			_exit(2);
		close(sv[1]);
		cr_child_init();	/* closes the received fd too */
		if (!self_agrees())
			_exit(3);
		cr_go(ready_file(&f));
		cr_wait_go(f.go);
		_exit(read(0, &c, 1) == 0 ? CR_OK : CR_BAD);
	}
	close(sv[1]);
	nl = make_netlink();	/* marks the sender, this test's process */
	ASSERT_GE(nl, 0);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &nl, sizeof(int));
	ASSERT_EQ(1, sendmsg(sv[0], &msg, 0));
	ASSERT_TRUE(wait_ready(&f, child));
	EXPECT_STREQ("no: received socket(AF_NETLINK, SOCK_RAW)",
		     proc_checkpointable(child, state, sizeof(state)));
	cr_go(f.go);
	EXPECT_EQ(CR_OK, cr_wait_exit(child));
	unlink(ready_file(&f));
	cr_files_fini(&f);
}

/* A ptracer and its tracee stay marked after the tracer detaches. */
TEST(ptrace_attach_marks_both)
{
	char state[160], expect[160];
	struct cr_files f;
	pid_t target, tracer;

	cr_files_init(&f, "lsm-ptrace");
	target = fork();
	ASSERT_GE(target, 0);
	if (!target) {
		cr_child_init();
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	tracer = fork();
	ASSERT_GE(tracer, 0);
	if (!tracer) {
		/* Detached when it exits. */
		if (ptrace(PTRACE_SEIZE, target, 0, 0))
			_exit(CR_BAD);
		_exit(self_agrees() ? CR_OK : 3);
	}
	ASSERT_EQ(CR_OK, cr_wait_exit(tracer));
	snprintf(expect, sizeof(expect), "no: ptrace-attached by pid %d", tracer);
	EXPECT_STREQ(expect, proc_checkpointable(target, state, sizeof(state)));
	EXPECT_EQ(-1, sys_checkpoint(target, f.img, 0, f.logfd));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_NE(NULL, strstr(cr_log(&f), expect + 4));
	cr_go(f.go);
	EXPECT_EQ(CR_OK, cr_wait_exit(target));
	cr_files_fini(&f);
}

/*
 * The mark is checked before any task is parked: a stopped, marked target
 * gets EOPNOTSUPP and its reason, not the EBUSY of a failed park.
 */
TEST(marked_task_is_refused_before_quiescing)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "lsm-fast");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		close(make_pidfd());
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	cr_wait_ready(f.go);
	ASSERT_EQ(0, kill(child, SIGSTOP));
	usleep(100000);
	EXPECT_EQ(-1, sys_checkpoint(child, f.img, 0, f.logfd));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_NE(NULL, strstr(cr_log(&f), "is uncheckpointable: opened a pidfd"))
		TH_LOG("log: %s", cr_log(&f));
	kill(child, SIGCONT);
	cr_go(f.go);
	EXPECT_EQ(CR_OK, cr_wait_exit(child));
	cr_files_fini(&f);
}

/*
 * restart() starts its tasks unmarked, even when the restarter is marked:
 * they come from an image of unmarked tasks.
 */
TEST(restored_task_is_not_marked)
{
	char state[160];
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "lsm-restart");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		cr_wait_go(f.go);
		_exit(self_agrees() ? CR_OK : CR_BAD);
	}
	cr_wait_ready(f.go);
	close(make_netlink());	/* the restarter is now marked */
	EXPECT_STREQ("no: created socket(AF_NETLINK, SOCK_RAW)",
		     proc_checkpointable(getpid(), state, sizeof(state)));
	child = cr_checkpoint_restart(&f, child);
	ASSERT_GT(child, 0) TH_LOG("%s", cr_log(&f));
	EXPECT_STREQ("yes", proc_checkpointable(child, state, sizeof(state)));
	cr_go(f.go);
	EXPECT_EQ(CR_OK, cr_wait_exit(child));
	cr_files_fini(&f);
}

/* Reading another user's /proc/<pid>/checkpointable needs ptrace rights. */
TEST(proc_needs_ptrace_read_rights)
{
	struct cr_files f;
	pid_t target, spy;

	cr_files_init(&f, "lsm-proc");
	target = fork();
	ASSERT_GE(target, 0);
	if (!target) {
		cr_child_init();
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	spy = fork();
	ASSERT_GE(spy, 0);
	if (!spy) {
		char path[64], buf[16];
		int fd;

		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(99);
		snprintf(path, sizeof(path), "/proc/%d/checkpointable", target);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			_exit(4);
		if (read(fd, buf, sizeof(buf)) >= 0)
			_exit(CR_BAD);
		_exit(errno == EACCES ? CR_OK : 100 + errno);
	}
	EXPECT_EQ(CR_OK, cr_wait_exit(spy));
	cr_go(f.go);
	EXPECT_EQ(CR_OK, cr_wait_exit(target));
	cr_files_fini(&f);
}

/* The prctl's arguments: a short buffer truncates, junk is refused. */
TEST(prctl_arguments)
{
	char buf[8];

	close(make_pidfd());
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(0, prctl(PR_GET_CHECKPOINTABLE, buf, 5, 0, 0));
	EXPECT_STREQ("open", buf);
	EXPECT_EQ(0, prctl(PR_GET_CHECKPOINTABLE, 0, 0, 0, 0));
	EXPECT_EQ(-1, prctl(PR_GET_CHECKPOINTABLE, buf, 0, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, prctl(PR_GET_CHECKPOINTABLE, 0, 0, 1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, prctl(PR_GET_CHECKPOINTABLE, 8, 8, 0, 0));
	EXPECT_EQ(EFAULT, errno);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], exe_arg))
		return report_mark(argv[2], argv[3]);
	self_exe = realpath("/proc/self/exe", NULL);
	return test_harness_run(argc, argv);
}
