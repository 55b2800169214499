// SPDX-License-Identifier: GPL-2.0
/*
 * Incremental checkpoints: an image taken with CHECKPOINT_TRACK, then
 * images with CHECKPOINT_INCREMENTAL that hold only the pages written
 * since, restarted as a chain merged by cr_merge(). The job writes a tenth
 * of its memory between two images, drops some pages, zeroes one, maps
 * more and forks; the restored job checks every byte of its memory.
 */
#include <sys/stat.h>
#include "../kselftest_harness.h"
#include "cr_util.h"
#include "cr_chain.h"

#define PAGES		4096UL		/* 16 MiB */
#define NEW_PAGES	64UL
#define CHILD_PAGES	16UL
#define FILE_PAGES	4UL
#define MAX_ROUNDS	3
#define ZEROED		205		/* a page written with zeroes */
#define DROPPED		100		/* MADV_DONTNEED of 10 pages here */

/* What the job does between two images. */
enum {
	JOB_CLEAR_REFS = 1,	/* and clears its own soft-dirty bits */
};

/* Fill page @i of @mem with generation @gen's pattern. */
static void fill(unsigned char *mem, unsigned long i, unsigned long gen)
{
	uint64_t *w = (uint64_t *)(mem + i * CR_PAGE);
	unsigned long k;

	for (k = 0; k < CR_PAGE / 8; k++)
		w[k] = (gen << 32 | i) ^ (k * 0x9e3779b97f4a7c15ULL);
}

static int holds(const unsigned char *mem, unsigned long i, unsigned long gen)
{
	const uint64_t *w = (const uint64_t *)(mem + i * CR_PAGE);
	unsigned long k;

	for (k = 0; k < CR_PAGE / 8; k++)
		if (w[k] != (gen ? (gen << 32 | i) ^ (k * 0x9e3779b97f4a7c15ULL) : 0))
			return 0;
	return 1;
}

/* The generation page @i holds after @rounds rounds; 0: zero. */
static unsigned long gen_of(unsigned long i, int rounds)
{
	unsigned long gen = 1;
	int r;

	if (rounds >= 1 && (i == ZEROED || (i >= DROPPED && i < DROPPED + 10)))
		return 0;
	for (r = 1; r <= rounds; r++)
		if (i % (9 + r) == 0)
			gen = r + 1;
	return gen;
}

/* Round @r: write a tenth of the pages, as gen_of() says. */
static void write_round(unsigned char *mem, int r)
{
	unsigned long i;

	for (i = 0; i < PAGES; i += 9 + r)
		fill(mem, i, r + 1);
}

struct job {
	char	go[MAX_ROUNDS + 1][80];
	char	file[80];
	int	rounds;
	int	how;
};

/* The grandchild: memory of its own, checked after the last go. */
static void grandchild(struct job *j, unsigned char *mem)
{
	unsigned char *own;
	unsigned long i;

	munmap(mem, PAGES * CR_PAGE);
	own = mmap(NULL, CHILD_PAGES * CR_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < CHILD_PAGES; i++)
		fill(own, i, 7);
	cr_await(j->go[j->rounds]);
	for (i = 0; i < CHILD_PAGES; i++)
		if (!holds(own, i, 7))
			_exit(10);
	_exit(0);
}

static int check_job(struct job *j, unsigned char *mem, unsigned char *fmap,
		     unsigned char *more, pid_t gc)
{
	unsigned long i;
	int status;

	for (i = 0; i < PAGES; i++)
		if (!holds(mem, i, gen_of(i, j->rounds)))
			return 2;
	for (i = 0; i < FILE_PAGES; i++)
		if (fmap[i * CR_PAGE] != (i == 1 ? 0 : 'a' + i) ||
		    fmap[i * CR_PAGE + CR_PAGE - 1] != (i == 1 ? 0 : 'a' + i))
			return 30 + i;
	for (i = 0; more && i < NEW_PAGES; i++)
		if (!holds(more, i, 9))
			return 4;
	/* Restored, the grandchild has another pid. */
	if (gc > 0 && (waitpid(-1, &status, 0) <= 0 || !WIFEXITED(status)))
		return 5;
	return gc > 0 ? WEXITSTATUS(status) : 0;
}

/*
 * The job: memory in its first state, a private file mapping with a page
 * zeroed; it waits for go[0]; then each round r writes, and the first
 * drops, zeroes, maps and forks, before it waits for go[r]. After the
 * last go it checks everything.
 */
