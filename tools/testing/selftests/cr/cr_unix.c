// SPDX-License-Identifier: GPL-2.0
/*
 * AF_UNIX sockets: pairs of each type, shared by a parent and its child,
 * with messages in flight both ways, a partly read one, a shutdown, a
 * buffer size, O_NONBLOCK and SO_PEERCRED; a listening socket bound to
 * a path or an abstract name, with an accepted connection and one
 * waiting for accept(); a forking server of each kind; and what is
 * refused.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

/* Read all @len bytes, however a stream splits them. */
static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
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
			cr_await(self->f.go);
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

FIXTURE(listener) {
	struct cr_files f;
	struct sockaddr_un addr;
	socklen_t addr_len;
};

FIXTURE_VARIANT(listener) {
	int type;
	bool path;
};

FIXTURE_VARIANT_ADD(listener, stream_path) {
	.type = SOCK_STREAM,
	.path = true,
};

FIXTURE_VARIANT_ADD(listener, stream_abstract) {
	.type = SOCK_STREAM,
};

FIXTURE_VARIANT_ADD(listener, seqpacket_path) {
	.type = SOCK_SEQPACKET,
	.path = true,
};

FIXTURE_SETUP(listener)
{
	char *p = self->addr.sun_path;

	cr_files_init(&self->f, "unix-listen");
	self->addr.sun_family = AF_UNIX;
	if (variant->path) {
		snprintf(p, sizeof(self->addr.sun_path), "%s.sock", self->f.go);
		unlink(p);
		self->addr_len = offsetof(struct sockaddr_un, sun_path) +
				 strlen(p) + 1;
	} else {
		snprintf(p + 1, sizeof(self->addr.sun_path) - 1, "cr-%d", getpid());
		self->addr_len = offsetof(struct sockaddr_un, sun_path) + 1 +
				 strlen(p + 1);
	}
}

FIXTURE_TEARDOWN(listener)
{
	if (variant->path)
		unlink(self->addr.sun_path);
	cr_files_fini(&self->f);
}

/* Whether @fd's own (or its peer's) address is @want. */
static int check_addr(int fd, bool peer, const struct sockaddr_un *want,
		      socklen_t want_len)
{
	struct sockaddr_un got = {};
	socklen_t len = sizeof(got);

	if (peer ? getpeername(fd, (struct sockaddr *)&got, &len) :
		   getsockname(fd, (struct sockaddr *)&got, &len))
		return 1;
	return len != want_len || memcmp(&got, want, len);
}

static int check_peer_pid(int fd, pid_t want)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return 1;
	return cred.pid != want || cred.uid != getuid() || cred.gid != getgid();
}

/*
 * A client of the listener: connects, says @hello, tells the root so
 * through @note, then after restart reads @reply and checks the
 * addresses and peer credentials of its socket.
 */
static int client(const struct sockaddr_un *addr, socklen_t addr_len,
		  int type, const char *go, int note, const char *hello,
		  const char *reply)
{
	int fd = socket(AF_UNIX, type, 0), bad = 0;

	if (connect(fd, (const struct sockaddr *)addr, addr_len) ||
	    write(fd, hello, strlen(hello)) != (ssize_t)strlen(hello) ||
	    write(note, "x", 1) != 1)
		return 100;
	cr_await(go);
	if (check_addr(fd, true, addr, addr_len))
		bad |= 1;
	if (check_peer_pid(fd, getppid()))
		bad |= 2;
	if (expect_read(fd, reply))
		bad |= 4;
	return bad;
}

/*
 * The root listens; one child connects and is accepted, another connects
 * and waits in the queue, each having said hello; the root has sent the
 * first a message. After restart, the root reads the first's hello,
 * accepts the second with its hello, answers it, and takes a connection
 * made after restart. Addresses, peer credentials and a path's socket
 * file mode are as they were.
 */
