// SPDX-License-Identifier: GPL-2.0
/*
 * The cr command as a user meets it: bad arguments, a reader that goes
 * away, a checkpoint that fails, a file that is not an image, --help.
 */
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

static char cr_path[PATH_MAX];

/* Run cr with @args, stdout to @out_fd (or /dev/null); stderr in @err. */
static int run_cr(char *const args[], int out_fd, char *err, size_t len)
{
	char *argv[8] = { cr_path };
	int p[2], status, i;
	ssize_t n, got = 0;
	pid_t pid;

	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(out_fd >= 0 ? out_fd : null, 1);
		dup2(p[1], 2);
		execv(cr_path, argv);
		_exit(127);
	}
	close(p[1]);
	while (got < (ssize_t)len - 1 &&
	       (n = read(p[0], err + got, len - 1 - got)) > 0)
		got += n;
	err[got] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (!pid) {
		cr_child_init();
		for (;;)
			pause();
	}
	return pid;
}

FIXTURE(cli) {
	char err[4096];
	char image[64];
};

FIXTURE_SETUP(cli)
{
	char self_path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);

	ASSERT_GT(n, 0);
	self_path[n] = '\0';
	snprintf(cr_path, sizeof(cr_path), "%s/cr", dirname(self_path));
	if (access(cr_path, X_OK))
		SKIP(return, "no cr beside the tests");
	snprintf(self->image, sizeof(self->image), "/tmp/cr-cli-%d.img",
		 getpid());
	unlink(self->image);
}

FIXTURE_TEARDOWN(cli)
{
	unlink(self->image);
}

/* Not a pid: said so, and nothing is checkpointed. */
TEST_F(cli, pids_are_parsed_strictly)
{
	static const char *const bad[] = {
		"abc", "12abc", "0", " 5", "", "99999999999",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *const args[] = { "checkpoint", (char *)bad[i], self->image, NULL };

		EXPECT_EQ(run_cr(args, -1, self->err, sizeof(self->err)), 2)
			TH_LOG("pid \"%s\"", bad[i]);
		EXPECT_NE(strstr(self->err, "is not a pid"), NULL)
			TH_LOG("pid \"%s\": %s", bad[i], self->err);
		EXPECT_EQ(access(self->image, F_OK), -1);
	}
}

/* A reader that goes away is an error message, not a silent death. */
TEST_F(cli, broken_pipe_is_reported)
{
	char pid[16];
	char *const args[] = { "checkpoint", pid, "-", NULL };
	pid_t target = sleeper();
	int p[2];

	snprintf(pid, sizeof(pid), "%d", target);
	ASSERT_EQ(pipe(p), 0);
	close(p[0]);
	EXPECT_EQ(run_cr(args, p[1], self->err, sizeof(self->err)), 1);
	EXPECT_NE(strstr(self->err, "the reader of the image went away"), NULL)
		TH_LOG("%s", self->err);
	close(p[1]);
	/* The target goes on. */
	EXPECT_EQ(waitpid(target, NULL, WNOHANG), 0);
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
}

/*
 * A failed checkpoint into a file leaves no partial image, and an older
 * image stays as it was; a good one replaces it.
 */
TEST_F(cli, failed_checkpoint_leaves_no_partial_image)
{
	char pid[16];
	char *const args[] = { "checkpoint", pid, self->image, NULL };
	struct dirent *d;
	struct stat st;
	pid_t target;
	DIR *tmp;
	int fd;

	/* A target that is refused, with a reason: a seccomp filter. */
	target = fork();
	if (!target) {
		cr_child_init();
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		prctl(PR_SET_SECCOMP, 1 /* SECCOMP_MODE_STRICT */, 0, 0, 0);
		for (;;)
			;
	}
	fd = open(self->image, O_WRONLY | O_CREAT, 0600);
	ASSERT_EQ(write(fd, "old", 3), 3);
	close(fd);
	snprintf(pid, sizeof(pid), "%d", target);
	EXPECT_EQ(run_cr(args, -1, self->err, sizeof(self->err)), 1);
	EXPECT_NE(strstr(self->err, "seccomp"), NULL) TH_LOG("%s", self->err);
	ASSERT_EQ(stat(self->image, &st), 0);
	EXPECT_EQ(st.st_size, 3);
	tmp = opendir("/tmp");
	while (tmp && (d = readdir(tmp)))
		EXPECT_EQ(strstr(d->d_name, ".partial-"), NULL)
			TH_LOG("%s is left", d->d_name);
	if (tmp)
		closedir(tmp);
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);

	target = sleeper();
	snprintf(pid, sizeof(pid), "%d", target);
	EXPECT_EQ(run_cr(args, -1, self->err, sizeof(self->err)), 0)
		TH_LOG("%s", self->err);
	ASSERT_EQ(stat(self->image, &st), 0);
	EXPECT_GT(st.st_size, 4096);
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
}

TEST_F(cli, a_file_that_is_not_an_image_is_called_that)
{
	char *const args[] = { "restart", self->image, NULL };
	int fd = open(self->image, O_WRONLY | O_CREAT, 0600);
	int i;

	for (i = 0; i < 100; i++)
		dprintf(fd, "root:x:0:0:root:/root:/bin/sh\n");
	close(fd);
	EXPECT_EQ(run_cr(args, -1, self->err, sizeof(self->err)), 1);
	EXPECT_EQ(strncmp(self->err, "restart: not a checkpoint image", 31), 0)
		TH_LOG("%s", self->err);
}

TEST_F(cli, help_explains_every_option)
{
	static const char *const opts[] = { "-k", "-p PID", "-P", "-N", "-t", "-w" };
	char *const args[] = { "--help", NULL };
	char out[64];
	unsigned int i;
	int fd;
	char help[4096] = "";

	snprintf(out, sizeof(out), "/tmp/cr-cli-%d.help", getpid());
	fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
	EXPECT_EQ(run_cr(args, fd, self->err, sizeof(self->err)), 0);
	ASSERT_GT(pread(fd, help, sizeof(help) - 1, 0), 0);
	close(fd);
	unlink(out);
	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		char line[32];

		snprintf(line, sizeof(line), "\n  %s ", opts[i]);
		EXPECT_NE(strstr(help, line), NULL) TH_LOG("no %s", opts[i]);
	}
}

TEST_HARNESS_MAIN