static pid_t job(struct job *j)
{
	unsigned char *mem, *fmap, *more = NULL;
	pid_t child, gc = 0;
	unsigned long i;
	int r, fd;

	for (r = 0; r <= j->rounds; r++)
		unlink(j->go[r]);
	fd = open(j->file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	for (i = 0; i < FILE_PAGES; i++) {
		char page[CR_PAGE];

		memset(page, 'a' + i, sizeof(page));
		write(fd, page, sizeof(page));
	}
	child = fork();
	if (child) {
		close(fd);
		return child;
	}

	fmap = mmap(NULL, FILE_PAGES * CR_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE, fd, 0);
	cr_child_init();
	mem = mmap(NULL, PAGES * CR_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || fmap == MAP_FAILED)
		_exit(1);
	for (i = 0; i < PAGES; i++)
		fill(mem, i, 1);
	/* Zero, where restart would find the file's bytes if left out. */
	memset(fmap + CR_PAGE, 0, CR_PAGE);
	for (r = 0; r < j->rounds; r++) {
		cr_wait_go(j->go[r]);
		write_round(mem, r + 1);
		if (r)
			continue;
		madvise(mem + DROPPED * CR_PAGE, 10 * CR_PAGE, MADV_DONTNEED);
		memset(mem + ZEROED * CR_PAGE, 0, CR_PAGE);
		gc = fork();
		if (!gc)
			grandchild(j, mem);
		/*
		 * Unlike mem, so as not to be merged with it: a VMA that grows
		 * is new, and all of its pages are written again.
		 */
		more = mmap(NULL, NEW_PAGES * CR_PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		for (i = 0; i < NEW_PAGES; i++)
			fill(more, i, 9);
		if (j->how == JOB_CLEAR_REFS) {
			fd = open("/proc/self/clear_refs", O_WRONLY);
			if (fd < 0 || write(fd, "4", 1) != 1)
				_exit(6);
			close(fd);
		}
	}
	cr_wait_go(j->go[j->rounds]);
	_exit(check_job(j, mem, fmap, more, gc));
}

static void job_init(struct job *j, const char *tag, int rounds, int how)
{
	int r;

	for (r = 0; r <= rounds; r++)
		snprintf(j->go[r], sizeof(j->go[r]), "/tmp/cr-%s-%d.go%d", tag,
			 getpid(), r);
	snprintf(j->file, sizeof(j->file), "/tmp/cr-%s-%d.file", tag, getpid());
	j->rounds = rounds;
	j->how = how;
}

static void job_fini(struct job *j)
{
	char ready[96];
	int r;

	for (r = 0; r <= j->rounds; r++) {
		cr_ready_file(ready, sizeof(ready), j->go[r]);
		rmdir(ready);
		unlink(j->go[r]);
	}
	unlink(j->file);
}

/* Images of a test, by number. */
struct images {
	char	path[MAX_ROUNDS + 1][64];
	int	fd[MAX_ROUNDS + 1];
	int	nr;
};

static void images_init(struct images *im, const char *tag, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		snprintf(im->path[i], sizeof(im->path[i]), "/tmp/cr-%s-%d.%d.img",
			 tag, getpid(), i);
		im->fd[i] = open(im->path[i], O_RDWR | O_CREAT | O_TRUNC, 0600);
	}
	im->nr = nr;
}

static void images_fini(struct images *im)
{
	int i;

	for (i = 0; i < im->nr; i++) {
		close(im->fd[i]);
		unlink(im->path[i]);
	}
}

static long size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : st.st_size;
}

/*
 * Take the images of job @j, round by round, with @flags[r]; the last
 * kills it. Returns 0, or the round that failed, plus one; -1, the job
 * killed, if this kernel cannot track pages.
 */
static int take_images(struct job *j, pid_t child, struct images *im,
		       const unsigned long *flags, int logfd)
{
	int r, status;

	for (r = 0; r <= j->rounds; r++) {
		if (cr_wait_child_ready(j->go[r], child, &status))
			return r + 1;
		if (sys_checkpoint(child, im->fd[r], flags[r], logfd)) {
			if (errno != EOPNOTSUPP || r)
				return r + 1;
			kill(child, SIGKILL);
			cr_all_gone(true);
			return -1;
		}
		if (r < j->rounds)
			cr_go(j->go[r]);
	}
	while (waitpid(-1, NULL, __WALL) > 0)
		;
	return 0;
}

/*
 * Restart the chain @paths[0..@n) through a pipe that a child fills with
 * cr_merge(): the restored root's pid, or -1 with *@why said.
 */
