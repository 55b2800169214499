// SPDX-License-Identifier: GPL-2.0
/*
 * Any task may be killed at any moment: the target while its image is
 * written, the checkpointer, the restarter. Each must end in a clean
 * error, with the target running as before if it was not the one killed,
 * and nothing left behind by a restart. The image goes through a pipe
 * that the test reads, so that it knows how far the writing has come.
 */
#include <sys/ioctl.h>
#include "../kselftest_harness.h"
#include "cr_util.h"
#include "cr_shapes.h"

#define BIG_MEM		(64 << 20)	/* a target's memory: a long image */
#define SOME		(1024 * 1024)	/* what the test reads before it kills */
#define NR_STEPS	16		/* kill points of a restart, per image */

/*
 * A target with BIG_MEM bytes of memory and a second thread; once it is let
 * go, it checks that its memory is as it left it.
 */
static pid_t big_target(struct cr_files *f)
{
	pid_t child = fork();

	if (!child) {
		unsigned char *mem;
		unsigned long before;
		pthread_t t;
		size_t i;

		cr_child_init();
		mem = mmap(NULL, BIG_MEM, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED || pthread_create(&t, NULL, pauser, NULL))
			_exit(2);
		for (i = 0; i < BIG_MEM; i += 4096)
			mem[i] = i / 4096 * 7 + 1;
		before = mem_sum(mem, BIG_MEM);
		cr_wait_go(f->go);
		_exit(mem_sum(mem, BIG_MEM) == before ? CR_OK : CR_BAD);
	}
	cr_wait_ready(f->go);
	return child;
}

/* A process that checkpoints @target into @fd and exits with the errno. */
static pid_t checkpointer(struct cr_files *f, pid_t target, int fd,
			  unsigned long flags)
{
	pid_t pid = fork();

	if (!pid) {
		if (sys_checkpoint(target, fd, flags, f->logfd))
			_exit(errno);
		_exit(0);
	}
	return pid;
}

/*
 * A tree that restart() makes so that a creator waits to make a child
 * while another task's memory is read - tasks are made breadth first: the
 * root made A, A made A1, then the root made B, with BIG_MEM bytes of memory.
 */
static pid_t wide_tree(struct cr_files *f)
{
	pid_t root = fork();
	int p[2];
	char c[2];

	if (!root) {
		unsigned char *mem;
		size_t i;

		cr_child_init();
		if (pipe(p))
			_exit(2);
		if (!fork()) {
			if (!fork() && write(p[1], "a", 1) == 1)
				pauser(NULL);
			pauser(NULL);
		}
		if (!fork()) {
			mem = mmap(NULL, BIG_MEM, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (mem == MAP_FAILED)
				_exit(2);
			for (i = 0; i < BIG_MEM; i += 4096)
				mem[i] = i / 4096 % 255 + 1;
			if (write(p[1], "b", 1) == 1)
				pauser(NULL);
			_exit(2);
		}
		if (read(p[0], c, 1) != 1 || read(p[0], c + 1, 1) != 1)
			_exit(2);
		close(p[0]);
		close(p[1]);
		cr_wait_go(f->go);
		pauser(NULL);
	}
	cr_wait_ready(f->go);
	return root;
}

/* A process that writes @len bytes of @buf to @fd, and exits. */
static pid_t writer(int fd, const char *buf, size_t len)
{
	pid_t pid = fork();

	if (!pid)
		_exit(write(fd, buf, len) == len ? 0 : 1);
	return pid;
}

/*
 * A process that restarts the image it reads from pipe @p, and exits with
 * the errno, or 0.
 */
static pid_t pipe_restarter(struct cr_files *f, const int p[2])
{
	pid_t pid = fork();

	if (!pid) {
		close(p[1]);
		_exit(sys_restart(0, p[0], 0, f->logfd) < 0 ? errno : 0);
	}
	return pid;
}

/*
 * The processes restart() has made so far for @restarter, breadth first,
 * zombies left out: up to @max in @task; their number.
 */
static int restored_processes(pid_t restarter, pid_t *task, int max)
{
	char path[64], stat[512], *end;
	int n, i;

	n = cr_children_of(restarter, task, max);
	for (i = 0; i < n && n < max; i++)
		n += cr_children_of(task[i], task + n, max - n);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", task[i]);
		cr_slurp(path, stat, sizeof(stat));
		end = strrchr(stat, ')');
		if (!end || end[2] == 'Z')
			task[i--] = task[--n];
	}
	return n;
}

/*
 * Restart @image through a pipe; once its first @at bytes are read, kill
 * the @which-th restored process, if any, and write the rest. The
 * restarter's exit status, or -2 if there was no process to kill yet.
 */
