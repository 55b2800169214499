// SPDX-License-Identifier: GPL-2.0
/*
 * Memory across checkpoint/restart: written, sparse, read-only and
 * PROT_NONE anonymous memory, the heap, the stack, a private file mapping
 * with pages copied on write, and the layout as /proc/pid/maps shows it;
 * madvise() flags and what they do at fork; mlock()ed ranges; shared
 * memory - anonymous, memfds with their seals, and shared file mappings;
 * the image checksum over the pages, and CHECKPOINT_NO_PAGE_CSUM.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

#define PAGE		4096UL
#define SPARSE_SIZE	(64UL << 20)
#define RO_SIZE		(16 * PAGE)

static unsigned char pattern(unsigned long i, unsigned long salt)
{
	return (i * 31 + salt * 17 + (i >> 12)) & 0xff;
}

/*
 * /proc/pid/maps, with adjacent mappings of the same protection and file
 * merged: restart maps what was one mapping as one, but the original may
 * have kept two apart for an accounting flag (VM_ACCOUNT) alone.
 */
static char *read_maps(pid_t pid)
{
	static char buf[3][16384];
	static int n;
	char *b = buf[n++ % 3], line[512], path[64];
	char prev_perms[8] = "", perms[8], name[256], prev_name[256] = "";
	unsigned long start, end, off, prev_start = 0, prev_end = 0;
	unsigned long prev_off = 0;
	size_t len = 0;
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	b[0] = '\0';
	while (maps && fgets(line, sizeof(line), maps)) {
		name[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %255s", &start, &end,
			   perms, &off, name) < 4)
			continue;
		if (start == prev_end && !strcmp(perms, prev_perms) &&
		    !strcmp(name, prev_name) &&
		    (!name[0] || name[0] == '[' ||
		     off == prev_off + (prev_end - prev_start))) {
			prev_end = end;
			continue;
		}
		if (prev_end)
			len += snprintf(b + len, sizeof(buf[0]) - len,
					"%lx-%lx %s %lx %s\n", prev_start,
					prev_end, prev_perms, prev_off, prev_name);
		prev_start = start;
		prev_end = end;
		prev_off = off;
		memcpy(prev_perms, perms, sizeof(perms));
		memcpy(prev_name, name, sizeof(name));
	}
	if (prev_end)
		snprintf(b + len, sizeof(buf[0]) - len, "%lx-%lx %s %lx %s\n",
			 prev_start, prev_end, prev_perms, prev_off, prev_name);
	if (maps)
		fclose(maps);
	return b;
}

/*
 * Once @child is set up: checkpoint it, restart it, check that the
 * restored process has the layout /proc/pid/maps showed, and let it go.
 * Its exit status, or -1.
 */
static int run_same_maps(struct __test_metadata *_metadata,
			 struct cr_files *f, pid_t child)
{
	static char before[16384];
	pid_t restored;
	int status;

	if (cr_wait_child_ready(f->go, child, &status)) {
		TH_LOG("the child exited before it was ready: status %#x",
		       status);
		return -1;
	}
	snprintf(before, sizeof(before), "%s", read_maps(child));
	restored = cr_checkpoint_restart(f, child);
	if (restored <= 0) {
		TH_LOG("restart: %d: %s", restored, cr_log(f));
		return -1;
	}
	EXPECT_STREQ(before, read_maps(restored));
	cr_go(f->go);
	return cr_wait_exit(restored);
}

struct layout {
	unsigned char *sparse, *ro, *none, *heap, *filemap;
	int fd;
};

static int check(const struct layout *l, const unsigned char *stackbuf)
{
	unsigned long i;

	for (i = 0; i < SPARSE_SIZE; i += 16 * PAGE)
		if (l->sparse[i] != pattern(i, 1) || l->sparse[i + 1] != 0)
			return 10;
	for (i = 0; i < RO_SIZE; i++)
		if (l->ro[i] != pattern(i, 2))
			return 11;
	if (mprotect(l->none, PAGE, PROT_READ))
		return 12;
	for (i = 0; i < PAGE; i++)
		if (l->none[i] != pattern(i, 3))
			return 13;
	for (i = 0; i < 100000; i++)
		if (l->heap[i] != pattern(i, 4))
			return 14;
	for (i = 0; i < 4096; i++)
		if (stackbuf[i] != pattern(i, 5))
			return 15;
	/* page 0 was written (copied on write), page 1 comes from the file */
	if (l->filemap[0] != 'X' || l->filemap[PAGE] != pattern(PAGE, 6))
		return 16;
	return CR_OK;
}

