// SPDX-License-Identifier: GPL-2.0
/*
 * checkpoint()/restart() against CRIU, on the same workloads in the same
 * boot. Not a test: the numbers behind Documentation/checkpoint/benchmark.rst.
 *
 * Usage:
 *   cr_perf bandwidth
 *	memcpy(), write() to tmpfs, read() from tmpfs, faulting in new
 *	anonymous memory, and a pipe, in MB/s
 *   cr_perf WORKLOAD RUNS [CRIU]
 *	RUNS times: start WORKLOAD, checkpoint it leaving it running, then
 *	killing it, and restart it, with "cr" and, given CRIU's path, with
 *	"criu dump -R", "criu dump" and "criu restore -d". Each restored
 *	workload is told to check its state, memory checksums included, and
 *	its verdict is its exit status. A workload that keeps writing a
 *	tenth of its memory is also moved by pre-copy: an image with
 *	"cr checkpoint -T" while it runs, one with -T -i, and a last one
 *	with -i -k, whose time is the freeze; then "cr restart" of the
 *	chain. CRIU does the same with "criu pre-dump" and
 *	"criu dump --prev-images-dir".
 *
 * Both tools are timed as the commands a user runs, from fork() to exit.
 * Prints "T workload tool op ms", "S workload tool bytes" for the image
 * size, "BW what MB/s", and "FAIL workload tool why" for anything that
 * went wrong.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cr_util.h"

#define MIB		(1024UL * 1024)
#define IMG		"/tmp/perf.img"
#define CRIU_DIR	"/tmp/perf-criu"
#define FILES_DIR	"/tmp/perf-files"

struct workload {
	const char	*name;
	int		procs;		/* processes, the root among them */
	int		threads;	/* more threads of the root */
	int		files;		/* regular files open in the root */
	int		maps;		/* one-page mappings of the root */
	unsigned long	mib;		/* non-zero anonymous memory, each */
	bool		dirty;		/* the root keeps writing a tenth */
};

static const struct workload workloads[] = {
	{ "small",	1, 0, 0, 0, 0 },
	{ "threads8",	1, 8, 0, 0, 0 },
	{ "threads32",	1, 32, 0, 0, 0 },
	{ "files100",	1, 0, 100, 0, 0 },
	{ "files1000",	1, 0, 1000, 0, 0 },
	{ "maps100",	1, 0, 0, 100, 0 },
	{ "maps1000",	1, 0, 0, 1000, 0 },
	{ "procs10x4",	10, 0, 0, 0, 4 },
	{ "procs50x4",	50, 0, 0, 0, 4 },
	{ "mem64",	1, 0, 0, 0, 64 },
	{ "mem256",	1, 0, 0, 0, 256 },
	{ "mem1024",	1, 0, 0, 0, 1024 },
	{ "dirty1024",	1, 0, 0, 0, 1024, true },
};

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* The workload's side. */

static volatile sig_atomic_t told;

static void on_usr1(int sig)
{
	told = 1;
}

static uint64_t fill(uint64_t *p, size_t words, uint64_t seed)
{
	uint64_t x = seed | 1, sum = 0;
	size_t i;

	for (i = 0; i < words; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x | 1;
		sum += p[i];
	}
	return sum;
}

static uint64_t sum(const uint64_t *p, size_t words)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < words; i++)
		s += p[i];
	return s;
}