static int kill_at(struct __test_metadata *_metadata, struct cr_files *f,
		   const char *image, size_t size, size_t at, int which)
{
	pid_t restarter, w = 0, task[16];
	int p[2], n, left, ret = -1;
	long end;

	if (pipe(p))
		return -1;
	ftruncate(f->logfd, 0);
	restarter = pipe_restarter(f, p);
	/* Wait until the bytes are read, and the reader waits for more. */
	if (write(p[1], image, at) != at)
		goto out;
	ret = -2;
	end = cr_now_ms() + 30000;
	while (!ioctl(p[0], FIONREAD, &left) && left && cr_now_ms() < end)
		usleep(10000);
	usleep(50000);
	n = restored_processes(restarter, task, 16);
	if (!n)
		goto out;
	kill(task[which % n], SIGKILL);
	w = writer(p[1], image + at, size - at);
	close(p[1]);
	p[1] = -1;
	ret = cr_wait_exit_ms(_metadata, restarter, 60000);
out:
	close(p[0]);
	close(p[1]);
	kill(restarter, SIGKILL);
	if (w > 0)
		kill(w, SIGKILL);
	if (!cr_all_gone(false))
		ret = -1;
	return ret;
}

/* Read @len bytes of the pipe, or all that comes before EOF. */
static size_t drain(int fd, size_t len)
{
	static char buf[65536];
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, buf, len - done < sizeof(buf) ? len - done :
							      sizeof(buf));
		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

FIXTURE(kill) {
	struct cr_files f;
	int pipe[2];
};

FIXTURE_SETUP(kill)
{
	signal(SIGPIPE, SIG_IGN);
	cr_be_subreaper();
	cr_files_init(&self->f, "kill");
	ASSERT_EQ(pipe(self->pipe), 0);
}

FIXTURE_TEARDOWN(kill)
{
	close(self->pipe[0]);
	close(self->pipe[1]);
	cr_files_fini(&self->f);
}

/*
 * The target killed while its memory is written: checkpoint() gives
 * ESRCH, and the target dies. Its cwd, fd table and the rest, which it
 * would drop as it exits, are read after its memory: it must not exit
 * before checkpoint() has let it go.
 */
TEST_F(kill, target_killed_while_its_image_is_written)
{
	pid_t target, cp;
	int status;

	target = big_target(&self->f);
	cp = checkpointer(&self->f, target, self->pipe[1], 0);
	close(self->pipe[1]);
	self->pipe[1] = -1;
	ASSERT_EQ(drain(self->pipe[0], SOME), SOME);
	ASSERT_EQ(kill(target, SIGKILL), 0);
	drain(self->pipe[0], ~0UL);
	EXPECT_EQ(cr_wait_exit(cp), ESRCH) TH_LOG("%s", cr_log(&self->f));
	ASSERT_EQ(waitpid(target, &status, 0), target);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	EXPECT_NE(strstr(cr_log(&self->f), "killed"), NULL);
}

/* The checkpointer killed: the target goes on with its memory whole. */
TEST_F(kill, checkpointer_killed_while_it_writes)
{
	pid_t target, cp;
	int status;

	target = big_target(&self->f);
	cp = checkpointer(&self->f, target, self->pipe[1], CHECKPOINT_KILL);
	ASSERT_EQ(drain(self->pipe[0], SOME), SOME);
	ASSERT_EQ(kill(cp, SIGKILL), 0);
	ASSERT_EQ(waitpid(cp, &status, 0), cp);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	cr_go(self->f.go);
	EXPECT_EQ(cr_wait_exit(target), CR_OK);
}

/*
 * The restarter killed while it reads the image: every task it made so
 * far dies, and none is left, running or zombie.
 */
TEST_F(kill, restarter_killed_while_it_reads)
{
	pid_t target, restarter;
	long end;
	char *image;
	off_t size;

	target = big_target(&self->f);
	ASSERT_EQ(cr_checkpoint_kill(&self->f, target), 0)
		TH_LOG("%s", cr_log(&self->f));
	size = lseek(self->f.img, 0, SEEK_END);
	ASSERT_GT(size, BIG_MEM / 2);
	image = malloc(size / 2);
	ASSERT_EQ(pread(self->f.img, image, size / 2, 0), size / 2);

	restarter = pipe_restarter(&self->f, self->pipe);
	/* Half the image: the root and its thread exist, reading memory. */
	ASSERT_EQ(write(self->pipe[1], image, size / 2), size / 2);
	ASSERT_EQ(kill(restarter, SIGKILL), 0);
	ASSERT_EQ(cr_wait_exit(restarter), -1);
	free(image);
	/* What it made comes back to us, a subreaper, and dies. */
	end = cr_now_ms() + 60000;
	while (!cr_no_children() && cr_now_ms() < end)
		usleep(20000);
	EXPECT_TRUE(cr_no_children());
}

/*
 * A restored task killed while it waits to make a task: the restarter,
 * which asks it for that task later, gives up with ESRCH rather than wait
 * for it for ever, and nothing is left.
 */