TEST(memory_and_layout_survive)
{
	char datafile[64];
	struct cr_files f;
	unsigned long i;
	pid_t child;
	int fd;

	cr_files_init(&f, "mm");
	snprintf(datafile, sizeof(datafile), "/tmp/cr-mm-%d.data", getpid());
	fd = open(datafile, O_RDWR | O_CREAT | O_TRUNC, 0600);
	for (i = 0; i < 2 * PAGE; i++) {
		unsigned char c = pattern(i, 6);

		ASSERT_EQ(write(fd, &c, 1), 1);
	}
	close(fd);

	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		unsigned char stackbuf[4096];
		struct layout l;

		cr_child_init();
		l.sparse = mmap(NULL, SPARSE_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (i = 0; i < SPARSE_SIZE; i += 16 * PAGE)
			l.sparse[i] = pattern(i, 1);
		l.ro = mmap(NULL, RO_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (i = 0; i < RO_SIZE; i++)
			l.ro[i] = pattern(i, 2);
		/* split the VMA in two with different protections */
		mprotect(l.ro, RO_SIZE / 2, PROT_READ);
		l.none = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (i = 0; i < PAGE; i++)
			l.none[i] = pattern(i, 3);
		mprotect(l.none, PAGE, PROT_NONE);
		l.heap = sbrk(100000);
		for (i = 0; i < 100000; i++)
			l.heap[i] = pattern(i, 4);
		for (i = 0; i < 4096; i++)
			stackbuf[i] = pattern(i, 5);
		l.fd = open(datafile, O_RDONLY);
		l.filemap = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE, l.fd, 0);
		close(l.fd);
		l.filemap[0] = 'X';
		mprotect(l.filemap, 2 * PAGE, PROT_READ);

		cr_wait_go(f.go);
		_exit(check(&l, stackbuf));
	}
	EXPECT_EQ(run_same_maps(_metadata, &f, child), CR_OK);
	unlink(datafile);
	cr_files_fini(&f);
}

/* A mapped file that changed since the checkpoint is refused at restart. */
TEST(changed_mapped_file_is_refused)
{
	char datafile[64];
	struct cr_files f;
	pid_t child;
	int fd;

	cr_files_init(&f, "mmchg");
	snprintf(datafile, sizeof(datafile), "/tmp/cr-mmchg-%d.data", getpid());
	fd = open(datafile, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_EQ(ftruncate(fd, PAGE), 0);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		fd = open(datafile, O_RDONLY);
		mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	cr_wait_ready(f.go);
	ASSERT_EQ(cr_checkpoint_kill(&f, child), 0) TH_LOG("%s", cr_log(&f));
	ASSERT_EQ(write(fd, "changed", 7), 7);
	close(fd);
	EXPECT_EQ(sys_restart(0, f.img, 0, f.logfd), -1);
	EXPECT_EQ(errno, ESTALE);
	EXPECT_NE(strstr(cr_log(&f), "changed since checkpoint"), NULL);
	EXPECT_TRUE(cr_no_children());
	unlink(datafile);
	cr_files_fini(&f);
}

/* Whether the VMA at @addr has VmFlags @flag ("dc", "wf", "dd"). */
static int has_vmflag(void *addr, const char *flag)
{
	char line[512], want[8];
	unsigned long start, end;
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0, found = 0;

	snprintf(want, sizeof(want), " %s", flag);
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = (unsigned long)addr >= start && (unsigned long)addr < end;
		if (in && !strncmp(line, "VmFlags:", 8))
			found = !!strstr(line, want);
	}
	if (f)
		fclose(f);
	return found;
}

static unsigned char *dontfork, *wipe, *dontdump;

static int check_advice(void)
{
	pid_t pid;

	if (!has_vmflag(dontfork, "dc") || !has_vmflag(wipe, "wf") ||
	    !has_vmflag(dontdump, "dd") || has_vmflag(wipe, "dc"))
		return 40;
	if (wipe[0] != 'w' || dontfork[0] != 'f')
		return 41;
	/* And they act as advised: the child has no dontfork, a zero wipe. */
	pid = fork();
	if (!pid)
		_exit(wipe[0] == 0 && !has_vmflag(dontfork, "dc") ? 0 : 1);
	return cr_wait_exit(pid) ? 42 : CR_OK;
}

