// SPDX-License-Identifier: GPL-2.0
/*
 * A structure-aware fuzzer for restart(). It takes valid images of a few
 * trees of nobody's, splits them into records, and mutates them as an
 * attacker would: a field set to a boundary value, bytes flipped, a
 * header's type or length changed, records duplicated, dropped, swapped,
 * or spliced in from another image. It then writes the trailer's checksum
 * and size again, so that the parsers are reached, and restarts each
 * image as root, as nobody, or in a new pid namespace.
 *
 * Every restart must end - restarted, or refused - within a minute, and
 * leave no task behind; the kernel's checks (KASAN, UBSAN, lockdep,
 * kmemleak) watch for the rest. It prints the images tried, their rate
 * and how restart() answered them.
 *
 * CR_FUZZ_SEED sets the seed (1 by default), CR_FUZZ_SECONDS a time to
 * run for, CR_FUZZ_IMAGES a number of images (200 by default, if no time
 * is given). "make fuzz SECONDS=N" runs it for N seconds.
 */
#include <grp.h>
#include "../kselftest_harness.h"
#include "cr_util.h"
#include "cr_shapes.h"
#include "cr_chain.h"

#define NOBODY		65534
#define MAX_RECS	65536

struct rec {
	const unsigned char *p;	/* header and payload */
	size_t len;
};

struct image {
	unsigned char *buf;
	size_t size;
	struct rec rec[MAX_RECS];
	unsigned int nr;
};

/* Split @img into records; 0 if it is well formed. */
static int split(struct image *img)
{
	size_t off = 0;

	img->nr = 0;
	while (off + sizeof(struct cr_hdr) <= img->size && img->nr < MAX_RECS) {
		const struct cr_hdr *h = (const void *)(img->buf + off);
		size_t len = sizeof(*h) + h->len;

		if (len > img->size - off)
			return -1;
		img->rec[img->nr].p = img->buf + off;
		img->rec[img->nr++].len = len;
		off += len;
	}
	return off == img->size ? 0 : -1;
}

/* Write records @r[0..@nr) to @out, the last trailer made right again. */
static size_t join(const struct rec *r, unsigned int nr, unsigned char *out)
{
	size_t off = 0, last = 0;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		memcpy(out + off, r[i].p, r[i].len);
		if (i == nr - 1)
			last = off;
		off += r[i].len;
	}
	if (nr && r[nr - 1].len == sizeof(struct cr_hdr) + sizeof(struct cr_trailer)) {
		struct cr_hdr *h = (void *)(out + last);
		struct cr_trailer *t = (void *)(h + 1);

		if (h->type == CR_TRAILER) {
			t->csum = cr_crc32c(0, out, last);
			t->size = last;
		}
	}
	return off;
}

static const uint64_t boundary[] = {
	0, 1, 2, 7, 0xff, 0x100, 0xfff, 0x1000, 0x1001, 0x7fff, 0x8000, 0xffff,
	0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
	~0ULL, ~0ULL - 1,
};

enum { M_FIELD, M_FLIP, M_TYPE, M_LEN, M_DUP, M_DROP, M_SWAP, M_SPLICE, NR_M };

/*
 * Mutate the records @r (*@nr of them) in place; a record that changes is
 * copied to @scratch first. Returns the scratch bytes used.
 */
