// SPDX-License-Identifier: GPL-2.0
/*
 * Open files across checkpoint/restart: offsets, open flags, FD_CLOEXEC,
 * O_APPEND, the memory devices, one open file shared by two fds, the cwd
 * and the umask; pipes and FIFOs with the bytes in flight; a directory's
 * readdir position; eventfd counters; epoll interest lists; flock(),
 * POSIX and OFD locks; files deleted while open.
 */
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

static char dir[64], data[96], logf[96];

/* open() @path as fd @fd */
static void open_as(const char *path, int flags, int fd)
{
	int tmp = open(path, flags, 0600);

	if (tmp != fd) {
		dup2(tmp, fd);
		close(tmp);
	}
}

static int check_fds(void)
{
	char buf[16], cwd[96];
	struct stat st;

	/* fd 3: data, read up to offset 100 */
	if (lseek(3, 0, SEEK_CUR) != 100 || read(3, buf, 4) != 4 ||
	    memcmp(buf, "d100", 4))
		return 10;
	if ((fcntl(3, F_GETFL) & O_ACCMODE) != O_RDONLY ||
	    fcntl(3, F_GETFD) != FD_CLOEXEC)
		return 11;
	/* fd 4: the log, O_APPEND, no FD_CLOEXEC */
	if (!(fcntl(4, F_GETFL) & O_APPEND) || fcntl(4, F_GETFD) != 0 ||
	    write(4, "after\n", 6) != 6)
		return 12;
	/* fd 5 shares fd 3's open file: one offset */
	if (lseek(5, 0, SEEK_CUR) != 104)
		return 13;
	/* fd 7: /dev/zero, fd 9: /dev/urandom */
	if (read(7, buf, 8) != 8 || buf[0] || buf[7] ||
	    read(9, buf, 8) != 8 || fstat(9, &st) || st.st_rdev != makedev(1, 9))
		return 14;
	if (fcntl(6, F_GETFD) != -1 || fcntl(8, F_GETFD) != -1)
		return 15;
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, dir))
		return 16;
	if (umask(0) != 027)
		return 17;
	return CR_OK;
}

/*
 * A chroot()ed process: root /tmp/cr-root-N, cwd /sub inside it, fd 3 the
 * file /data inside it; its program and fds 0-2 are outside.
 */
static int check_chroot(void)
{
	char cwd[64], buf[8];

	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/sub"))
		return 20;
	if (pread(3, buf, 7, 0) != 7 || memcmp(buf, "inside", 7))
		return 21;
	if (access("/data", R_OK) || !access("/kselftest", F_OK))
		return 22;
	return CR_OK;
}

TEST(root_and_cwd_inside_it_survive)
{
	char root[32], path[96];
	struct cr_files f;
	pid_t child;
	int fd;

	cr_files_init(&f, "chroot");
	snprintf(root, sizeof(root), "/tmp/cr-root-%d", getpid());
	snprintf(path, sizeof(path), "%s/sub", root);
	ASSERT_EQ(mkdir(root, 0755), 0);
	ASSERT_EQ(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/tmp", root);
	ASSERT_EQ(mkdir(path, 01777), 0);
	snprintf(path, sizeof(path), "%s/data", root);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	ASSERT_EQ(write(fd, "inside", 7), 7);
	close(fd);
	/* The child waits for its go file inside its root. */
	snprintf(f.go, sizeof(f.go), "%s/tmp/go", root);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		if (chroot(root) || chdir("/sub") || open("/data", O_RDONLY) != 3)
			_exit(23);
		cr_wait_go("/tmp/go");
		_exit(check_chroot());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tmp", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sub", root);
	rmdir(path);
	rmdir(root);
}