TEST_F(listener, keeps_its_connections_and_addresses)
{
	const struct sockaddr_un *addr = &self->addr;
	socklen_t addr_len = self->addr_len;
	int type = variant->type;
	pid_t root, restored;
	int status;

	cr_be_subreaper();
	root = fork();
	ASSERT_GE(root, 0);
	if (!root) {
		int lfd, a1, a2, c3, note[2], bad = 0, i;
		pid_t child[3];
		struct stat st;
		char buf[2];

		cr_child_init();
		lfd = socket(AF_UNIX, type, 0);
		if (bind(lfd, (const struct sockaddr *)addr, addr_len) ||
		    listen(lfd, 4) || pipe(note) ||
		    (variant->path && chmod(addr->sun_path, 0640)))
			_exit(100);
		child[0] = fork();
		if (!child[0])
			_exit(client(addr, addr_len, type, self->f.go, note[1],
				     "hello1", "to-c1"));
		a1 = accept(lfd, NULL, NULL);
		if (a1 < 0 || write(a1, "to-c1", 5) != 5)
			_exit(101);
		child[1] = fork();
		if (!child[1])
			_exit(client(addr, addr_len, type, self->f.go, note[1],
				     "hello2", "to-c2"));
		if (read_full(note[0], buf, 2))
			_exit(102);
		cr_wait_go(self->f.go);

		if (check_addr(lfd, false, addr, addr_len) ||
		    check_addr(a1, false, addr, addr_len))
			bad |= 1;
		if (variant->path && (stat(addr->sun_path, &st) ||
				      !S_ISSOCK(st.st_mode) ||
				      (st.st_mode & 07777) != 0640))
			bad |= 2;
		if (expect_read(a1, "hello1") || check_peer_pid(a1, child[0]))
			bad |= 4;
		a2 = accept(lfd, NULL, NULL);
		if (write(a2, "to-c2", 5) != 5 || expect_read(a2, "hello2") ||
		    check_peer_pid(a2, child[1]) ||
		    check_addr(a2, false, addr, addr_len))
			bad |= 8;
		child[2] = fork();
		if (!child[2]) {
			c3 = socket(AF_UNIX, type, 0);
			_exit(connect(c3, (const struct sockaddr *)addr,
				      addr_len) || write(c3, "3", 1) != 1);
		}
		c3 = accept(lfd, NULL, NULL);
		if (c3 < 0 || expect_read(c3, "3"))
			bad |= 16;
		for (i = 0; i < 3; i++) {
			if (waitpid(child[i], &status, 0) != child[i] ||
			    !WIFEXITED(status) || WEXITSTATUS(status))
				bad |= (32 << i) | WEXITSTATUS(status) << 8;
		}
		if (bad)
			cr_note("type %d path %d: %#x\n", type, variant->path, bad);
		_exit(bad ? 1 : 0);
	}
	ASSERT_EQ(cr_wait_child_ready(self->f.go, root, &status), 0);
	restored = cr_checkpoint_restart_tree(&self->f, root, RESTART_PIDS);
	ASSERT_EQ(restored, root) TH_LOG("%s", cr_log(&self->f));
	cr_go(self->f.go);
	EXPECT_EQ(cr_wait_exit(restored), 0) TH_LOG("%s", cr_notes());
}

/* Bind @fd to the abstract name "cr-<pid>-@tag"; its address in *@sun. */
static socklen_t bind_abstract(int fd, const char *tag, struct sockaddr_un *sun)
{
	socklen_t len;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "cr-%d-%s",
		 getpid(), tag);
	len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sun->sun_path + 1);
	return bind(fd, (struct sockaddr *)sun, len) ? 0 : len;
}

/* A datagram from @fd is @want, from the socket at @from. */
static int expect_from(int fd, const char *want, const struct sockaddr_un *from,
		       socklen_t from_len)
{
	struct sockaddr_un got = {};
	socklen_t len = sizeof(got);
	char buf[16] = "";

	if (recvfrom(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT,
		     (struct sockaddr *)&got, &len) != (ssize_t)strlen(want))
		return 1;
	return strcmp(buf, want) || len != from_len ||
	       (len && memcmp(&got, from, len));
}

/*
 * Two datagram sockets bound to abstract names and connected to each
 * other, each with a datagram from the other queued: after restart each
 * reads it, from the other's address, and has no SO_PEERCRED.
 */
