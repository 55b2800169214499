// SPDX-License-Identifier: GPL-2.0
/*
 * AF_UNIX socket pairs: of each type, shared by a parent and its child,
 * with messages in flight both ways, a partly read one, a shutdown, a
 * buffer size, O_NONBLOCK and SO_PEERCRED; and what is refused.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

struct state {
	int sndbuf, flags;
	struct ucred cred;
};

static void get_state(int fd, struct state *s)
{
	socklen_t len = sizeof(s->sndbuf);

	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &s->sndbuf, &len);
	len = sizeof(s->cred);
	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &s->cred, &len);
	s->flags = fcntl(fd, F_GETFL);
}

/*
 * Its state is as it was, but for the peer's pid: @maker's now. Returns
 * the bits of what differs.
 */
static int check_state(int fd, const struct state *was, pid_t maker)
{
	struct state now;
	int bad = 0;

	get_state(fd, &now);
	if (now.sndbuf != was->sndbuf)
		bad |= 1;
	if (now.flags != was->flags)
		bad |= 2;
	if (now.cred.pid != maker || now.cred.uid != was->cred.uid ||
	    now.cred.gid != was->cred.gid)
		bad |= 4;
	return bad;
}

/* Read @want from @fd: one message of a datagram socket, all of a stream. */
static int expect_read(int fd, const char *want)
{
	char buf[64] = "";
	size_t len = strlen(want), got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			return 1;
		got += n;
	}
	return strcmp(buf, want) ? 1 : 0;
}

FIXTURE(pair) {
	struct cr_files f;
};

FIXTURE_VARIANT(pair) {
	int type;
};

FIXTURE_VARIANT_ADD(pair, stream) {
	.type = SOCK_STREAM,
};

FIXTURE_VARIANT_ADD(pair, dgram) {
	.type = SOCK_DGRAM,
};

FIXTURE_VARIANT_ADD(pair, seqpacket) {
	.type = SOCK_SEQPACKET,
};

FIXTURE_SETUP(pair)
{
	cr_files_init(&self->f, "unix");
}

FIXTURE_TEARDOWN(pair)
{
	cr_files_fini(&self->f);
}

/*
 * A parent and its child, each with one end. Queued to the child's end:
 * "one", "two"; to the parent's: "three", of which "th" was read. The
 * parent then shuts its end for sending. After restart each reads what
 * was queued to it; a stream or seqpacket reader then sees the shutdown.
 */
TEST_F(pair, keeps_its_messages_and_state)
{
	int type = variant->type;
	pid_t root, restored;
	int status;

	cr_be_subreaper();
	root = fork();
	ASSERT_GE(root, 0);
	if (!root) {
		int sv[2], sndbuf = 65536, bad = 0;
		struct state ps, cs;
		char buf[4];
		pid_t child;

		cr_child_init();
		if (socketpair(AF_UNIX, type, 0, sv) ||
		    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
			       sizeof(sndbuf)) ||
		    fcntl(sv[1], F_SETFL, O_NONBLOCK))
			_exit(100);
		get_state(sv[0], &ps);
		get_state(sv[1], &cs);
		child = fork();
		if (!child) {
			close(sv[0]);
			if (write(sv[1], "three", 5) != 5)
				_exit(101);
			/* Only the root says it is ready. */
			while (access(self->f.go, F_OK))
				usleep(10000);
			bad = check_state(sv[1], &cs, getppid());
			if (type == SOCK_STREAM ? expect_read(sv[1], "onetwo") :
			    expect_read(sv[1], "one") || expect_read(sv[1], "two"))
				bad |= 8;
			if (type != SOCK_DGRAM &&
			    read(sv[1], buf, sizeof(buf)) != 0)
				bad |= 16;
			_exit(bad);
		}
		close(sv[1]);
		if (write(sv[0], "one", 3) != 3 || write(sv[0], "two", 3) != 3)
			_exit(102);
		usleep(100000);
		if (type == SOCK_STREAM && read(sv[0], buf, 2) != 2)
			_exit(103);
		if (type != SOCK_DGRAM && shutdown(sv[0], SHUT_WR))
			_exit(104);
		cr_wait_go(self->f.go);
		bad = check_state(sv[0], &ps, getpid()) << 8;
		if (expect_read(sv[0], type == SOCK_STREAM ? "ree" : "three"))
			bad |= 8 << 8;
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
			bad |= 32 << 8;
		else
			bad |= WEXITSTATUS(status);
		if (bad)
			cr_note("type %d: %#x\n", type, bad);
		_exit(bad ? 1 : 0);
	}
	ASSERT_EQ(cr_wait_child_ready(self->f.go, root, &status), 0);
	restored = cr_checkpoint_restart_tree(&self->f, root, RESTART_PIDS);
	ASSERT_EQ(restored, root) TH_LOG("%s", cr_log(&self->f));
	cr_go(self->f.go);
	EXPECT_EQ(cr_wait_exit(restored), 0) TH_LOG("%s", cr_notes());
}