TEST_F(kill, restored_creator_killed_before_it_makes_a_child)
{
	pid_t root, restarter, w, task[2];
	char *image;
	off_t size;
	long end;
	int n = 0;

	root = wide_tree(&self->f);
	ASSERT_EQ(cr_checkpoint_kill_tree(&self->f, root), 0)
		TH_LOG("%s", cr_log(&self->f));
	size = lseek(self->f.img, 0, SEEK_END);
	ASSERT_GT(size, BIG_MEM / 2);
	image = malloc(size);
	ASSERT_NE(image, NULL);
	ASSERT_EQ(pread(self->f.img, image, size, 0), size);

	restarter = pipe_restarter(&self->f, self->pipe);
	/* Half the image: B's memory is being read, A waits to make A1. */
	ASSERT_EQ(write(self->pipe[1], image, size / 2), size / 2);
	end = cr_now_ms() + 30000;
	while (cr_children_of(restarter, &root, 1) < 1 && cr_now_ms() < end)
		usleep(10000);
	while ((n = cr_children_of(root, task, 2)) < 2 && cr_now_ms() < end)
		usleep(10000);
	ASSERT_EQ(n, 2);
	/* A was made first. */
	ASSERT_EQ(kill(task[0] < task[1] ? task[0] : task[1], SIGKILL), 0);
	w = writer(self->pipe[1], image + size / 2, size - size / 2);
	close(self->pipe[1]);
	self->pipe[1] = -1;
	EXPECT_EQ(cr_wait_exit_ms(_metadata, restarter, 60000), ESRCH)
		TH_LOG("%s", cr_log(&self->f));
	EXPECT_NE(strstr(cr_log(&self->f), "killed"), NULL);
	kill(restarter, SIGKILL);
	kill(w, SIGKILL);
	free(image);
	EXPECT_TRUE(cr_all_gone(false));
}

/*
 * A restored task killed at each of many points of a restart, spread over
 * the records of the images of a tree and of a process with threads:
 * restart() always gives ESRCH, and leaves nothing.
 */
TEST_F_TIMEOUT(kill, a_restored_task_killed_at_any_step, CR_SLOW_TIMEOUT)
{
	static const enum shape shapes[] = { TREE, BIG };
	size_t size, *start, nr, i, pos;
	unsigned int s, k, killed = 0;
	char *image;
	pid_t pid;
	int ret;

	for (s = 0; s < ARRAY_SIZE(shapes); s++) {
		unlink(self->f.go);
		pid = fork();
		if (!pid) {
			cr_child_init();
			_exit(shape_fn[shapes[s]](self->f.go));
		}
		ASSERT_EQ(cr_wait_child_ready(self->f.go, pid, NULL), 0);
		ASSERT_EQ(cr_checkpoint_kill_tree(&self->f, pid), 0)
			TH_LOG("%s", cr_log(&self->f));
		size = lseek(self->f.img, 0, SEEK_END);
		image = malloc(size);
		start = calloc(size / sizeof(struct cr_hdr), sizeof(*start));
		ASSERT_TRUE(image && start);
		ASSERT_EQ(pread(self->f.img, image, size, 0), size);
		for (nr = 0, pos = 0; pos + sizeof(struct cr_hdr) <= size; nr++) {
			start[nr] = pos;
			pos += sizeof(struct cr_hdr) +
			       ((struct cr_hdr *)(image + pos))->len;
		}
		ASSERT_EQ(pos, size);
		for (k = 0; k < NR_STEPS; k++) {
			/* The start of a record, the trailer's excluded. */
			i = 1 + k * (nr - 2) / NR_STEPS;
			ret = kill_at(_metadata, &self->f, image, size,
				      start[i], k);
			if (ret == -2)
				continue;
			killed++;
			EXPECT_EQ(ret, ESRCH)
				TH_LOG("%s: killed at record %zu of %zu (byte %zu): %s",
				       shape_name[shapes[s]], i, nr, start[i],
				       cr_log(&self->f));
		}
		free(start);
		free(image);
	}
	TH_LOG("%u restarts, each with a restored task killed", killed);
	EXPECT_GT(killed, NR_STEPS);
}

static void on_alarm(int sig)
{
}

/*
 * A signal while restart() waits for the image on a pipe ends the call
 * with EINTR, even with SA_RESTART: part of the stream is read, so the
 * call cannot start again. Here the header is written, and no more.
 */
TEST_F(kill, a_signal_ends_a_restart_that_waits_on_a_pipe)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	char header[64];
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		cr_child_init();
		cr_wait_go(self->f.go);
		_exit(CR_OK);
	}
	ASSERT_EQ(cr_wait_child_ready(self->f.go, pid, NULL), 0);
	ASSERT_EQ(cr_checkpoint_kill(&self->f, pid), 0)
		TH_LOG("%s", cr_log(&self->f));
	ASSERT_EQ(pread(self->f.img, header, sizeof(header), 0),
		  sizeof(header));
	ASSERT_EQ(write(self->pipe[1], header, sizeof(header)),
		  sizeof(header));
	ASSERT_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	alarm(2);
	EXPECT_EQ(sys_restart(0, self->pipe[0], 0, self->f.logfd), -1);
	EXPECT_EQ(errno, EINTR) TH_LOG("%s", cr_log(&self->f));
	alarm(0);
	EXPECT_NE(strstr(cr_log(&self->f), "interrupted"), NULL)
		TH_LOG("%s", cr_log(&self->f));
}

TEST_HARNESS_MAIN
