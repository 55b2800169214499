// SPDX-License-Identifier: GPL-2.0
/*
 * Open files across checkpoint/restart: offsets, open flags, FD_CLOEXEC,
 * O_APPEND, the memory devices, one open file shared by two fds, the cwd
 * and the umask.
 */
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

TEST_HARNESS_MAIN