static void *idle_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/* Make this process's state; wait to be told; 1 if it is still the same. */
static int one_process(const struct workload *w, int nr, int ready, int root)
{
	size_t words = w->mib * MIB / sizeof(uint64_t);
	uint64_t *mem = NULL, expect = 0;
	char **maps = NULL;
	int *fds = NULL;
	sigset_t mask;
	int i, ok = 1;

	if (words) {
		mem = mmap(NULL, w->mib * MIB, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			return 0;
		expect = fill(mem, words, 0x9e3779b97f4a7c15ULL * (nr + 1));
	}
	if (root && w->files) {
		fds = calloc(w->files, sizeof(*fds));
		for (i = 0; fds && i < w->files; i++) {
			char path[64];

			snprintf(path, sizeof(path), FILES_DIR "/%d", i);
			fds[i] = open(path, O_RDWR);
			if (fds[i] < 0 || lseek(fds[i], i, SEEK_SET) != i)
				return 0;
		}
	}
	if (root && w->maps) {
		maps = calloc(w->maps, sizeof(*maps));
		for (i = 0; maps && i < w->maps; i++) {
			maps[i] = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (maps[i] == MAP_FAILED)
				return 0;
			*(int *)maps[i] = i + 1;
			/* Every other one read-only: no two merge. */
			if (i % 2 && mprotect(maps[i], 4096, PROT_READ))
				return 0;
		}
	}
	if (root) {
		for (i = 0; i < w->threads; i++) {
			pthread_t t;

			if (pthread_create(&t, NULL, idle_thread, NULL))
				return 0;
		}
	}
	if (write(ready, "r", 1) != 1)
		return 0;
	close(ready);

	sigemptyset(&mask);
	if (root && w->dirty) {
		/* One word of every tenth page, pass after pass, till told. */
		sigprocmask(SIG_SETMASK, &mask, NULL);
		while (!told) {
			size_t i;

			for (i = 0; i < words && !told; i += 10 * 4096 / 8) {
				mem[i]++;
				expect++;
			}
		}
	}
	while (!told)
		sigsuspend(&mask);

	if (words && sum(mem, words) != expect)
		ok = 0;
	for (i = 0; fds && i < w->files; i++)
		if (lseek(fds[i], 0, SEEK_CUR) != i)
			ok = 0;
	for (i = 0; maps && i < w->maps; i++)
		if (*(int *)maps[i] != i + 1)
			ok = 0;
	return ok;
}

static void workload(const struct workload *w, int ready)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pid_t kids[64];
	sigset_t usr1;
	int i, ok;

	setsid();
	/* stdio on /dev/null, and no fd but the ready pipe, as fd 3 */
	if (ready != 3) {
		dup2(ready, 3);
		close(ready);
		ready = 3;
	}
	cr_child_init_keep(1);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	for (i = 1; i < w->procs && i <= 64; i++) {
		kids[i - 1] = fork();
		if (!kids[i - 1])
			_exit(one_process(w, i, ready, 0) ? 0 : 1);
	}
	ok = one_process(w, 0, ready, 1);
	for (i = 1; i < w->procs && i <= 64; i++) {
		int status;

		kill(kids[i - 1], SIGUSR1);
		if (waitpid(kids[i - 1], &status, 0) != kids[i - 1] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			ok = 0;
	}
	_exit(ok ? 0 : 1);
}

/* The driver's side. */

static pid_t start(const struct workload *w)
{
	int p[2], i;
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		close(p[0]);
		workload(w, p[1]);
	}
	close(p[1]);
	for (i = 0; i < w->procs; i++)
		if (read(p[0], &c, 1) != 1)
			break;
	close(p[0]);
	if (i < w->procs) {
		kill(pid, SIGKILL);
		return -1;
	}
	return pid;
}

/* Reap what a dump with kill left: the root and, as subreaper, the rest. */
static void reap_all(void)
{
	while (waitpid(-1, NULL, __WALL) > 0)
		;
}

/* Tell a restored root to check itself: 1 if it found all as it was. */
static int verify(pid_t pid)
{
	int status;

	if (kill(pid, SIGUSR1))
		return 0;
	if (waitpid(pid, &status, 0) != pid)
		return 0;
	reap_all();
	return WIFEXITED(status) && !WEXITSTATUS(status);
}

/*
 * Run @argv with stdout to @out (or /dev/null if -1), and stderr to
 * /tmp/perf.err; its exit status in *@status. Returns microseconds.
 */
static long run(char *const argv[], int out, int *status)
{
	long t0 = now_us();
	pid_t pid = fork();

	if (!pid) {
		int err = open("/tmp/perf.err", O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (out < 0)
			out = open("/dev/null", O_WRONLY);
		dup2(out, 1);
		dup2(err, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, status, 0) != pid)
		*status = -1;
	return now_us() - t0;
}

/* run() of a NULL-terminated list of arguments, with stdout to /dev/null. */
static long run_cmd(int *status, char *prog, ...)
{
	char *argv[16] = { prog };
	int argc = 1;
	va_list ap;

	va_start(ap, prog);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return run(argv, -1, status);
}

static int fail(const struct workload *w, const char *tool, const char *what)
{
	char buf[512] = "";
	int fd = open("/tmp/perf.err", O_RDONLY);

	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = 0;
		close(fd);
	}
	for (char *c = buf; *c; c++)
		if (*c == '\n')
			*c = ' ';
	printf("FAIL %s %s %s: %s\n", w->name, tool, what, buf);
	fflush(stdout);
	return -1;
}

static void report(const struct workload *w, const char *tool,
		   const char *op, long us)
{
	printf("T %s %s %s %.1f\n", w->name, tool, op, us / 1000.0);
	fflush(stdout);
}