static size_t mutate(struct rec *r, unsigned int *nr, const struct image *other,
		     unsigned char *scratch, char *what, size_t len)
{
	unsigned int i = rand() % *nr, j, m = rand() % NR_M;
	static const char *const name[] = {
		"field", "flip", "type", "len", "dup", "drop", "swap", "splice",
	};
	unsigned char *p;
	size_t used = 0;

	snprintf(what, len, "%s of record %u (type %u)", name[m], i,
		 ((const struct cr_hdr *)r[i].p)->type);
	switch (m) {
	case M_FIELD:
	case M_FLIP:
	case M_TYPE:
	case M_LEN:
		p = scratch;
		memcpy(p, r[i].p, r[i].len);
		used = r[i].len;
		r[i].p = p;
		if (r[i].len > sizeof(struct cr_hdr) && rand() % 4) {
			/* A field of the payload, aligned as fields are. */
			size_t plen = r[i].len - sizeof(struct cr_hdr);
			size_t off = sizeof(struct cr_hdr) + (rand() % plen & ~3UL);
			uint64_t v = boundary[rand() % (sizeof(boundary) /
							 sizeof(boundary[0]))];
			size_t w = (rand() % 2 && off + 8 <= r[i].len) ? 8 : 4;

			if (off + w > r[i].len)
				w = r[i].len - off;
			if (rand() % 3 == 0)
				p[off + rand() % w] ^= 1 << (rand() % 8);
			else
				memcpy(p + off, &v, w);
			snprintf(what + strlen(what), len - strlen(what),
				 " at byte %zu", off);
		} else {
			struct cr_hdr *h = (void *)p;

			if (rand() % 2)
				h->type = rand() % (CR_TYPE_MAX + 1);
			else
				h->len += (int)(rand() % 9) - 4;
		}
		break;
	case M_DUP:
		if (*nr < MAX_RECS) {
			memmove(r + i + 1, r + i, (*nr - i) * sizeof(*r));
			(*nr)++;
		}
		break;
	case M_DROP:
		if (*nr > 1) {
			memmove(r + i, r + i + 1, (*nr - i - 1) * sizeof(*r));
			(*nr)--;
		}
		break;
	case M_SWAP:
		j = rand() % *nr;
		{
			struct rec t = r[i];

			r[i] = r[j];
			r[j] = t;
		}
		break;
	case M_SPLICE:
		if (*nr < MAX_RECS && other->nr) {
			memmove(r + i + 1, r + i, (*nr - i) * sizeof(*r));
			r[i] = other->rec[rand() % other->nr];
			(*nr)++;
		}
		break;
	}
	return used;
}

enum { AS_ROOT, AS_NOBODY, IN_PIDNS, NR_AS };
static const char *const as_name[] = { "root", "nobody", "a new pid namespace" };

static void drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		_exit(99);
}

/*
 * Restart the image on @fd in a child, as @as: errno of the refusal, 0
 * if it restarted (the tree is killed), -1 if it did not end in time.
 */
