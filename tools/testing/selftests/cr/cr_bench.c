// SPDX-License-Identifier: GPL-2.0
/*
 * What the checkpoint LSM costs tasks that are never checkpointed: loops of
 * the syscalls its hooks sit on. Not a test: run it on kernels with and
 * without CONFIG_CHECKPOINT, and compare.
 *
 * Usage: cr_bench [iterations]. Prints one line per loop: name, ns per
 * iteration (the best of 5 runs).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"

static long iterations = 20000;
static int file_fd;

static void open_close(void)
{
	close(open("/tmp/cr-bench", O_RDONLY));
}

static void socket_close(void)
{
	close(socket(AF_UNIX, SOCK_STREAM, 0));
}

static void pipe_close(void)
{
	int p[2];

	if (!pipe(p)) {
		close(p[0]);
		close(p[1]);
	}
}

static void mmap_anon(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		munmap(p, 4096);
}

static void mmap_file(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, file_fd, 0);

	if (p != MAP_FAILED)
		munmap(p, 4096);
}

static const struct {
	const char *name;
	void (*fn)(void);
} loops[] = {
	{ "open/close", open_close },
	{ "socket/close", socket_close },
	{ "pipe/close", pipe_close },
	{ "mmap/munmap-anon", mmap_anon },
	{ "mmap/munmap-file", mmap_file },
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned int i, run;
	long n;

	if (argc > 1)
		iterations = atol(argv[1]);
	file_fd = open("/tmp/cr-bench", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (file_fd < 0 || ftruncate(file_fd, 4096))
		return 1;
	for (i = 0; i < ARRAY_SIZE(loops); i++) {
		double best = 0;

		for (run = 0; run < 5; run++) {
			double t = now_ns();

			for (n = 0; n < iterations; n++)
				loops[i].fn();
			t = (now_ns() - t) / iterations;
			if (!run || t < best)
				best = t;
		}
		printf("%-18s %10.1f\n", loops[i].name, best);
	}
	unlink("/tmp/cr-bench");
	return 0;
}