static long long tree_size(const char *path)
{
	struct stat st;
	long long n = 0;
	struct dirent *d;
	DIR *dir;

	/* Not through a link: CRIU's "parent" one leads to the image before. */
	if (lstat(path, &st) || S_ISLNK(st.st_mode))
		return 0;
	if (!S_ISDIR(st.st_mode))
		return st.st_size;
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		char sub[512];

		if (d->d_name[0] == '.' || strstr(d->d_name, ".log"))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
		n += tree_size(sub);
	}
	if (dir)
		closedir(dir);
	return n;
}

static char cr_path[256];

/* "op", or "op-n" for a checkpoint with -n (no checksum of the pages). */
static void report_op(const struct workload *w, const char *op, bool n,
		      long us)
{
	char name[32];

	snprintf(name, sizeof(name), "%s%s", op, n ? "-n" : "");
	report(w, "cr", name, us);
}

/*
 * Run "cr checkpoint [OPTS] [-k] [-n] PID IMAGE", OPTS being -T, -i or
 * both, or NULL; microseconds, or -1.
 */
static long cr_checkpoint_opts(pid_t pid, char *opts, bool kill, bool n,
			       char *image, int out)
{
	char pidstr[16], *argv[12];
	int argc = 0, status;
	long us;

	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	argv[argc++] = cr_path;
	argv[argc++] = "checkpoint";
	if (opts)
		argv[argc++] = opts;
	if (kill)
		argv[argc++] = "-k";
	if (n)
		argv[argc++] = "-n";
	argv[argc++] = pidstr;
	argv[argc++] = image;
	argv[argc] = NULL;
	/* One image at a time: 1 GiB of workload and two would not fit. */
	if (strcmp(image, "-"))
		unlink(image);
	us = run(argv, out, &status);
	return status ? -1 : us;
}

static long cr_checkpoint(pid_t pid, bool kill, bool n, char *image, int out)
{
	return cr_checkpoint_opts(pid, NULL, kill, n, image, out);
}

static int ours(const struct workload *w, bool n)
{
	char out[32] = "";
	int status, p[2];
	ssize_t got;
	pid_t pid;
	long us;

	pid = start(w);
	if (pid < 0)
		return fail(w, "cr", "start");
	us = cr_checkpoint(pid, false, n, IMG, -1);
	if (us < 0)
		return fail(w, "cr", "dump-run");
	report_op(w, "dump-run", n, us);
	us = cr_checkpoint(pid, true, n, IMG, -1);
	if (us < 0)
		return fail(w, "cr", "dump-kill");
	report_op(w, "dump-kill", n, us);
	printf("S %s cr %lld\n", w->name, tree_size(IMG));
	reap_all();

	if (pipe(p))
		return fail(w, "cr", "pipe");
	us = run((char *[]){ cr_path, "restart", "-P", IMG, NULL }, p[1],
		 &status);
	close(p[1]);
	got = read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	out[got > 0 ? got : 0] = 0;
	if (status || atoi(out) != pid)
		return fail(w, "cr", "restart");
	report_op(w, "restart", n, us);
	if (!verify(pid))
		return fail(w, "cr", "restored state differs");
	unlink(IMG);
	return 0;
}