static int try_restart(struct __test_metadata *_metadata, int fd, int as,
		       int logfd)
{
	int status, report[2];
	pid_t pid;

	pid = fork();
	if (!pid) {
		long ret;

		lseek(fd, 0, SEEK_SET);
		if (as == AS_NOBODY)
			drop_to_nobody();
		if (as == IN_PIDNS) {
			pid_t init;

			if (pipe(report))
				_exit(98);
			init = cr_restart_in_pidns(fd, 0, logfd, report[1]);
			if (init < 0)
				_exit(97);
			if (read(report[0], &ret, sizeof(ret)) != sizeof(ret))
				ret = -EIO;
			/* Its init's death takes the namespace with it. */
			kill(init, SIGKILL);
			waitpid(init, NULL, 0);
			_exit(ret < 0 ? -ret : 0);
		}
		ret = sys_restart(0, fd, 0, logfd);
		if (ret < 0)
			_exit(errno);
		kill(ret, SIGKILL);
		waitpid(ret, NULL, __WALL);
		_exit(0);
	}
	status = cr_wait_exit_ms(_metadata, pid, 60000);
	if (status < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return status;
}

/* A valid image of @shape, run as nobody, in @img. */
static int make_seed(struct cr_files *f, enum shape s, struct image *img)
{
	struct stat st;
	pid_t pid;

	unlink(f->go);
	pid = fork();
	if (!pid) {
		cr_child_init();
		drop_to_nobody();
		prctl(PR_SET_DUMPABLE, 1);
		_exit(shape_fn[s](f->go));
	}
	if (cr_wait_child_ready(f->go, pid, NULL) ||
	    cr_checkpoint_kill_tree(f, pid) || fstat(f->img, &st))
		return -1;
	img->size = st.st_size;
	img->buf = malloc(img->size);
	if (!img->buf || pread(f->img, img->buf, img->size, 0) != img->size)
		return -1;
	return split(img);
}

FIXTURE(slow) {};
FIXTURE_SETUP(slow) {}
FIXTURE_TEARDOWN(slow) {}

/* As long as CR_FUZZ_SECONDS: the runner's timeout bounds it. */
TEST_F_TIMEOUT(slow, mutated_images_fail_cleanly, 86400)
{
	const char *env_seed = getenv("CR_FUZZ_SEED");
	const char *env_secs = getenv("CR_FUZZ_SECONDS");
	const char *env_imgs = getenv("CR_FUZZ_IMAGES");
	unsigned int seed = env_seed ? atoi(env_seed) : 1;
	long secs = env_secs ? atol(env_secs) : 0;
	unsigned long max = env_imgs ? atol(env_imgs) : secs ? ~0UL : 200;
	unsigned long tried = 0, restarted = 0, errs[256] = {};
	static struct image seeds[NR_SHAPES];
	static struct rec r[MAX_RECS];
	unsigned char *out, *scratch;
	size_t biggest = 0;
	struct cr_files f;
	long t0, end;
	char line[2048], what[512];
	int fd, i, n;

	cr_be_subreaper();
	cr_files_init(&f, "fuzz");
	for (i = BIG + 1; i < NR_SHAPES; i++) {
		ASSERT_EQ(make_seed(&f, i, &seeds[i]), 0) TH_LOG("%s", cr_log(&f));
		if (seeds[i].size > biggest)
			biggest = seeds[i].size;
	}
	/* Room for every record doubled, and mutated copies. */
	out = malloc(4 * biggest + (1 << 20));
	scratch = malloc(8 * biggest + (1 << 20));
	fd = memfd_create("cr-fuzz", 0);
	ASSERT_TRUE(out && scratch && fd >= 0);
	/* An unmutated image restarts, with its checksum made again. */
	n = join(seeds[TREE].rec, seeds[TREE].nr, out);
	ASSERT_EQ(memcmp(out, seeds[TREE].buf, n), 0);

	srand(seed);
	TH_LOG("seed %u", seed);
	t0 = cr_now_ms();
	end = secs ? t0 + secs * 1000 : 0;
	while (tried < max && (!end || cr_now_ms() < end)) {
		const struct image *img = &seeds[BIG + 1 + rand() % (NR_SHAPES - 1)];
		const struct image *other = &seeds[BIG + 1 + rand() % (NR_SHAPES - 1)];
		unsigned int nr = img->nr, m = 1 + rand() % 3, k;
		size_t used = 0;
		int as = rand() % NR_AS, ret;

		memcpy(r, img->rec, nr * sizeof(*r));
		what[0] = '\0';
		for (k = 0; k < m && nr < MAX_RECS - 1; k++) {
			size_t w = strlen(what);

			used += mutate(r, &nr, other, scratch + used, what + w,
				       sizeof(what) - w);
			if (sizeof(what) - strlen(what) > 2)
				strcat(what, "; ");
		}
		n = join(r, nr, out);
		ASSERT_EQ(ftruncate(fd, 0), 0);
		ASSERT_EQ(pwrite(fd, out, n, 0), n);
		ftruncate(f.logfd, 0);
		ret = try_restart(_metadata, fd, as, f.logfd);
		ASSERT_GE(ret, 0) TH_LOG("image %lu (seed %u) as %s did not end: %s",
					 tried, seed, as_name[as], what);
		tried++;
		if (!ret)
			restarted++;
		if (ret > 0 && ret < 256 && !errs[ret])
			TH_LOG("first %s, as %s: %.300s", strerrorname_np(ret),
			       as_name[as], cr_log(&f));
		errs[ret < 256 ? ret : 0]++;
		if (tried % 1000 == 0)
			TH_LOG("%lu images in %ld s: %lu restarted", tried,
			       (cr_now_ms() - t0) / 1000, restarted);
		if (!cr_all_gone(!ret)) {
			cr_log_tasks(_metadata);
			ASSERT_TRUE(0)
				TH_LOG("image %lu (seed %u) as %s left a task; restart: %d: %s%s",
				       tried, seed, as_name[as], ret, what,
				       cr_log(&f));
		}
	}
	n = snprintf(line, sizeof(line), "%lu images in %ld s (%.1f/s): %lu restarted;",
		     tried, (cr_now_ms() - t0) / 1000,
		     tried * 1000.0 / (cr_now_ms() - t0 + 1), restarted);
	for (i = 1; i < 256 && n < (int)sizeof(line) - 32; i++)
		if (errs[i])
			n += snprintf(line + n, sizeof(line) - n, " %s %lu",
				      strerrorname_np(i) ?: "?", errs[i]);
	TH_LOG("%s", line);
	close(fd);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