TEST(madvise_flags_survive)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "madv");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		dontfork = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		wipe = dontfork + PAGE;
		dontdump = dontfork + 2 * PAGE;
		if (madvise(dontfork, PAGE, MADV_DONTFORK) ||
		    madvise(wipe, PAGE, MADV_WIPEONFORK) ||
		    madvise(dontdump, 2 * PAGE, MADV_DONTDUMP))
			_exit(43);
		dontfork[0] = 'f';
		wipe[0] = 'w';
		cr_wait_go(f.go);
		_exit(check_advice());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

static unsigned char *locked, *onfault;

static int check_locks(void)
{
	if (!has_vmflag(locked, "lo") || has_vmflag(locked, "lf") ||
	    !has_vmflag(onfault, "lo") || !has_vmflag(onfault, "lf") ||
	    has_vmflag(locked + 2 * PAGE, "lo"))
		return 60;
	if (locked[0] != 'l' || locked[PAGE] != 'm')
		return 61;
	return CR_OK;
}

TEST(mlocked_ranges_survive)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "mlock");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		locked = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		onfault = locked + 4 * PAGE;
		locked[0] = 'l';
		locked[PAGE] = 'm';
		if (mlock(locked, 2 * PAGE) ||
		    mlock2(onfault, 2 * PAGE, MLOCK_ONFAULT))
			_exit(62);
		cr_wait_go(f.go);
		_exit(check_locks());
	}
	EXPECT_EQ(cr_run(_metadata, &f, child), CR_OK);
	cr_files_fini(&f);
}

struct shared {
	unsigned char *anon, *alias, *map, *priv, *fmap, *zero;
	int memfd, sealed, fd;
};

#define MEMFD_SIZE	(3 * PAGE + 100)

static int memfd_path_is(int fd, const char *want)
{
	char link[64], path[128];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return 0;
	path[n] = '\0';
	return !strcmp(path, want);
}

static int check_shared(const struct shared *s)
{
	unsigned char buf[MEMFD_SIZE];
	struct stat st;
	unsigned long i;

	/* Anonymous: the data, the zero pages, and one memory behind both. */
	for (i = 0; i < 4 * PAGE; i++)
		if (s->anon[i] != (i / PAGE % 2 ? 0 : pattern(i, 7)))
			return 70;
	s->anon[5] = 'z';
	if (s->alias[5] != 'z')
		return 71;

	/* A memfd: its name, size, offset, seals and data. */
	if (!memfd_path_is(s->memfd, "/memfd:cr-test (deleted)") ||
	    fstat(s->memfd, &st) || st.st_size != MEMFD_SIZE ||
	    lseek(s->memfd, 0, SEEK_CUR) != 1234 ||
	    fcntl(s->memfd, F_GET_SEALS) != (F_SEAL_SHRINK | F_SEAL_GROW))
		return 72;
	if (pread(s->memfd, buf, sizeof(buf), 0) != sizeof(buf))
		return 73;
	for (i = 0; i < MEMFD_SIZE; i++)
		if (buf[i] != (i == PAGE ? 'M' : pattern(i, 8)))
			return 74;
	/* its shared mapping is the file; its private one kept its copy */
	if (pwrite(s->memfd, "Q", 1, PAGE + 2) != 1 || s->map[2] != 'Q')
		return 75;
	if (s->priv[1] != 'P' || s->priv[0] != pattern(0, 8) ||
	    ftruncate(s->memfd, PAGE) != -1 || errno != EPERM)
		return 76;

	/* A write-sealed memfd stays so. */
	if (fcntl(s->sealed, F_GET_SEALS) != (F_SEAL_WRITE | F_SEAL_SEAL) ||
	    pread(s->sealed, buf, 7, 0) != 7 || memcmp(buf, "sealed", 7) ||
	    pwrite(s->sealed, "x", 1, 0) != -1 || errno != EPERM)
		return 77;

	/* A shared file mapping is the file. */
	if (memcmp(s->fmap, "shared file", 11))
		return 78;
	if (pwrite(s->fd, "xyz", 3, 100) != 3 || memcmp(s->fmap + 100, "xyz", 3))
		return 79;
	s->fmap[200] = 'w';
	if (pread(s->fd, buf, 1, 200) != 1 || buf[0] != 'w')
		return 80;

	/* A private mapping of /dev/zero is anonymous memory. */
	if (s->zero[3] != 'z' || s->zero[4])
		return 81;
	return CR_OK;
}