/*
 * A socketpair() made outside the tree, or with a file in flight, is
 * refused.
 */
TEST(refused_with_a_reason)
{
	struct cr_files f;
	int sv[2];
	pid_t child;

	cr_files_init(&f, "unix-refused");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		char cbuf[CMSG_SPACE(sizeof(int))], byte = 'x';
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
		int fd;

		dup2(sv[1], 3);
		cr_child_init_keep(1);
		cr_wait_go(f.go);
		/* Its own pair now, with a file in flight in it. */
		close(3);
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			_exit(2);
		fd = open("/dev/null", O_RDONLY);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
		if (sendmsg(sv[0], &msg, 0) != 1)
			_exit(3);
		unlink(f.go);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	close(sv[1]);
	cr_wait_ready(f.go);
	EXPECT_EQ(sys_checkpoint(child, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, EOPNOTSUPP);
	EXPECT_NE(strstr(cr_log(&f), "made by a process outside the tree"), NULL)
		TH_LOG("%s", cr_log(&f));

	cr_go(f.go);
	cr_wait_ready(f.go);
	ftruncate(f.logfd, 0);
	EXPECT_EQ(sys_checkpoint(child, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, EOPNOTSUPP);
	EXPECT_NE(strstr(cr_log(&f), "file descriptors in flight"), NULL)
		TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(child), CR_OK);
	close(sv[0]);
	cr_files_fini(&f);
}

/*
 * A forking server: it makes a socketpair() for each of its workers,
 * sends them jobs and reads their answers, several in flight at once.
 */
#define WORKERS	3
#define JOBS	1500

static unsigned long long work(unsigned int job)
{
	unsigned long long x = job * 2654435761ULL + 1;
	int i;

	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

static int worker(int fd)
{
	unsigned long long answer;
	unsigned int job;

	while (read(fd, &job, sizeof(job)) == sizeof(job) && job) {
		answer = work(job);
		if (write(fd, &answer, sizeof(answer)) != sizeof(answer))
			return 1;
	}
	return 0;
}

static int forking_server(const char *out)
{
	unsigned long long sum = 0, answer;
	unsigned int job, done = 0, w;
	int sv[WORKERS][2], status, bad = 0;
	pid_t pid[WORKERS];
	FILE *f;

	for (w = 0; w < WORKERS; w++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv[w]))
			return 1;
		pid[w] = fork();
		if (!pid[w]) {
			close(sv[w][0]);
			_exit(worker(sv[w][1]));
		}
		close(sv[w][1]);
	}
	/* Each worker has one job in flight; answers come back in order. */
	for (job = 1; job <= JOBS + WORKERS; job++) {
		int fd = sv[job % WORKERS][0];

		if (job > WORKERS) {
			if (read(fd, &answer, sizeof(answer)) != sizeof(answer))
				return 2;
			sum += answer % 1000003;
			done++;
		}
		if (job <= JOBS && write(fd, &job, sizeof(job)) != sizeof(job))
			return 3;
	}
	job = 0;
	for (w = 0; w < WORKERS; w++) {
		if (write(sv[w][0], &job, sizeof(job)) != sizeof(job) ||
		    waitpid(pid[w], &status, 0) != pid[w] || status)
			bad = 1;
	}
	f = fopen(out, "w");
	if (!f)
		return 4;
	fprintf(f, "jobs %u sum %llu\n", done, sum);
	return fclose(f) || bad ? 5 : 0;
}

/*
 * The forking server, uninterrupted, and checkpointed and restarted three
 * times at random moments: the same answers.
 */
TEST(forking_server_gives_the_same_result)
{
	char got[256];

	cr_compare_restarted(_metadata, "server", forking_server, got,
			     sizeof(got));
	EXPECT_NE(strstr(got, "jobs 1500 sum"), NULL) TH_LOG("%s", got);
}

TEST_HARNESS_MAIN
