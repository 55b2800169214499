// SPDX-License-Identifier: GPL-2.0
/*
 * cr - checkpoint and restart processes from the command line; see
 * "cr --help". The kernel's reasons for a refusal are printed on stderr.
 */
#include <limits.h>
#include <stdlib.h>
#include "cr_util.h"
#include "cr_chain.h"

static const char help[] =
"usage: cr checkpoint [-k] [-n] [-T] [-i] PID IMAGE\n"
"       cr restart [-p PID | -P | -N] [-t] [-w] IMAGE...\n"
"       cr merge IMAGE... > MERGED\n"
"\n"
"cr checkpoint writes the image of process PID, its threads and all its\n"
"descendants to IMAGE, a file, or standard output if IMAGE is -. They go\n"
"on running unless -k is given. A file is written under a temporary name\n"
"and renamed once complete: a failed checkpoint leaves no partial image,\n"
"and an older IMAGE stays as it was.\n"
"  -k        kill the tree once it is saved\n"
"  -n        leave memory pages out of the image's checksum, for an image\n"
"            kept or sent where corruption is caught otherwise: faster on\n"
"            CPUs that cannot compute CRC32C in hardware\n"
"  -T        track the pages the tree writes from now on, for -i\n"
"  -i        incremental: write only the pages written since the last\n"
"            checkpoint with -T, the image's parent; restart it after its\n"
"            parents\n"
"\n"
"cr restart rebuilds the tree from IMAGE (- for standard input) as a child\n"
"of this command, and prints the pid of its root. For an incremental\n"
"image, give the chain of images, oldest first: the one taken with -T and\n"
"no -i, then each one taken with -i since, the last one last.\n"
"  -p PID    give the root this pid\n"
"  -P        give every task the pid it had\n"
"  -N        give every task the pid it had, in a new pid namespace whose\n"
"            init this command forks\n"
"  -t        the image is trusted: open its files with this command's\n"
"            credentials rather than the job's (needs CAP_SYS_ADMIN)\n"
"  -w        wait for the root and exit with its status\n"
"\n"
"cr merge writes the chain of images, oldest first, as one image.\n"
"\n"
"Exit status: 0 on success, 1 if the kernel refused (reasons on stderr),\n"
"2 for bad arguments; with -w, the root's status.\n";

static int usage(void)
{
	fputs(help, stderr);
	return 2;
}

static int bad_arg(const char *what, const char *arg)
{
	fprintf(stderr, "cr: %s is not %s\n", arg, what);
	return 2;
}

/* A pid: digits alone, from 1 to INT_MAX; 0 if @s is not one. */
static pid_t parse_pid(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	return *end || errno || v < 1 || v > INT_MAX ? 0 : v;
}

static void say_errno(const char *what)
{
	if (errno == EPIPE)
		fprintf(stderr, "cr: %s: the reader of the image went away\n",
			what);
	else if (errno == ENOSYS)
		fprintf(stderr, "cr: %s: this kernel has no checkpoint/restart\n",
			what);
	else
		fprintf(stderr, "cr: %s: %s\n", what, strerror(errno));
}