TEST(fds_offsets_flags_cwd_umask)
{
	struct cr_files f;
	pid_t child, restored;
	char buf[64];
	int fd, i;

	cr_files_init(&f, "files");
	snprintf(dir, sizeof(dir), "/tmp/cr-files-%d.d", getpid());
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(logf, sizeof(logf), "%s/log", dir);
	ASSERT_EQ(mkdir(dir, 0700), 0);
	fd = open(data, O_WRONLY | O_CREAT, 0600);
	for (i = 0; i < 1000; i += 4) {
		snprintf(buf, sizeof(buf), "d%03d", i % 1000);
		ASSERT_EQ(write(fd, buf, 4), 4);
	}
	close(fd);

	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		chdir(dir);
		umask(027);
		open_as("data", O_RDONLY | O_CLOEXEC, 3);
		lseek(3, 100, SEEK_SET);
		open_as("log", O_WRONLY | O_CREAT | O_APPEND, 4);
		write(4, "before\n", 7);
		dup2(3, 5);
		open_as("/dev/zero", O_RDONLY, 7);
		open_as("/dev/urandom", O_RDONLY, 9);
		syscall(__NR_close_range, 10, ~0U, 0);
		cr_wait_go(f.go);
		_exit(check_fds());
	}
	cr_wait_ready(f.go);
	restored = cr_checkpoint_restart(&f, child);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);

	fd = open(logf, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 13);
	EXPECT_STREQ(buf, "before\nafter\n");
	close(fd);
	unlink(data);
	unlink(logf);
	rmdir(dir);
	cr_files_fini(&f);
}

/* Byte @i of the test stream: no two nearby windows look alike. */
static char pattern(unsigned int i)
{
	return (char)(i * 7 + (i >> 8) * 13 + (i >> 16));
}

/* Read @n bytes of the stream from @fd, from byte @from on. */
static int read_stream(int fd, unsigned int from, unsigned int n)
{
	char buf[4096];
	unsigned int i = 0;
	ssize_t got;

	while (i < n) {
		got = read(fd, buf, n - i < sizeof(buf) ? n - i : sizeof(buf));
		if (got <= 0) {
			cr_note("read %u of %u bytes: %zd (%m)\n", i, n, got);
			return -1;
		}
		for (ssize_t j = 0; j < got; j++, i++)
			if (buf[j] != pattern(from + i)) {
				cr_note("byte %u differs\n", from + i);
				return -1;
			}
	}
	return 0;
}

static int write_stream(int fd, unsigned int from, unsigned int n)
{
	char buf[4096];
	unsigned int i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < sizeof(buf) ? n - i : sizeof(buf);
		for (unsigned int j = 0; j < k; j++)
			buf[j] = pattern(from + i + j);
		if (write(fd, buf, k) != k)
			return -1;
	}
	return 0;
}

#define PIPE_BYTES	200000
#define PIPE_READ	1000

/*
 * fds 3, 4: a 256 KiB pipe with 199000 bytes left in it, the read end
 * O_NONBLOCK, the write end FD_CLOEXEC; fd 5: a read end whose writer is
 * gone, "tail" left in it; fd 6: a write end whose reader is gone.
 */
static int check_pipes(void)
{
	char buf[8];

	if (fcntl(3, F_GETPIPE_SZ) != 256 * 1024 ||
	    !(fcntl(3, F_GETFL) & O_NONBLOCK) || (fcntl(4, F_GETFL) & O_NONBLOCK) ||
	    fcntl(4, F_GETFD) != FD_CLOEXEC || fcntl(3, F_GETFD) != 0)
		return 10;
	if (read_stream(3, PIPE_READ, PIPE_BYTES - PIPE_READ))
		return 11;
	/* Nothing more: not a byte duplicated. */
	if (read(3, buf, 1) != -1 || errno != EAGAIN)
		return 12;
	/* The two ends are still one pipe. */
	if (write(4, "more", 4) != 4 || read(3, buf, 8) != 4 ||
	    memcmp(buf, "more", 4))
		return 13;
	if (read(5, buf, 8) != 4 || memcmp(buf, "tail", 4) || read(5, buf, 8))
		return 14;
	if (write(6, "x", 1) != -1 || errno != EPIPE)
		return 15;
	return CR_OK;
}

