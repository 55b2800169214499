/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process trees of a few shapes, for tests that checkpoint and restart
 * many of them: each sets its state up, waits for its go file (see
 * cr_util.h), checks that its state is what it set up, and exits with
 * CR_OK.
 */
#ifndef CR_SHAPES_H
#define CR_SHAPES_H

#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include "cr_util.h"

#define CR_SHAPE_MEM	(16 << 20)

static void *pauser(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static unsigned long mem_sum(const unsigned char *p, size_t len)
{
	unsigned long s = 0;
	size_t i;

	for (i = 0; i < len; i += 4096)
		s = s * 31 + p[i];
	return s;
}

/* BIG: memory and two more threads. */
static int big(const char *go)
{
	unsigned char *mem = mmap(NULL, CR_SHAPE_MEM, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long before;
	pthread_t t;
	size_t i;

	if (mem == MAP_FAILED || pthread_create(&t, NULL, pauser, NULL) ||
	    pthread_create(&t, NULL, pauser, NULL))
		return 2;
	for (i = 0; i < CR_SHAPE_MEM; i += 4096)
		mem[i] = i / 4096 * 13 + 5;
	before = mem_sum(mem, CR_SHAPE_MEM);
	cr_wait_go(go);
	return mem_sum(mem, CR_SHAPE_MEM) == before ? CR_OK : CR_BAD;
}

/* TREE: two children, one its own group, a pipe to each, and a zombie. */
static int tree(const char *go)
{
	pid_t child[2], zombie;
	int p[2][2], i, status, bad = 0;
	char c;

	for (i = 0; i < 2; i++) {
		if (pipe(p[i]))
			return 2;
		child[i] = fork();
		if (!child[i]) {
			close(p[i][1]);
			if (i)
				setpgid(0, 0);
			_exit(read(p[i][0], &c, 1) == 1 && c == 'a' + i ? 0 : 1);
		}
		close(p[i][0]);
	}
	zombie = fork();
	if (!zombie)
		_exit(7);
	if (zombie < 0 || cr_wait_zombie(zombie))
		return 2;
	cr_wait_go(go);
	for (i = 0; i < 2; i++) {
		if (write(p[i][1], &(char){ 'a' + i }, 1) != 1 ||
		    waitpid(child[i], &status, 0) != child[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			bad = 1;
	}
	if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		bad = 1;
	return bad ? CR_BAD : CR_OK;
}

/*
 * FILES: a pipe and a socket pair with bytes in flight, an eventfd, an
 * epoll file watching the pipe, and a deleted file.
 */
static int files(const char *go)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int p[2], sv[2], efd, ep, fd;
	char path[64], buf[8];
	uint64_t n;

	snprintf(path, sizeof(path), "/tmp/cr-stress-%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	efd = eventfd(5, 0);
	ep = epoll_create1(0);
	if (fd < 0 || unlink(path) || write(fd, "deleted", 7) != 7 ||
	    pipe(p) || write(p[1], "pipe", 4) != 4 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
	    write(sv[0], "sock", 4) != 4 || efd < 0 || ep < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev))
		return 2;
	cr_wait_go(go);
	if (epoll_wait(ep, &ev, 1, 0) != 1 ||
	    read(p[0], buf, 4) != 4 || memcmp(buf, "pipe", 4) ||
	    read(sv[1], buf, 4) != 4 || memcmp(buf, "sock", 4) ||
	    read(efd, &n, sizeof(n)) != sizeof(n) || n != 5 ||
	    pread(fd, buf, 7, 0) != 7 || memcmp(buf, "deleted", 7))
		return CR_BAD;
	return CR_OK;
}

enum shape { BIG, TREE, FILES, NR_SHAPES };

static const char *const shape_name[] = { "big", "tree", "files" };
static int (*const shape_fn[])(const char *) = { big, tree, files };

#endif /* CR_SHAPES_H */