/* A dump with kill into a pipe, read and thrown away by another process. */
static int ours_stream(const struct workload *w, bool n)
{
	int p[2];
	pid_t pid, reader;
	long us;

	pid = start(w);
	if (pid < 0 || pipe(p))
		return fail(w, "cr", "start");
	reader = fork();
	if (!reader) {
		static char buf[1 << 20];

		close(p[1]);
		while (read(p[0], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	us = cr_checkpoint(pid, true, n, "-", p[1]);
	close(p[1]);
	waitpid(reader, NULL, 0);
	reap_all();
	if (us < 0)
		return fail(w, "cr", "dump-pipe");
	report_op(w, "dump-pipe", n, us);
	return 0;
}

/*
 * Between two images of pre-copy, as if sending the last one: time for the
 * workload to write its tenth again, at a write fault a page.
 */
#define PRE_PAUSE_US	5000000

#define PRE0	"/tmp/perf-pre0.img"
#define PRE1	"/tmp/perf-pre1.img"
#define PRE2	"/tmp/perf-pre2.img"

/*
 * Pre-copy, with -n: an image that starts tracking while the workload runs,
 * an incremental one, and the last with kill; the last one's time is the
 * workload's pause. Then the restart of the chain.
 */
static int ours_precopy(const struct workload *w)
{
	char *const images[] = { PRE0, PRE1, PRE2 };
	char *const opts[] = { "-T", "-Ti", "-i" };
	char *const ops[] = { "pre-full", "pre-incr", "pre-last" };
	char pidstr[16], out[32] = "";
	int i, status, p[2];
	ssize_t got;
	pid_t pid;
	long us;

	pid = start(w);
	if (pid < 0)
		return fail(w, "cr", "start");
	for (i = 0; i < 3; i++) {
		if (i)
			usleep(PRE_PAUSE_US);
		us = cr_checkpoint_opts(pid, opts[i], i == 2, true, images[i], -1);
		if (us < 0) {
			kill(pid, SIGKILL);
			reap_all();
			return fail(w, "cr", ops[i]);
		}
		report_op(w, ops[i], true, us);
		printf("S %s cr-%s %lld\n", w->name, ops[i], tree_size(images[i]));
	}
	reap_all();
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	if (pipe(p))
		return fail(w, "cr", "pipe");
	us = run((char *[]){ cr_path, "restart", "-P", PRE0, PRE1, PRE2, NULL },
		 p[1], &status);
	close(p[1]);
	got = read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	out[got > 0 ? got : 0] = 0;
	for (i = 0; i < 3; i++)
		unlink(images[i]);
	if (status || atoi(out) != pid)
		return fail(w, "cr", "pre-restart");
	report_op(w, "pre-restart", true, us);
	if (!verify(pid))
		return fail(w, "cr", "restored state differs");
	return 0;
}

/* The same with "criu pre-dump", twice, and "criu dump". */
static int criu_precopy(const struct workload *w, char *criu)
{
	char *const dirs[] = { CRIU_DIR "/0", CRIU_DIR "/1", CRIU_DIR "/2" };
	char *const prev[] = { NULL, "../0", "../1" };
	char *const ops[] = { "pre-full", "pre-incr", "pre-last" };
	char pidstr[16];
	int i, status;
	pid_t pid;
	long us;

	pid = start(w);
	if (pid < 0)
		return fail(w, "criu", "start");
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	mkdir(CRIU_DIR, 0700);
	for (i = 0; i < 3; i++) {
		char *argv[16] = { criu, i < 2 ? "pre-dump" : "dump", "-t", pidstr,
				   "-D", dirs[i], "-o", "dump.log", "--track-mem" };
		int argc = 9;

		mkdir(dirs[i], 0700);
		if (i)
			usleep(PRE_PAUSE_US);
		if (prev[i]) {
			argv[argc++] = "--prev-images-dir";
			argv[argc++] = prev[i];
		}
		argv[argc] = NULL;
		us = run(argv, -1, &status);
		if (status) {
			kill(pid, SIGKILL);
			reap_all();
			run_cmd(&status, "/bin/rm", "-rf", CRIU_DIR, NULL);
			return fail(w, "criu", ops[i]);
		}
		report(w, "criu", ops[i], us);
		printf("S %s criu-%s %lld\n", w->name, ops[i], tree_size(dirs[i]));
	}
	reap_all();
	us = run_cmd(&status, criu, "restore", "-d", "-D", dirs[2],
		     "-o", "restore.log", NULL);
	if (status) {
		run_cmd(&status, "/bin/rm", "-rf", CRIU_DIR, NULL);
		return fail(w, "criu", "pre-restart");
	}
	report(w, "criu", "pre-restart", us);
	run_cmd(&status, "/bin/rm", "-rf", CRIU_DIR, NULL);
	if (!verify(pid))
		return fail(w, "criu", "restored state differs");
	return 0;
}

static int run_criu(const struct workload *w, char *criu)
{
	char pidstr[16];
	int status;
	long us;
	pid_t pid;

	pid = start(w);
	if (pid < 0)
		return fail(w, "criu", "start");
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	mkdir(CRIU_DIR, 0700);

	us = run_cmd(&status, criu, "dump", "-R", "-t", pidstr, "-D", CRIU_DIR,
		     "-o", "dump.log", NULL);
	if (status) {
		kill(pid, SIGKILL);
		reap_all();
		return fail(w, "criu", "dump-run");
	}
	report(w, "criu", "dump-run", us);
	run_cmd(&status, "/bin/rm", "-rf", CRIU_DIR, NULL);
	mkdir(CRIU_DIR, 0700);

	us = run_cmd(&status, criu, "dump", "-t", pidstr, "-D", CRIU_DIR,
		     "-o", "dump.log", NULL);
	if (status) {
		kill(pid, SIGKILL);
		reap_all();
		return fail(w, "criu", "dump-kill");
	}
	report(w, "criu", "dump-kill", us);
	printf("S %s %s %lld\n", w->name, "criu", tree_size(CRIU_DIR));
	reap_all();

	us = run_cmd(&status, criu, "restore", "-d", "-D", CRIU_DIR,
		     "-o", "restore.log", NULL);
	if (status)
		return fail(w, "criu", "restore");
	report(w, "criu", "restore", us);
	if (!verify(pid))
		return fail(w, "criu", "restored state differs");
	run_cmd(&status, "/bin/rm", "-rf", CRIU_DIR, NULL);
	return 0;
}

static void make_files(int n)
{
	int i;

	mkdir(FILES_DIR, 0700);
	for (i = 0; i < n; i++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), FILES_DIR "/%d", i);
		fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd >= 0)
			close(fd);
	}
}