TEST(pipes_keep_the_bytes_in_flight)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "pipes");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		int p[2], q[2], r[2];

		cr_child_init();
		signal(SIGPIPE, SIG_IGN);
		if (pipe2(p, 0) || fcntl(p[1], F_SETPIPE_SZ, 256 * 1024) < 0 ||
		    write_stream(p[1], 0, PIPE_BYTES) ||
		    read_stream(p[0], 0, PIPE_READ) || pipe(q) || pipe(r) ||
		    write(q[1], "tail", 4) != 4)
			_exit(16);
		dup2(p[0], 3);
		dup2(p[1], 4);
		dup2(q[0], 5);
		dup2(r[1], 6);
		syscall(__NR_close_range, 7, ~0U, 0);
		fcntl(3, F_SETFL, O_NONBLOCK);
		fcntl(4, F_SETFD, FD_CLOEXEC);
		cr_wait_go(f.go);
		_exit(check_pipes());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

static char fifo[64];

TEST(fifo_keeps_the_bytes_in_flight)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "fifo");
	snprintf(fifo, sizeof(fifo), "/tmp/cr-fifo-%d", getpid());
	ASSERT_EQ(mkfifo(fifo, 0600), 0);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct stat before, after;
		char buf[8];

		cr_child_init();
		open_as(fifo, O_RDONLY | O_NONBLOCK, 3);
		open_as(fifo, O_WRONLY, 4);
		if (write_stream(4, 0, 5000) || fstat(3, &before))
			_exit(20);
		cr_wait_go(f.go);
		if (fstat(3, &after) || after.st_ino != before.st_ino)
			_exit(21);
		if (read_stream(3, 0, 5000))
			_exit(22);
		if (read(3, buf, 1) != -1 || errno != EAGAIN)
			_exit(23);
		_exit(write(4, "ok", 2) == 2 && read(3, buf, 8) == 2 ? CR_OK : 24);
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	unlink(fifo);
	cr_files_fini(&f);
}

/* A pipe to a process outside the checkpoint would lose its bytes. */
TEST(pipe_to_another_process_is_refused)
{
	struct cr_files f;
	pid_t child;
	int p[2];

	cr_files_init(&f, "pipeout");
	ASSERT_EQ(pipe(p), 0);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		dup2(p[0], 3);
		cr_child_init_keep(1);
		cr_wait_go(f.go);
		_exit(read_stream(3, 0, 3) ? CR_BAD : CR_OK);
	}
	close(p[0]);
	ASSERT_EQ(write_stream(p[1], 0, 3), 0);
	EXPECT_EQ(cr_refused(_metadata, &f, child, "an end open outside"), CR_OK);
	close(p[1]);
	cr_files_fini(&f);
}

/* A second open file of a pipe's end could not be made again at restart. */
TEST(pipe_end_opened_twice_is_refused)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "pipetwice");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		int p[2];

		cr_child_init();
		if (pipe(p) || open("/proc/self/fd/3", O_RDONLY) < 0)
			_exit(2);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child, "a pipe's end opened twice"), CR_OK);
	cr_files_fini(&f);
}

#define NR_DIRENTS	22	/* ".", ".." and f00 ... f19 */

static int seen[NR_DIRENTS];

/* Read up to @len bytes of entries of fd 3; count each name in seen[]. */
static int read_dirents(size_t len)
{
	char buf[4096];
	long n, off;

	n = syscall(__NR_getdents64, 3, buf, len);
	for (off = 0; off < n;) {
		struct {
			unsigned long long ino, off;
			unsigned short reclen;
			unsigned char type;
			char name[];
		} *d = (void *)(buf + off);
		int i = -1;

		if (!strcmp(d->name, "."))
			i = 0;
		else if (!strcmp(d->name, ".."))
			i = 1;
		else if (d->name[0] == 'f')
			i = 2 + atoi(d->name + 1);
		if (i < 0 || i >= NR_DIRENTS)
			return -1;
		seen[i]++;
		off += d->reclen;
	}
	return n;
}