TEST(datagram_sockets_connected_both_ways)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "unix-dgram");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct sockaddr_un sa, sb;
		socklen_t la, lb, len;
		struct ucred cred;
		int a, b, bad = 0;

		cr_child_init();
		a = socket(AF_UNIX, SOCK_DGRAM, 0);
		b = socket(AF_UNIX, SOCK_DGRAM, 0);
		la = bind_abstract(a, "a", &sa);
		lb = bind_abstract(b, "b", &sb);
		if (!la || !lb || connect(a, (struct sockaddr *)&sb, lb) ||
		    connect(b, (struct sockaddr *)&sa, la) ||
		    send(a, "ab", 2, 0) != 2 || send(b, "ba", 2, 0) != 2)
			_exit(2);
		cr_wait_go(f.go);
		if (expect_from(b, "ab", &sa, la) || expect_from(a, "ba", &sb, lb))
			bad |= 1;
		if (check_addr(a, true, &sb, lb) || check_addr(b, false, &sb, lb))
			bad |= 2;
		len = sizeof(cred);
		if (getsockopt(a, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
		    cred.pid)
			bad |= 4;
		if (send(a, "again", 5, 0) != 5 || expect_from(b, "again", &sa, la))
			bad |= 8;
		if (bad)
			cr_note("%#x\n", bad);
		_exit(bad ? 1 : CR_OK);
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, child, NULL), 0);
	child = cr_checkpoint_restart_tree(&f, child, 0);
	ASSERT_GT(child, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(child), CR_OK) TH_LOG("%s", cr_notes());
	cr_files_fini(&f);
}

/*
 * A datagram server bound to a path, as syslog's /dev/log is. Queued to
 * it: a datagram from a client in a child process, connected to it and
 * unbound; one sent with sendto() from a socket bound to an abstract name;
 * one from a socket bound to a path, closed since. After restart the
 * server reads them in order, each from its sender's address, and the
 * connected client, connected still, sends again. A socket shut for
 * reading after a datagram came keeps it, and takes no more.
 */
static int datagram_server(const char *go, const struct sockaddr_un *srv,
			   socklen_t srv_len, const struct sockaddr_un *gone,
			   socklen_t gone_len)
{
	int s, b, g, sh, note[2], status, bad = 0;
	struct sockaddr_un named, shut;
	socklen_t named_len, shut_len;
	pid_t child;
	char x;

	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	b = socket(AF_UNIX, SOCK_DGRAM, 0);
	g = socket(AF_UNIX, SOCK_DGRAM, 0);
	sh = socket(AF_UNIX, SOCK_DGRAM, 0);
	named_len = bind_abstract(b, "named", &named);
	shut_len = bind_abstract(sh, "shut", &shut);
	if (bind(s, (const struct sockaddr *)srv, srv_len) || !named_len ||
	    !shut_len ||
	    bind(g, (const struct sockaddr *)gone, gone_len) || pipe(note))
		return 100;
	child = fork();
	if (!child) {
		int c = socket(AF_UNIX, SOCK_DGRAM, 0);

		close(s);
		close(b);
		close(g);
		close(sh);
		if (connect(c, (const struct sockaddr *)srv, srv_len) ||
		    send(c, "one", 3, 0) != 3 || write(note[1], "x", 1) != 1)
			_exit(1);
		cr_await(go);
		_exit(check_addr(c, true, srv, srv_len) ? 2 :
		      send(c, "four", 4, 0) != 4 ? 3 : 0);
	}
	if (read(note[0], &x, 1) != 1 ||
	    sendto(b, "two", 3, 0, (const struct sockaddr *)srv, srv_len) != 3 ||
	    sendto(g, "three", 5, 0, (const struct sockaddr *)srv, srv_len) != 5)
		return 101;
	close(g);
	unlink(gone->sun_path);
	/* A datagram queued, then no more reading. */
	if (sendto(b, "five", 4, 0, (struct sockaddr *)&shut, shut_len) != 4 ||
	    shutdown(sh, SHUT_RD))
		return 102;
	cr_wait_go(go);
	if (expect_from(s, "one", NULL, 0))
		bad |= 1;
	if (expect_from(s, "two", &named, named_len))
		bad |= 2;
	if (expect_from(s, "three", gone, gone_len))
		bad |= 4;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		bad |= 8 | WEXITSTATUS(status) << 8;
	else if (expect_from(s, "four", NULL, 0))
		bad |= 16;
	if (expect_from(sh, "five", &named, named_len))
		bad |= 32;
	if (sendto(b, "six", 3, 0, (struct sockaddr *)&shut, shut_len) != -1 ||
	    errno != EPIPE)
		bad |= 64;
	if (bad)
		cr_note("datagram server: %#x\n", bad);
	return bad ? 1 : 0;
}

