// SPDX-License-Identifier: GPL-2.0
/*
 * cr - checkpoint and restart processes from the command line.
 *
 *   cr checkpoint [-k] PID IMAGE   write the image of PID and its
 *                                  descendants to IMAGE (-k: kill them)
 *   cr restart [-p PID | -P | -N] [-w] IMAGE
 *                                  restart IMAGE, print the root's pid
 *                                  (-p: with that pid; -P: every task with
 *                                  its own; -N: every task with its own, in
 *                                  a new pid namespace whose init this
 *                                  command forks; -w: wait for the root and
 *                                  exit with its status)
 *
 * The kernel's reasons for a refusal are printed on stderr.
 */
#include <stdlib.h>
#include "cr_util.h"

static int usage(void)
{
	fprintf(stderr, "usage: cr checkpoint [-k] PID IMAGE\n"
			"       cr restart [-p PID | -P | -N] [-w] IMAGE\n");
	return 2;
}

static int do_checkpoint(int argc, char **argv)
{
	unsigned long flags = 0;
	int opt, fd;

	while ((opt = getopt(argc, argv, "k")) != -1) {
		if (opt != 'k')
			return usage();
		flags |= CHECKPOINT_KILL;
	}
	if (argc - optind != 2)
		return usage();
	fd = open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(argv[optind + 1]);
		return 1;
	}
	if (sys_checkpoint(atoi(argv[optind]), fd, flags, 2)) {
		perror("checkpoint");
		return 1;
	}
	return 0;
}

static int exit_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* -N: the tree's root is the child of an init of a new pid namespace. */
static int restart_in_pidns(int fd, int wait_for)
{
	int report[2], status;
	pid_t init;
	long ret;

	if (pipe(report))
		return 1;
	init = cr_restart_in_pidns(fd, 0, 2, report[1]);
	if (init < 0) {
		perror("new pid namespace");
		return 1;
	}
	close(report[1]);
	if (read(report[0], &ret, sizeof(ret)) != sizeof(ret) || ret < 0) {
		errno = ret < 0 ? -ret : EIO;
		perror("restart");
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

static int do_restart(int argc, char **argv)
{
	int opt, fd, wait_for = 0, pidns = 0, status;
	unsigned long flags = 0;
	pid_t pid = 0;
	long ret;

	while ((opt = getopt(argc, argv, "p:PNw")) != -1) {
		if (opt == 'p')
			pid = atoi(optarg);
		else if (opt == 'P')
			flags |= RESTART_PIDS;
		else if (opt == 'N')
			pidns = 1;
		else if (opt == 'w')
			wait_for = 1;
		else
			return usage();
	}
	if (argc - optind != 1 || (pidns && (pid || flags)))
		return usage();
	fd = open(argv[optind], O_RDONLY);
	if (fd < 0) {
		perror(argv[optind]);
		return 1;
	}
	if (pidns)
		return restart_in_pidns(fd, wait_for);
	ret = sys_restart(pid, fd, flags, 2);
	if (ret < 0) {
		perror("restart");
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
	if (!strcmp(argv[1], "checkpoint"))
		return do_checkpoint(argc - 1, argv + 1);
	if (!strcmp(argv[1], "restart"))
		return do_restart(argc - 1, argv + 1);
	return usage();
}