static int setup_shared(struct shared *s, const char *datafile)
{
	unsigned long i;
	int fd;

	s->anon = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->anon == MAP_FAILED)
		return 1;
	for (i = 0; i < 4 * PAGE; i += 2 * PAGE)
		for (unsigned long j = i; j < i + PAGE; j++)
			s->anon[j] = pattern(j, 7);
	/* old_size 0: a second mapping of the same shared memory */
	s->alias = mremap(s->anon, 0, 4 * PAGE, MREMAP_MAYMOVE);

	s->memfd = memfd_create("cr-test", MFD_ALLOW_SEALING);
	for (i = 0; i < MEMFD_SIZE; i++) {
		unsigned char c = pattern(i, 8);

		if (write(s->memfd, &c, 1) != 1)
			return 2;
	}
	s->map = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s->memfd, PAGE);
	s->priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		       s->memfd, 0);
	if (s->alias == MAP_FAILED || s->map == MAP_FAILED ||
	    s->priv == MAP_FAILED)
		return 3;
	s->map[0] = 'M';
	s->priv[1] = 'P';
	lseek(s->memfd, 1234, SEEK_SET);
	if (fcntl(s->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW))
		return 4;

	s->sealed = memfd_create("sealed", MFD_ALLOW_SEALING);
	if (write(s->sealed, "sealed", 7) != 7 ||
	    fcntl(s->sealed, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL))
		return 5;

	s->fd = open(datafile, O_RDWR);
	s->fmap = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (s->fmap == MAP_FAILED)
		return 6;
	memcpy(s->fmap, "shared file", 11);

	fd = open("/dev/zero", O_RDWR);
	s->zero = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (s->zero == MAP_FAILED)
		return 7;
	s->zero[3] = 'z';
	return 0;
}

TEST(shared_memory_survives)
{
	char datafile[64];
	struct cr_files f;
	pid_t child;
	int fd;

	cr_files_init(&f, "shm");
	snprintf(datafile, sizeof(datafile), "/tmp/cr-shm-%d.data", getpid());
	fd = open(datafile, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_EQ(ftruncate(fd, PAGE), 0);
	close(fd);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct shared s;
		int err;

		cr_child_init();
		err = setup_shared(&s, datafile);
		if (err)
			_exit(100 + err);
		cr_wait_go(f.go);
		_exit(check_shared(&s));
	}
	EXPECT_EQ(run_same_maps(_metadata, &f, child), CR_OK);
	unlink(datafile);
	cr_files_fini(&f);
}

/* A writable mapping that its memfd's seal forbids to map again. */
TEST(write_sealed_writable_mapping_is_refused)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "shmseal");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		unsigned char *map;
		int memfd;

		cr_child_init();
		memfd = memfd_create("sealed", MFD_ALLOW_SEALING);
		if (ftruncate(memfd, PAGE))
			_exit(92);
		map = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   memfd, 0);
		if (map == MAP_FAILED ||
		    fcntl(memfd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE))
			_exit(93);
		close(memfd);
		map[0] = 'w';
		cr_wait_go(f.go);
		_exit(map[0] == 'w' ? CR_OK : 94);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child, "sealed against writes"),
		  CR_OK);
	cr_files_fini(&f);
}

/* Memory shared with a task outside the checkpoint is refused. */
TEST(memory_shared_outside_is_refused)
{
	struct cr_files f;
	unsigned char *mine;
	pid_t child;
	int memfd;

	cr_files_init(&f, "shmout");
	memfd = memfd_create("outside", 0);
	ASSERT_EQ(ftruncate(memfd, PAGE), 0);
	mine = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(mine, MAP_FAILED);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		unsigned char *theirs;

		dup2(memfd, 3);
		cr_child_init_keep(1);	/* unmaps mine */
		theirs = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			      3, 0);
		if (theirs == MAP_FAILED)
			_exit(90);
		theirs[0] = 'c';
		cr_wait_go(f.go);
		_exit(theirs[1] == 'p' ? CR_OK : 91);
	}
	mine[1] = 'p';
	EXPECT_EQ(cr_refused(_metadata, &f, child, "mapped outside"), CR_OK);
	EXPECT_EQ(mine[0], 'c');
	munmap(mine, PAGE);
	close(memfd);
	cr_files_fini(&f);
}

#define CSUM_PAGES	1000	/* several CR_PAGES records, with holes */
#define CSUM_MARK	"cr-csum-mark"

/* The child's memory: a pattern, page 300 left zero, a mark on page 500. */
static int check_csum_pages(const unsigned char *mem)
{
	unsigned long i;

	for (i = 0; i < CSUM_PAGES * PAGE; i++) {
		unsigned char want = i / PAGE == 300 ? 0 : pattern(i, 7);

		if (i == 500 * PAGE)
			i += sizeof(CSUM_MARK) - 1;
		else if (mem[i] != want)
			return 20;
	}
	return memcmp(mem + 500 * PAGE, CSUM_MARK, sizeof(CSUM_MARK) - 1) ?
	       21 : CR_OK;
}