static int do_checkpoint(int argc, char **argv)
{
	unsigned long flags = 0;
	char tmp[PATH_MAX];
	const char *image;
	struct stat st;
	int opt, fd;
	pid_t pid;

	while ((opt = getopt(argc, argv, "knTi")) != -1) {
		if (opt == 'k')
			flags |= CHECKPOINT_KILL;
		else if (opt == 'n')
			flags |= CHECKPOINT_NO_PAGE_CSUM;
		else if (opt == 'T')
			flags |= CHECKPOINT_TRACK;
		else if (opt == 'i')
			flags |= CHECKPOINT_INCREMENTAL;
		else
			return usage();
	}
	if (argc - optind != 2)
		return usage();
	pid = parse_pid(argv[optind]);
	if (!pid)
		return bad_arg("a pid", argv[optind]);
	image = argv[optind + 1];

	/* A pipe, a socket or a device is written as it is. */
	tmp[0] = '\0';
	if (!strcmp(image, "-")) {
		fd = 1;
	} else if (!stat(image, &st) && !S_ISREG(st.st_mode)) {
		fd = open(image, O_WRONLY);
	} else {
		snprintf(tmp, sizeof(tmp), "%s.partial-%d", image, getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	}
	if (fd < 0) {
		say_errno(tmp[0] ? tmp : image);
		return 1;
	}
	/* A reader that goes away is an error to report, not a death. */
	signal(SIGPIPE, SIG_IGN);
	if (sys_checkpoint(pid, fd, flags, 2) || (tmp[0] && fsync(fd))) {
		say_errno("checkpoint");
		if (tmp[0])
			unlink(tmp);
		return 1;
	}
	if (tmp[0] && rename(tmp, image)) {
		say_errno(image);
		fprintf(stderr, "cr: the image is complete in %s\n", tmp);
		return 1;
	}
	return 0;
}

static int exit_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* -N: the tree's root is the child of an init of a new pid namespace. */
static int restart_in_pidns(int fd, unsigned long flags, int wait_for)
{
	int report[2], status;
	pid_t init;
	long ret;

	if (pipe(report))
		return 1;
	init = cr_restart_in_pidns(fd, flags, 2, report[1]);
	if (init < 0) {
		say_errno("new pid namespace");
		return 1;
	}
	close(report[1]);
	if (read(report[0], &ret, sizeof(ret)) != sizeof(ret) || ret < 0) {
		errno = ret < 0 ? -ret : EIO;
		say_errno("restart");
		waitpid(init, NULL, 0);
		return 1;
	}
	printf("%ld (in the namespace of init %d)\n", ret, init);
	fflush(stdout);
	if (!wait_for)
		return 0;
	if (waitpid(init, &status, 0) != init)
		return 1;
	return exit_status(status);
}

/*
 * The images of a chain, merged by a child of this command into a pipe:
 * the read end, or -1. *@merger is the child.
 */
static int merge_into_pipe(char **paths, int n, pid_t *merger)
{
	int p[2];

	if (pipe(p))
		return -1;
	*merger = fork();
	if (*merger < 0)
		return -1;
	if (!*merger) {
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		if (cr_merge(p[1], (const char *const *)paths, n)) {
			fprintf(stderr, "cr: %s\n", cr_chain_why);
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static int do_merge(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (isatty(1)) {
		fprintf(stderr, "cr: the merged image goes to standard output\n");
		return 2;
	}
	if (cr_merge(1, (const char *const *)argv + 1, argc - 1)) {
		fprintf(stderr, "cr: %s\n", cr_chain_why);
		return 1;
	}
	return 0;
}

static int do_restart(int argc, char **argv)
{
	pid_t merger = 0;
	int opt, fd, wait_for = 0, pidns = 0, status = 0;
	unsigned long flags = 0;
	pid_t pid = 0;
	long ret;

	while ((opt = getopt(argc, argv, "p:PNtw")) != -1) {
		switch (opt) {
		case 'p':
			pid = parse_pid(optarg);
			if (!pid)
				return bad_arg("a pid", optarg);
			break;
		case 't':
			flags |= RESTART_TRUSTED;
			break;
		case 'P':
			flags |= RESTART_PIDS;
			break;
		case 'N':
			pidns = 1;
			break;
		case 'w':
			wait_for = 1;
			break;
		default:
			return usage();
		}
	}
	if (argc - optind < 1 || (pidns && (pid || (flags & RESTART_PIDS))) ||
	    (pid && (flags & RESTART_PIDS)))
		return usage();
	if (argc - optind > 1)
		fd = merge_into_pipe(argv + optind, argc - optind, &merger);
	else if (strcmp(argv[optind], "-"))
		fd = open(argv[optind], O_RDONLY);
	else
		fd = 0;
	if (fd < 0) {
		say_errno(argv[optind]);
		return 1;
	}
	if (pidns)
		return restart_in_pidns(fd, flags, wait_for);
	ret = sys_restart(pid, fd, flags, 2);
	close(fd);
	if (merger && (waitpid(merger, &status, 0) != merger || status))
		ret = ret < 0 ? ret : -1;
	if (ret < 0) {
		if (!merger || !status)
			say_errno("restart");
		return 1;
	}
	printf("%ld\n", ret);
	fflush(stdout);
	if (!wait_for)
		return 0;
	if (waitpid(ret, &status, 0) != ret)
		return 1;
	return exit_status(status);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(help, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "checkpoint"))
		return do_checkpoint(argc - 1, argv + 1);
	if (!strcmp(argv[1], "restart"))
		return do_restart(argc - 1, argv + 1);
	if (!strcmp(argv[1], "merge"))
		return do_merge(argc - 1, argv + 1);
	return usage();
}