static int check_dir(void)
{
	int i;

	while (read_dirents(4096) > 0)
		;
	for (i = 0; i < NR_DIRENTS; i++)
		if (seen[i] != 1) {
			cr_note("entry %d seen %d times\n", i, seen[i]);
			return 30;
		}
	return CR_OK;
}

TEST(directory_keeps_its_readdir_position)
{
	struct cr_files f;
	char name[96];
	pid_t child;
	int i;

	cr_files_init(&f, "dir");
	snprintf(dir, sizeof(dir), "/tmp/cr-dir-%d", getpid());
	ASSERT_EQ(mkdir(dir, 0700), 0);
	for (i = 0; i < NR_DIRENTS - 2; i++) {
		snprintf(name, sizeof(name), "%s/f%02d", dir, i);
		close(open(name, O_WRONLY | O_CREAT, 0600));
	}
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		open_as(dir, O_RDONLY | O_DIRECTORY, 3);
		/* A few entries now, the rest after restart. */
		if (read_dirents(128) <= 0)
			_exit(31);
		cr_wait_go(f.go);
		_exit(check_dir());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	for (i = 0; i < NR_DIRENTS - 2; i++) {
		snprintf(name, sizeof(name), "%s/f%02d", dir, i);
		unlink(name);
	}
	rmdir(dir);
	cr_files_fini(&f);
}

/* fd 3: an eventfd at 2^32 + 5; fd 4: a non-blocking semaphore at 3. */
static int check_eventfds(void)
{
	uint64_t v;
	int i;

	if (read(3, &v, 8) != 8 || v != (1ULL << 32) + 5)
		return 50;
	if (!(fcntl(4, F_GETFL) & O_NONBLOCK) || (fcntl(3, F_GETFL) & O_NONBLOCK))
		return 51;
	for (i = 0; i < 3; i++)
		if (read(4, &v, 8) != 8 || v != 1)
			return 52;
	if (read(4, &v, 8) != -1 || errno != EAGAIN)
		return 53;
	/* Still eventfds: they count on. */
	v = 7;
	if (write(3, &v, 8) != 8 || read(3, &v, 8) != 8 || v != 7)
		return 54;
	return CR_OK;
}

TEST(eventfd_counters_survive)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "eventfd");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		uint64_t v = (1ULL << 32) + 5;

		cr_child_init();
		if (eventfd(0, 0) != 3 || write(3, &v, 8) != 8 ||
		    eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK) != 4)
			_exit(55);
		cr_wait_go(f.go);
		_exit(check_eventfds());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The interest list of epoll file @fd as fdinfo shows it, less pos and
 * ino, sorted: the kernel keeps it in the order of the files' addresses.
 */
static void epoll_items(int fd, char *buf, size_t len)
{
	char path[64], lines[16][128], *cut;
	size_t off = 0;
	int n = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && n < 16 && fgets(lines[n], sizeof(lines[n]), f)) {
		if (strncmp(lines[n], "tfd:", 4))
			continue;
		cut = strstr(lines[n], " pos:");
		if (cut)
			*cut = '\0';
		n++;
	}
	if (f)
		fclose(f);
	qsort(lines, n, sizeof(lines[0]), cmp_lines);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		off += snprintf(buf + off, len - off, "%s\n", lines[i]);
}

static char epoll_before[1024];

/*
 * fd 3: a non-blocking epoll file watching the read end of a pipe (fd 4)
 * with bytes in it, its write end (added as fd 9, now closed; fd 5 is its
 * dup), an eventfd (fd 6, edge-triggered) and a fired timerfd (fd 7).
 */