static pid_t restart_chain(const char *const *paths, int n, int logfd,
			   const char **why)
{
	int p[2], status;
	pid_t merger;
	long ret;

	*why = "";
	if (pipe(p))
		return -1;
	merger = fork();
	if (!merger) {
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		if (cr_merge(p[1], paths, n)) {
			fprintf(stderr, "# merge: %s\n", cr_chain_why);
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	ret = sys_restart(0, p[0], 0, logfd);
	close(p[0]);
	if (waitpid(merger, &status, 0) != merger || status) {
		*why = "the merge failed";
		return -1;
	}
	return ret;
}

/* A test's files, images and job. */
struct run {
	struct cr_files	f;
	struct images	im;
	struct job	j;
};

/*
 * Start job @tag of @rounds rounds, and take its images with @flags:
 * take_images()'s verdict.
 */
static int run_job(struct run *r, const char *tag, int rounds, int how,
		   const unsigned long *flags)
{
	cr_be_subreaper();
	cr_files_init(&r->f, tag);
	images_init(&r->im, tag, rounds + 1);
	job_init(&r->j, tag, rounds, how);
	return take_images(&r->j, job(&r->j), &r->im, flags, r->f.logfd);
}

/*
 * Restart the chain @paths[0..@n), let the job go on, and see it find its
 * memory as it left it; then remove the test's files.
 */
static void restart_and_check(struct __test_metadata *_metadata,
			      struct run *r, const char *const *paths, int n)
{
	const char *why;
	pid_t restored = restart_chain(paths, n, r->f.logfd, &why);

	EXPECT_GT(restored, 0) TH_LOG("%s%s", why, cr_log(&r->f));
	if (restored > 0) {
		cr_go(r->j.go[r->j.rounds]);
		EXPECT_EQ(cr_wait_exit(restored), 0);
	}
	EXPECT_TRUE(cr_all_gone(true));
	job_fini(&r->j);
	images_fini(&r->im);
	cr_files_fini(&r->f);
}

TEST(second_image_holds_only_the_changes)
{
	const unsigned long flags[] = {
		CHECKPOINT_TRACK, CHECKPOINT_INCREMENTAL | CHECKPOINT_KILL,
	};
	struct run r;
	long full, incr;
	int ret;

	ret = run_job(&r, "incr", 1, 0, flags);
	if (ret < 0)
		SKIP(return, "no CONFIG_MEM_SOFT_DIRTY");
	ASSERT_EQ(ret, 0) TH_LOG("%s", cr_log(&r.f));

	/* A tenth of the pages, 64 new ones and a small process: ~12%. */
	full = size_of(r.im.fd[0]);
	incr = size_of(r.im.fd[1]);
	ksft_print_msg("full image %ld bytes, incremental %ld (%ld%%)\n",
		       full, incr, incr * 100 / full);
	EXPECT_GT(full, PAGES * CR_PAGE);
	EXPECT_LT(incr, full * 15 / 100);
	EXPECT_GT(incr, full * 9 / 100);
	restart_and_check(_metadata, &r, (const char *const[]){
				  r.im.path[0], r.im.path[1] }, 2);
}

TEST(chain_of_three_images)
{
	const unsigned long flags[] = {
		CHECKPOINT_TRACK,
		CHECKPOINT_INCREMENTAL | CHECKPOINT_TRACK | CHECKPOINT_NO_PAGE_CSUM,
		CHECKPOINT_INCREMENTAL | CHECKPOINT_KILL,
	};
	struct run r;
	int ret;

	ret = run_job(&r, "incr3", 2, 0, flags);
	if (ret < 0)
		SKIP(return, "no CONFIG_MEM_SOFT_DIRTY");
	ASSERT_EQ(ret, 0) TH_LOG("%s", cr_log(&r.f));
	EXPECT_LT(size_of(r.im.fd[2]), size_of(r.im.fd[0]) * 15 / 100);
	restart_and_check(_metadata, &r, (const char *const[]){
				  r.im.path[0], r.im.path[1], r.im.path[2] }, 3);
}

/* Flip the byte at @off of @path, back and forth. */
static void flip(const char *path, off_t off)
{
	int fd = open(path, O_RDWR);
	unsigned char c;

	if (pread(fd, &c, 1, off) == 1) {
		c ^= 0x40;
		pwrite(fd, &c, 1, off);
	}
	close(fd);
}

/* Is the chain refused by cr_merge(), for a reason that says @what? */
static int merge_refused(const char *const *paths, int n, const char *what)
{
	int fd = open("/dev/null", O_WRONLY), ret;

	ret = cr_merge(fd, paths, n);
	close(fd);
	if (ret && !strstr(cr_chain_why, what))
		ksft_print_msg("refused, but: %s\n", cr_chain_why);
	return ret && strstr(cr_chain_why, what);
}

/*
 * Image 0 and 1 both track; image 2 adds to image 1. Every broken form of
 * the chain is refused, for what breaks it; the right one restarts.
 */
TEST(broken_chains_are_refused)
{
	const unsigned long flags[] = {
		CHECKPOINT_TRACK, CHECKPOINT_TRACK,
		CHECKPOINT_INCREMENTAL | CHECKPOINT_KILL,
	};
	struct run r;
	const char *p0 = r.im.path[0], *p1 = r.im.path[1], *p2 = r.im.path[2];
	off_t page;
	int ret;

	ret = run_job(&r, "incrb", 2, 0, flags);
	if (ret < 0)
		SKIP(return, "no CONFIG_MEM_SOFT_DIRTY");
	ASSERT_EQ(ret, 0) TH_LOG("%s", cr_log(&r.f));

	/* The kernel restarts no incremental image alone. */
	lseek(r.im.fd[2], 0, SEEK_SET);
	EXPECT_EQ(sys_restart(0, r.im.fd[2], 0, r.f.logfd), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_NE(NULL, strstr(cr_log(&r.f), "incremental image"))
		TH_LOG("%s", cr_log(&r.f));

	EXPECT_TRUE(merge_refused((const char *const[]){ p2 }, 1,
				  "its parent image must come before it"));
	EXPECT_TRUE(merge_refused((const char *const[]){ p2, p1 }, 2,
				  "its parent image must come before it"));
	EXPECT_TRUE(merge_refused((const char *const[]){ p0, p2 }, 2,
				  "does not add to"));
	EXPECT_TRUE(merge_refused((const char *const[]){ p1, p0, p2 }, 3,
				  "does not add to"));
	/* A byte of a page of the parent, then of a record of the last. */
	page = size_of(r.im.fd[1]) / 2;
	flip(p1, page);
	EXPECT_TRUE(merge_refused((const char *const[]){ p1, p2 }, 2,
				  "checksum mismatch"));
	flip(p1, page);
	flip(p2, sizeof(struct cr_hdr) + 40);
	EXPECT_TRUE(merge_refused((const char *const[]){ p1, p2 }, 2,
				  "checksum mismatch"));
	flip(p2, sizeof(struct cr_hdr) + 40);
	restart_and_check(_metadata, &r, (const char *const[]){ p1, p2 }, 2);
}

/*
 * A job that clears its own soft-dirty bits hides what it wrote: its mm is
 * written whole, and the chain is still right.
 */
TEST(clear_refs_makes_the_mm_whole)
{
	const unsigned long flags[] = {
		CHECKPOINT_TRACK, CHECKPOINT_INCREMENTAL | CHECKPOINT_KILL,
	};
	struct run r;
	int ret;

	ret = run_job(&r, "incrc", 1, JOB_CLEAR_REFS, flags);
	if (ret < 0)
		SKIP(return, "no CONFIG_MEM_SOFT_DIRTY");
	ASSERT_EQ(ret, 0) TH_LOG("%s", cr_log(&r.f));
	EXPECT_GT(size_of(r.im.fd[1]), size_of(r.im.fd[0]) * 9 / 10);
	restart_and_check(_metadata, &r, (const char *const[]){
				  r.im.path[0], r.im.path[1] }, 2);
}

/*
 * Without an image that tracked it, an incremental image is whole, with
 * no parent: restart() takes it alone. CHECKPOINT_TRACK with
 * CHECKPOINT_KILL is refused, the job left running.
 */
TEST(untracked_incremental_image_is_whole)
{
	const unsigned long flags[] = {
		CHECKPOINT_INCREMENTAL | CHECKPOINT_NO_PAGE_CSUM,
		CHECKPOINT_INCREMENTAL | CHECKPOINT_KILL,
	};
	struct cr_files f;
	struct images im;
	char ready[96];
	struct job j;
	pid_t child, restored;
	int ret;

	cr_be_subreaper();
	cr_files_init(&f, "incru");
	images_init(&im, "incru", 2);
	job_init(&j, "incru", 1, 0);
	child = job(&j);
	ASSERT_EQ(cr_wait_child_ready(j.go[0], child, NULL), 0);
	EXPECT_EQ(sys_checkpoint(child, im.fd[0], CHECKPOINT_TRACK |
				 CHECKPOINT_KILL, f.logfd), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(kill(child, 0), 0);
	/* Still waiting for its go: as ready as it was. */
	cr_ready_file(ready, sizeof(ready), j.go[0]);
	mkdir(ready, 0700);
	EXPECT_EQ(ftruncate(im.fd[0], 0), 0);
	lseek(im.fd[0], 0, SEEK_SET);
	ret = take_images(&j, child, &im, flags, f.logfd);
	if (ret < 0)
		SKIP(return, "no CONFIG_MEM_SOFT_DIRTY");
	ASSERT_EQ(ret, 0) TH_LOG("%s", cr_log(&f));
	EXPECT_GT(size_of(im.fd[1]), size_of(im.fd[0]) * 8 / 10);

	lseek(im.fd[1], 0, SEEK_SET);
	restored = sys_restart(0, im.fd[1], 0, f.logfd);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	cr_go(j.go[1]);
	EXPECT_EQ(cr_wait_exit(restored), 0);
	EXPECT_TRUE(cr_all_gone(true));
	job_fini(&j);
	images_fini(&im);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