static pid_t csum_child(struct cr_files *f)
{
	pid_t child;

	unlink(f->go);		/* a child before it was let go */
	child = fork();

	if (!child) {
		unsigned char *mem;
		unsigned long i;

		cr_child_init();
		mem = mmap(NULL, CSUM_PAGES * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (i = 0; i < CSUM_PAGES * PAGE; i++)
			if (i / PAGE != 300)
				mem[i] = pattern(i, 7);
		memcpy(mem + 500 * PAGE, CSUM_MARK, sizeof(CSUM_MARK) - 1);
		cr_wait_go(f->go);
		_exit(check_csum_pages(mem));
	}
	return child;
}

/*
 * Flip one byte of the image at @off, or at the mark if @off < 0. The
 * image is read into memory unmapped again: the next child must not
 * inherit it, as it would a heap that malloc() keeps.
 */
static int flip_byte(int img, long off)
{
	size_t size = (CSUM_PAGES + 64) * PAGE;
	char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *mark;
	ssize_t len = buf != MAP_FAILED ? pread(img, buf, size, 0) : -1;
	int ret = -1;

	if (len > 0 && len < size && off < 0) {
		mark = memmem(buf, len, CSUM_MARK, sizeof(CSUM_MARK) - 1);
		off = mark ? mark - buf : -1;
	}
	if (len > 0 && len < size && off >= 0 && off < len) {
		buf[off] ^= 0x20;
		ret = pwrite(img, buf + off, 1, off) == 1 ? 0 : -1;
	}
	if (buf != MAP_FAILED)
		munmap(buf, size);
	return ret;
}

/*
 * Restart the image of csum_child() after flip_byte(@off): -1 if refused
 * for a checksum mismatch, else the restored child's exit status.
 */
static int restart_flipped(struct __test_metadata *_metadata,
			   struct cr_files *f, unsigned long flags, long off)
{
	pid_t child = csum_child(f);
	pid_t restored;
	int status;

	lseek(f->img, 0, SEEK_SET);
	if (ftruncate(f->img, 0) ||
	    cr_wait_child_ready(f->go, child, &status) ||
	    sys_checkpoint(child, f->img, CHECKPOINT_KILL | flags, f->logfd) ||
	    waitpid(child, NULL, 0) != child || flip_byte(f->img, off))
		return -2;
	lseek(f->img, 0, SEEK_SET);
	restored = sys_restart(0, f->img, 0, f->logfd);
	if (restored < 0)
		return strstr(cr_log(f), "checksum mismatch") ? -1 : -2;
	cr_go(f->go);
	return cr_wait_exit(restored);
}

/* Offset of CR_HEADER's release string: its header, then 40 bytes. */
#define RELEASE_OFF	(sizeof(struct cr_hdr) + 40)

TEST(page_checksum_catches_a_flipped_byte)
{
	struct cr_files f;
	pid_t child, restored;
	int status;

	cr_files_init(&f, "csum");
	/* Unchanged, the pages and their holes come back as they were. */
	child = csum_child(&f);
	ASSERT_EQ(cr_wait_child_ready(f.go, child, &status), 0);
	ASSERT_EQ(sys_checkpoint(child, f.img, CHECKPOINT_KILL |
				 CHECKPOINT_NO_PAGE_CSUM, f.logfd), 0);
	ASSERT_EQ(waitpid(child, NULL, 0), child);
	lseek(f.img, 0, SEEK_SET);
	restored = sys_restart(0, f.img, 0, f.logfd);
	ASSERT_GT(restored, 0) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(restored), CR_OK);

	/* A byte of a page: the checksum sees it, unless told not to. */
	EXPECT_EQ(restart_flipped(_metadata, &f, 0, -1), -1)
		TH_LOG("%s", cr_log(&f));
	EXPECT_EQ(restart_flipped(_metadata, &f, CHECKPOINT_NO_PAGE_CSUM, -1),
		  21) TH_LOG("%s", cr_log(&f));
	/* A byte of a record: the checksum sees it, told or not. */
	EXPECT_EQ(restart_flipped(_metadata, &f, 0, RELEASE_OFF), -1)
		TH_LOG("%s", cr_log(&f));
	EXPECT_EQ(restart_flipped(_metadata, &f, CHECKPOINT_NO_PAGE_CSUM,
				  RELEASE_OFF), -1) TH_LOG("%s", cr_log(&f));
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