static int check_epoll(void)
{
	struct epoll_event ev[8];
	char after[1024];
	unsigned int seen = 0;
	int i, n;

	epoll_items(3, after, sizeof(after));
	if (strcmp(epoll_before, after)) {
		cr_note("before:\n%safter:\n%s", epoll_before, after);
		return 60;
	}
	if (!(fcntl(3, F_GETFL) & O_NONBLOCK))
		return 61;
	n = epoll_wait(3, ev, 8, 0);
	for (i = 0; i < n; i++)
		seen |= 1U << ev[i].data.u64;
	if (n != 4 || seen != 0x1e)
		return 62;
	/* Edge-triggered: reported once, until the eventfd is written to. */
	n = epoll_wait(3, ev, 8, 0);
	if (n != 3)
		return 63;
	return CR_OK;
}

static int add_watch(int ep, int fd, unsigned int events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

TEST(epoll_interest_list_survives)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "epoll");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct itimerspec its = { .it_value.tv_nsec = 1000000 };
		uint64_t one = 1;
		int p[2];

		cr_child_init();
		if (epoll_create1(0) != 3 || pipe(p) || p[0] != 4 ||
		    p[1] != 5 || dup2(5, 9) != 9 || eventfd(0, 0) != 6 ||
		    timerfd_create(CLOCK_MONOTONIC, 0) != 7)
			_exit(64);
		if (write(5, "x", 1) != 1 || write(6, &one, 8) != 8 ||
		    timerfd_settime(7, 0, &its, NULL) ||
		    add_watch(3, 4, EPOLLIN, 1) ||
		    add_watch(3, 9, EPOLLOUT, 2) ||
		    add_watch(3, 6, EPOLLIN | EPOLLET, 3) ||
		    add_watch(3, 7, EPOLLIN | EPOLLRDHUP, 4))
			_exit(65);
		close(9);
		fcntl(3, F_SETFL, O_NONBLOCK);
		usleep(10000);
		epoll_items(3, epoll_before, sizeof(epoll_before));
		cr_wait_go(f.go);
		_exit(check_epoll());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

/* An epoll file watching another is refused. */
TEST(nested_epoll_is_refused)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "epollnest");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		if (epoll_create1(0) != 3 || epoll_create1(0) != 4 ||
		    add_watch(3, 4, EPOLLIN, 1))
			_exit(66);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child, "watching another"), CR_OK);
	cr_files_fini(&f);
}

/* The locks fdinfo shows for @fd: kind, mode and range, without pids. */
static void fd_locks(int fd, char *buf, size_t len)
{
	char path[64], line[256], kind[16], adv[16], rw[16], start[24], end[24];
	size_t off = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "lock: %*d: %15s %15s %15s %*d %*s %23s %23s",
			   kind, adv, rw, start, end) == 5)
			off += snprintf(buf + off, len - off, "%s %s %s-%s\n",
					kind, rw, start, end);
	if (f)
		fclose(f);
}

static char locks_before[4][256];

/* 0 if another process cannot take what this one holds, but can the rest. */
static int locked_out(const char *path)
{
	struct flock wr = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	pid_t pid = fork();
	int fd;

	if (!pid) {
		fd = open(path, O_RDWR);
		if (flock(fd, LOCK_EX | LOCK_NB) != -1 || errno != EWOULDBLOCK)
			_exit(1);
		wr.l_start = 15;
		wr.l_len = 1;
		if (fcntl(fd, F_SETLK, &wr) != -1 || errno != EAGAIN)
			_exit(2);
		wr.l_start = 120;
		if (fcntl(fd, F_SETLK, &wr) != -1 || errno != EAGAIN)
			_exit(3);
		wr.l_start = 200;
		if (fcntl(fd, F_OFD_SETLK, &wr) != -1 || errno != EAGAIN)
			_exit(5);
		/* what nobody holds */
		wr.l_start = 50;
		if (fcntl(fd, F_SETLK, &wr))
			_exit(4);
		_exit(0);
	}
	return cr_wait_exit(pid);
}