static double mbps(unsigned long bytes, long us)
{
	return us ? bytes / (double)us : 0;
}

static void bandwidth(void)
{
	const unsigned long size = 256 * MIB, chunk = MIB;
	char *a = malloc(64 * MIB), *b = malloc(64 * MIB), *mem;
	unsigned long done;
	int fd, i, p[2];
	long t;

	if (!a || !b)
		return;
	memset(a, 1, 64 * MIB);
	memset(b, 2, 64 * MIB);
	t = now_us();
	for (i = 0; i < 4; i++)
		memcpy(i % 2 ? a : b, i % 2 ? b : a, 64 * MIB);
	printf("BW memcpy %.0f\n", mbps(4 * 64 * MIB, now_us() - t));

	fd = open("/tmp/perf.bw", O_RDWR | O_CREAT | O_TRUNC, 0600);
	t = now_us();
	for (done = 0; done < size; done += chunk)
		if (write(fd, a + done % (64 * MIB), chunk) != chunk)
			break;
	printf("BW write %.0f\n", mbps(done, now_us() - t));
	lseek(fd, 0, SEEK_SET);
	t = now_us();
	for (done = 0; done < size; done += chunk)
		if (read(fd, b + done % (64 * MIB), chunk) != chunk)
			break;
	printf("BW read %.0f\n", mbps(done, now_us() - t));
	close(fd);
	unlink("/tmp/perf.bw");

	/* New anonymous memory, faulted in a page at a time: restart's lot. */
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem != MAP_FAILED) {
		t = now_us();
		for (done = 0; done < size; done += 4096)
			mem[done] = 1;
		printf("BW fault %.0f\n", mbps(size, now_us() - t));
		munmap(mem, size);
	}

	if (pipe(p))
		return;
	if (!fork()) {
		close(p[1]);
		while (read(p[0], b, chunk) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	t = now_us();
	for (done = 0; done < size; done += chunk)
		if (write(p[1], a, chunk) != chunk)
			break;
	close(p[1]);
	wait(NULL);
	printf("BW pipe %.0f\n", mbps(done, now_us() - t));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const struct workload *w = NULL;
	char *criu_path = argc > 3 ? argv[3] : NULL;
	char *slash;
	int i, runs;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "bandwidth")) {
		bandwidth();
		return 0;
	}
	for (i = 0; argc >= 3 && i < (int)(sizeof(workloads) / sizeof(*workloads)); i++)
		if (!strcmp(argv[1], workloads[i].name))
			w = &workloads[i];
	if (!w) {
		fprintf(stderr, "usage: cr_perf bandwidth | cr_perf WORKLOAD RUNS [CRIU]\n");
		return 2;
	}
	runs = atoi(argv[2]);
	/* cr lives beside this program. */
	snprintf(cr_path, sizeof(cr_path), "%s", argv[0]);
	slash = strrchr(cr_path, '/');
	snprintf(slash ? slash + 1 : cr_path,
		 sizeof(cr_path) - (slash ? slash + 1 - cr_path : 0), "cr");
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	make_files(w->files);
	/* Untimed: the first exec of each tool in a boot faults it in. */
	run_cmd(&i, cr_path, "--help", NULL);
	if (criu_path)
		run_cmd(&i, criu_path, "--version", NULL);
	for (i = 0; i < runs; i++) {
		/* The pause of a full dump with kill, then of pre-copy. */
		if (w->dirty) {
			ours(w, true);
			ours_precopy(w);
			if (criu_path) {
				run_criu(w, criu_path);
				criu_precopy(w, criu_path);
			}
			continue;
		}
		ours(w, false);
		/* Where pages are most of the image: without their checksum. */
		if (w->procs * w->mib >= 40) {
			ours(w, true);
			ours_stream(w, false);
			ours_stream(w, true);
		}
		if (criu_path)
			run_criu(w, criu_path);
	}
	return 0;
}