TEST(datagram_server_keeps_its_datagrams)
{
	struct sockaddr_un srv = { .sun_family = AF_UNIX }, gone;
	socklen_t srv_len, gone_len;
	struct cr_files f;
	pid_t root;
	int status;

	cr_be_subreaper();
	cr_files_init(&f, "unix-dgsrv");
	snprintf(srv.sun_path, sizeof(srv.sun_path), "%s.sock", f.go);
	srv_len = offsetof(struct sockaddr_un, sun_path) + strlen(srv.sun_path) + 1;
	gone = srv;
	strcat(gone.sun_path, "2");
	gone_len = srv_len + 1;
	unlink(srv.sun_path);
	unlink(gone.sun_path);
	root = fork();
	ASSERT_GE(root, 0);
	if (!root) {
		cr_child_init();
		_exit(datagram_server(f.go, &srv, srv_len, &gone, gone_len));
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, root, &status), 0);
	root = cr_checkpoint_restart_tree(&f, root, RESTART_PIDS);
	ASSERT_GT(root, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(root), 0) TH_LOG("%s", cr_notes());
	unlink(srv.sun_path);
	cr_files_fini(&f);
}

/*
 * A socketpair() made in the tree whose other end went outside it, with
 * a process that left the tree for the test, a subreaper: refused, and
 * the reason names the process of the tree.
 */
TEST(pair_with_an_end_outside_refused)
{
	char want[96];
	struct cr_files f;
	pid_t root, gone;
	int note[2];

	cr_be_subreaper();
	cr_files_init(&f, "unix-outside");
	ASSERT_EQ(pipe(note), 0);
	root = fork();
	ASSERT_GE(root, 0);
	if (!root) {
		int sv[2];
		pid_t mid;

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			_exit(2);
		mid = fork();
		if (!mid) {
			/* Its child, orphaned, goes to the test. */
			if (!fork()) {
				pid_t me = getpid();

				close(sv[0]);
				if (write(note[1], &me, sizeof(me)) != sizeof(me))
					_exit(3);
				pause();
			}
			_exit(0);
		}
		close(sv[1]);
		waitpid(mid, NULL, 0);
		dup2(sv[0], 3);
		cr_child_init_keep(1);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	close(note[1]);
	ASSERT_EQ(read(note[0], &gone, sizeof(gone)), sizeof(gone));
	snprintf(want, sizeof(want),
		 "pid %d has an AF_UNIX socket connected to one open outside",
		 root);
	EXPECT_EQ(cr_refused(_metadata, &f, root, want), CR_OK);
	kill(gone, SIGKILL);
	waitpid(gone, NULL, 0);
	cr_files_fini(&f);
}

/* A listener shut down with a connection waiting: refused, not lost. */
TEST(shut_listener_with_connections_refused)
{
	struct sockaddr_un sun;
	struct cr_files f;
	pid_t root;

	cr_files_init(&f, "unix-shut");
	root = fork();
	ASSERT_GE(root, 0);
	if (!root) {
		int lfd, c;
		socklen_t len;

		cr_child_init();
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		len = bind_abstract(lfd, "shut", &sun);
		if (!len || listen(lfd, 1) ||
		    connect(c, (struct sockaddr *)&sun, len) ||
		    shutdown(lfd, SHUT_RD))
			_exit(2);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, root,
			     "shut down with connections waiting"), CR_OK);
	cr_files_fini(&f);
}

#define BIG	(3 << 20)

/*
 * Megabytes queued on a stream pair whose sender raised its buffer, as a
 * tuned server may: every byte comes back, in order.
 */