/*
 * fd 3: flock(LOCK_EX), fd 4: POSIX write lock on 10-19 and read lock on
 * 100-149 (taken through fd 6, another open of the same file), fd 5: OFD
 * write lock on 200-299; all on one file.
 */
static int check_locks(const char *path)
{
	char now[256];
	int fd, ret;

	for (fd = 3; fd <= 6; fd++) {
		fd_locks(fd, now, sizeof(now));
		if (strcmp(now, locks_before[fd - 3])) {
			cr_note("fd %d locks before:\n%safter:\n%s", fd,
				locks_before[fd - 3], now);
			return 80;
		}
	}
	ret = locked_out(path);
	return ret ? 80 + ret : CR_OK;
}

TEST(file_locks_survive)
{
	struct flock lk = { .l_whence = SEEK_SET };
	char path[64];
	struct cr_files f;
	pid_t child;
	int fd;

	cr_files_init(&f, "locks");
	snprintf(path, sizeof(path), "/tmp/cr-locks-%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_EQ(ftruncate(fd, 4096), 0);
	close(fd);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		if (open(path, O_RDWR) != 3 || open(path, O_RDWR) != 4 ||
		    open(path, O_RDWR) != 5 || open(path, O_RDONLY) != 6)
			_exit(90);
		lk.l_type = F_WRLCK;
		lk.l_start = 10;
		lk.l_len = 10;
		if (flock(3, LOCK_EX) || fcntl(4, F_SETLK, &lk))
			_exit(91);
		lk.l_type = F_RDLCK;
		lk.l_start = 100;
		lk.l_len = 50;
		if (fcntl(6, F_SETLK, &lk))
			_exit(92);
		lk.l_type = F_WRLCK;
		lk.l_start = 200;
		lk.l_len = 100;
		if (fcntl(5, F_OFD_SETLK, &lk))
			_exit(93);
		for (fd = 3; fd <= 6; fd++)
			fd_locks(fd, locks_before[fd - 3], sizeof(locks_before[0]));
		if (!strstr(locks_before[1], "POSIX") ||
		    !strstr(locks_before[3], "POSIX"))
			_exit(94);
		cr_wait_go(f.go);
		_exit(check_locks(path));
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	unlink(path);
	cr_files_fini(&f);
}

/* A flock() kept only by a mapping, its fd closed, would be lost: refused. */
TEST(lock_held_through_a_mapping_is_refused)
{
	char path[64];
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "lockmap");
	snprintf(path, sizeof(path), "/tmp/cr-lockmap-%d", getpid());
	close(open(path, O_RDWR | O_CREAT | O_TRUNC, 0600));
	ASSERT_EQ(truncate(path, 4096), 0);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		int fd;

		cr_child_init();
		fd = open(path, O_RDONLY);
		if (fd < 0 || flock(fd, LOCK_SH) ||
		    mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
			_exit(96);
		close(fd);
		cr_wait_go(f.go);
		/* Still held: another open file cannot take it exclusively. */
		fd = open(path, O_RDONLY);
		_exit(flock(fd, LOCK_EX | LOCK_NB) ? CR_OK : CR_BAD);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child, "locked only through a mapping"),
		  CR_OK);
	unlink(path);
	cr_files_fini(&f);
}

/* A restart while the original still holds its lock fails, cleanly. */
TEST(lock_still_held_fails_restart)
{
	char path[64];
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "lockheld");
	snprintf(path, sizeof(path), "/tmp/cr-lockheld-%d", getpid());
	close(open(path, O_RDWR | O_CREAT | O_TRUNC, 0600));
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		if (open(path, O_RDWR) != 3 || flock(3, LOCK_EX))
			_exit(95);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	cr_wait_ready(f.go);
	ASSERT_EQ(sys_checkpoint(child, f.img, 0, f.logfd), 0)
		TH_LOG("%s", cr_log(&f));
	lseek(f.img, 0, SEEK_SET);
	EXPECT_EQ(sys_restart(0, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, EWOULDBLOCK);
	EXPECT_NE(strstr(cr_log(&f), "cannot lock fd 3 again"), NULL)
		TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(child), CR_OK);
	EXPECT_TRUE(cr_no_children());
	unlink(path);
	cr_files_fini(&f);
}