TEST(megabytes_queued_come_back)
{
	const char *wmem = "/proc/sys/net/core/wmem_max";
	char old[32] = "";
	struct cr_files f;
	pid_t child;
	int fd;

	fd = open(wmem, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_GT(read(fd, old, sizeof(old) - 1), 0);
	ASSERT_EQ(pwrite(fd, "16777216", 8, 0), 8);
	cr_files_init(&f, "unix-big");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		int sv[2], size = 4 << 20, n = 0, i;
		static unsigned char buf[BIG];

		cr_child_init();
		for (i = 0; i < BIG; i++)
			buf[i] = i * 7 + i / 4096;
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
		    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) ||
		    fcntl(sv[0], F_SETFL, O_NONBLOCK))
			_exit(2);
		while (n < BIG) {
			ssize_t w = write(sv[0], buf + n, BIG - n);

			if (w <= 0)
				break;
			n += w;
		}
		if (n < (2 << 20))
			_exit(3);
		memset(buf, 0, sizeof(buf));
		cr_wait_go(f.go);
		if (read_full(sv[1], buf, n))
			_exit(4);
		for (i = 0; i < n; i++)
			if (buf[i] != (unsigned char)(i * 7 + i / 4096))
				_exit(5);
		_exit(CR_OK);
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	pwrite(fd, old, strlen(old), 0);
	close(fd);
	cr_files_fini(&f);
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
	EXPECT_NE(strstr(cr_log(&f), "SO_PEERCRED is a process outside the tree"), NULL)
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
 * A forking server: it sends its workers jobs and reads their answers,
 * several in flight at once.
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

	while (!read_full(fd, &job, sizeof(job)) && job) {
		answer = work(job);
		if (write(fd, &answer, sizeof(answer)) != sizeof(answer))
			return 1;
	}
	return 0;
}

/*
 * Its workers, each with a socket to talk over: a socketpair() made before
 * fork, or, given @path, a stream connected to the server's listening
 * socket there, accepted once all are forked.
 */
static int start_workers(const char *path, int sv[WORKERS][2],
			 pid_t pid[WORKERS])
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int lfd = -1;
	unsigned int w;

	if (path) {
		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
		unlink(path);
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) ||
		    listen(lfd, WORKERS))
			return 1;
	}
	for (w = 0; w < WORKERS; w++) {
		if (!path && socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv[w]))
			return 1;
		pid[w] = fork();
		if (!pid[w] && path) {
			close(lfd);
			sv[w][1] = socket(AF_UNIX, SOCK_STREAM, 0);
			if (connect(sv[w][1], (struct sockaddr *)&addr,
				    sizeof(addr)))
				_exit(2);
		} else if (!pid[w]) {
			close(sv[w][0]);
		}
		if (!pid[w])
			_exit(worker(sv[w][1]));
		if (!path)
			close(sv[w][1]);
	}
	for (w = 0; path && w < WORKERS; w++) {
		sv[w][0] = accept(lfd, NULL, NULL);
		if (sv[w][0] < 0)
			return 1;
	}
	if (path) {
		close(lfd);
		unlink(path);
	}
	return 0;
}

static int serve(const char *out, const char *path)
{
	unsigned long long sum = 0, answer;
	unsigned int job, done = 0, w;
	int sv[WORKERS][2], status, bad = 0;
	pid_t pid[WORKERS];
	FILE *f;

	if (start_workers(path, sv, pid))
		return 1;
	/* Each worker has one job in flight; answers come back in order. */
	for (job = 1; job <= JOBS + WORKERS; job++) {
		int fd = sv[job % WORKERS][0];

		if (job > WORKERS) {
			if (read_full(fd, &answer, sizeof(answer)))
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

static int forking_server(const char *out)
{
	return serve(out, NULL);
}

static int listening_server(const char *out)
{
	char path[64];

	snprintf(path, sizeof(path), "%s.sock", out);
	return serve(out, path);
}

/* Tests that run a workload through several restarts. */
FIXTURE(slow) {};
FIXTURE_SETUP(slow) {}
FIXTURE_TEARDOWN(slow) {}

/*
 * The forking server, uninterrupted, and checkpointed and restarted three
 * times at random moments: the same answers.
 */
TEST_F_TIMEOUT(slow, forking_server_gives_the_same_result, CR_SLOW_TIMEOUT)
{
	char got[256];

	cr_compare_restarted(_metadata, "server", forking_server, got,
			     sizeof(got));
	EXPECT_NE(strstr(got, "jobs 1500 sum"), NULL) TH_LOG("%s", got);
}

/*
 * The same, its workers connected to its listening socket, checkpointed
 * while they connect and wait to be accepted, or later.
 */
TEST_F_TIMEOUT(slow, listening_server_gives_the_same_result, CR_SLOW_TIMEOUT)
{
	char got[256];

	cr_compare_restarted(_metadata, "lserver", listening_server, got,
			     sizeof(got));
	EXPECT_NE(strstr(got, "jobs 1500 sum"), NULL) TH_LOG("%s", got);
}

TEST_HARNESS_MAIN