#define DELETED_BYTES	300000
#define DELETED_POS	1234

static char *deleted_map;

/*
 * fd 3 (and its dup fd 5): a deleted file, mapped privately with page 0
 * written; fd 4: a write-only O_TMPFILE file.
 */
static int check_deleted(void)
{
	struct stat st;
	char buf[8];

	if (fstat(3, &st) || st.st_nlink || st.st_size != DELETED_BYTES ||
	    (st.st_mode & 07777) != 0640)
		return 60;
	if (lseek(5, 0, SEEK_CUR) != DELETED_POS)
		return 61;
	if (lseek(3, 0, SEEK_SET) || read_stream(3, 0, DELETED_BYTES))
		return 62;
	if (deleted_map[0] != 'X' || deleted_map[4096] != pattern(4096))
		return 63;
	if ((fcntl(4, F_GETFL) & O_ACCMODE) != O_WRONLY ||
	    fstat(4, &st) || st.st_nlink || st.st_size != 3 ||
	    lseek(4, 0, SEEK_CUR) != 3)
		return 64;
	/* The file works on: written, then read back. */
	if (pwrite(3, "new", 3, 10) != 3 || pread(5, buf, 3, 10) != 3 ||
	    memcmp(buf, "new", 3))
		return 65;
	return CR_OK;
}

TEST(deleted_files_keep_their_content)
{
	struct cr_files f;
	char path[64];
	pid_t child;

	cr_files_init(&f, "deleted");
	snprintf(path, sizeof(path), "/tmp/cr-deleted-%d", getpid());
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		umask(0);
		if (open(path, O_RDWR | O_CREAT | O_TRUNC, 0640) != 3 ||
		    write_stream(3, 0, DELETED_BYTES) || unlink(path))
			_exit(66);
		deleted_map = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, 3, 0);
		if (deleted_map == MAP_FAILED ||
		    open("/tmp", O_TMPFILE | O_WRONLY, 0600) != 4 ||
		    write(4, "tmp", 3) != 3 || dup(3) != 5)
			_exit(67);
		deleted_map[0] = 'X';
		lseek(3, DELETED_POS, SEEK_SET);
		cr_wait_go(f.go);
		_exit(check_deleted());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

/* Two open files of one deleted inode would part at restart. */
TEST(deleted_file_opened_twice_is_refused)
{
	struct cr_files f;
	char path[64];
	pid_t child;

	cr_files_init(&f, "deltwice");
	snprintf(path, sizeof(path), "/tmp/cr-deltwice-%d", getpid());
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		if (open(path, O_RDWR | O_CREAT, 0600) < 0 ||
		    open(path, O_RDONLY) < 0 || unlink(path))
			_exit(2);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child, "a deleted file opened twice"), CR_OK);
	cr_files_fini(&f);
}

#define MANY_FDS	70000

/*
 * A process with tens of thousands of files open, as a busy server has:
 * its fd table is longer than a record of pages, and comes back whole.
 */
TEST(many_fds_come_back)
{
	struct rlimit rl = { MANY_FDS + 64, MANY_FDS + 64 };
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "manyfds");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct stat st;
		int fd;

		cr_child_init();
		if (setrlimit(RLIMIT_NOFILE, &rl))
			_exit(2);
		for (fd = 3; fd < MANY_FDS; fd++)
			if (dup2(0, fd) != fd)
				_exit(3);
		cr_wait_go(f.go);
		for (fd = 3; fd < MANY_FDS; fd += 997)
			if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
				_exit(4);
		_exit(fcntl(MANY_FDS - 1, F_GETFD) < 0 ||
		      fcntl(MANY_FDS, F_GETFD) >= 0 ? 5 : CR_OK);
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
