/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A chain of images - one taken with CHECKPOINT_TRACK, then images taken
 * with CHECKPOINT_INCREMENTAL, each adding to the one before it - merged
 * into the one image that restart() reads.
 *
 * Every image of the chain is read whole once and its checksum checked,
 * and each must name the one before it as its parent, or none: taken with
 * CHECKPOINT_INCREMENTAL of a tree that was not tracked, an image is whole
 * and those before it do not matter. Each image's memory pages are
 * indexed per mm, by address, where their data is: in that image, or for
 * the pages of a CR_PAGES_PARENT record, where the image before has them.
 * The last image is then written out with the pages of each mm as its
 * index has them, in records as long as the format allows: pages the
 * parent left out are zero and stay out.
 * The merged image's pages are out of its checksum (as with
 * CHECKPOINT_NO_PAGE_CSUM): they were checked in their own images.
 */
#ifndef CR_CHAIN_H
#define CR_CHAIN_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/checkpoint.h>

#define CR_PAGE		4096UL
/* The longest record but a CR_PAGES one: a CR_TREE of CR_TASKS_MAX. */
#define CR_REC_MAX	(16UL << 20)
#define CR_CHAIN_MAX	64

static uint32_t cr_crc_table[256];

static inline void cr_crc_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		for (c = i, k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78 & -(c & 1));
		cr_crc_table[i] = c;
	}
}

#ifdef __x86_64__
__attribute__((target("sse4.2")))
static inline uint32_t cr_crc32c_hw(uint32_t crc, const unsigned char *p, size_t len)
{
	uint64_t c = crc, w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
	}
	crc = c;
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}
#endif

/* The kernel's crc32c(): no inversion before or after. */
static inline uint32_t cr_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

#ifdef __x86_64__
	if (__builtin_cpu_supports("sse4.2"))
		return cr_crc32c_hw(crc, p, len);
#endif
	if (!cr_crc_table[1])
		cr_crc_init();
	while (len--)
		crc = (crc >> 8) ^ cr_crc_table[(crc ^ *p++) & 0xff];
	return crc;
}

/* Pages of an mm: nr at addr, whose data is at off in fd. */
struct cr_run {
	uint64_t	addr;
	uint32_t	nr;
	int		fd;
	off_t		off;
};

struct cr_mm_pages {
	uint32_t	objref;
	uint32_t	parent;		/* its objref in the image before */
	struct cr_run	*runs;		/* ascending */
	size_t		nr, alloc;
};

struct cr_link {
	const char		*path;
	int			fd;
	struct cr_header	h;
	struct cr_mm_pages	*mms;
	size_t			nr_mms;
};

static char cr_chain_why[512];

static inline int cr_chain_err(const struct cr_link *l, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	if (l)
		n = snprintf(cr_chain_why, sizeof(cr_chain_why), "%s: ",
			     l->path);
	va_start(ap, fmt);
	vsnprintf(cr_chain_why + n, sizeof(cr_chain_why) - n, fmt, ap);
	va_end(ap);
	return -1;
}

static inline int cr_add_run(struct cr_mm_pages *m, uint64_t addr,
			     uint32_t nr, int fd, off_t off)
{
	if (m->nr == m->alloc) {
		size_t alloc = m->alloc ? 2 * m->alloc : 64;
		struct cr_run *runs = realloc(m->runs, alloc * sizeof(*runs));

		if (!runs)
			return -1;
		m->runs = runs;
		m->alloc = alloc;
	}
	if (m->nr && addr < m->runs[m->nr - 1].addr +
			    m->runs[m->nr - 1].nr * CR_PAGE)
		return -1;	/* not ascending: no image writes that */
	m->runs[m->nr++] = (struct cr_run){ .addr = addr, .nr = nr, .fd = fd,
					   .off = off };
	return 0;
}

static inline struct cr_mm_pages *cr_find_mm(const struct cr_link *l, uint32_t objref)
{
	size_t i;

	for (i = 0; i < l->nr_mms; i++)
		if (l->mms[i].objref == objref)
			return &l->mms[i];
	return NULL;
}

/*
 * The pages of @m in [@addr, @addr + @nr pages) that hold data, as runs of
 * @out: those of @m's runs that overlap, cut to the range.
 */
static inline int cr_resolve(const struct cr_mm_pages *m, uint64_t addr,
			     uint32_t nr, struct cr_mm_pages *out)
{
	uint64_t end = addr + nr * CR_PAGE;
	size_t lo = 0, hi = m->nr;

	/* The first run that ends after addr. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->runs[mid].addr + m->runs[mid].nr * CR_PAGE <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->nr && m->runs[lo].addr < end; lo++) {
		const struct cr_run *r = &m->runs[lo];
		uint64_t from = r->addr > addr ? r->addr : addr;
		uint64_t to = r->addr + r->nr * CR_PAGE < end ?
			      r->addr + r->nr * CR_PAGE : end;

		if (cr_add_run(out, from, (to - from) / CR_PAGE, r->fd,
			       r->off + (from - r->addr)))
			return -1;
	}
	return 0;
}

static inline int cr_pread_all(int fd, void *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, off);

		if (n <= 0)
			return -1;
		buf = (char *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

/* Where a record's pages belong while an image is read. */
struct cr_scan {
	struct cr_mm_pages	*mm;	/* the mm whose pages come, or NULL */
	int			shm;	/* a shmem object's pages come */
};

/* A CR_PAGES record at @off of @l, its header and struct read. */
static inline int cr_scan_pages(struct cr_link *l,
				const struct cr_link *parent,
				struct cr_scan *sc, const struct cr_hdr *hdr,
				const struct cr_pages *p, off_t off)
{
	const struct cr_mm_pages *pm;

	if (p->nr > CR_PAGES_MAX || (p->flags & ~CR_PAGES_PARENT) ||
	    hdr->len != sizeof(*p) + (p->flags ? 0 : p->nr * CR_PAGE) ||
	    p->addr % CR_PAGE)
		return cr_chain_err(l, "bad page record at offset %lld",
				    (long long)off);
	if (!p->nr) {			/* the end of a list of pages */
		if (p->flags)
			return cr_chain_err(l, "bad page list end");
		if (sc->shm)
			sc->shm = 0;
		else
			sc->mm = NULL;
		return 0;
	}
	if (sc->shm || !sc->mm) {
		if (p->flags)
			return cr_chain_err(l, "pages of shared memory in the parent image");
		return 0;
	}
	if (!p->flags) {
		if (cr_add_run(sc->mm, p->addr, p->nr, l->fd,
			       off + sizeof(*hdr) + sizeof(*p)))
			return cr_chain_err(l, "pages out of order at %#llx",
					    (unsigned long long)p->addr);
		return 0;
	}
	pm = parent ? cr_find_mm(parent, sc->mm->parent) : NULL;
	if (!sc->mm->parent || !pm)
		return cr_chain_err(l, "pages at %#llx in a parent that has not their mm",
				    (unsigned long long)p->addr);
	if (cr_resolve(pm, p->addr, p->nr, sc->mm))
		return cr_chain_err(l, "pages out of order at %#llx",
				    (unsigned long long)p->addr);
	return 0;
}

/*
 * Read image @l whole: check it, and that it adds to @parent (NULL: it is
 * the first); index the pages of each of its mms. Returns 0, or -1 with
 * cr_chain_why said.
 */
static inline int cr_scan_image(struct cr_link *l, const struct cr_link *parent)
{
	struct cr_scan sc = {};
	off_t off = 0;
	uint32_t csum = 0;
	int csum_pages;
	char *buf;
	int ret = -1;

	buf = malloc(CR_REC_MAX);
	if (!buf)
		return cr_chain_err(l, "out of memory");
	if (cr_pread_all(l->fd, buf, sizeof(struct cr_hdr) + sizeof(l->h), 0) ||
	    ((struct cr_hdr *)buf)->type != CR_HEADER ||
	    ((struct cr_hdr *)buf)->len != sizeof(l->h)) {
		cr_chain_err(l, "not a checkpoint image of this format");
		goto out;
	}
	memcpy(&l->h, buf + sizeof(struct cr_hdr), sizeof(l->h));
	if (memcmp(l->h.magic, CR_MAGIC, CR_MAGIC_LEN) ||
	    l->h.version != CR_VERSION || l->h.page_size != CR_PAGE) {
		cr_chain_err(l, "not a checkpoint image of this format");
		goto out;
	}
	if (!parent && l->h.parent) {
		cr_chain_err(l, "an incremental image: its parent image must come before it");
		goto out;
	}
	if (parent && l->h.parent && l->h.parent != parent->h.id) {
		cr_chain_err(l, "does not add to %s, but to an image %#llx",
			     parent->path, (unsigned long long)l->h.parent);
		goto out;
	}
	csum_pages = !(l->h.flags & CHECKPOINT_NO_PAGE_CSUM);

	for (;;) {
		struct cr_hdr hdr;
		struct cr_pages p;
		size_t len;

		if (cr_pread_all(l->fd, &hdr, sizeof(hdr), off)) {
			cr_chain_err(l, "truncated at offset %lld", (long long)off);
			goto out;
		}
		if (hdr.type == CR_TRAILER) {
			struct cr_trailer t;

			if (hdr.len != sizeof(t) ||
			    cr_pread_all(l->fd, &t, sizeof(t), off + sizeof(hdr)) ||
			    t.csum != csum || t.size != (uint64_t)off) {
				cr_chain_err(l, "the image is corrupted (checksum mismatch)");
				goto out;
			}
			break;
		}
		if (hdr.type == CR_PAGES) {
			if (hdr.len < sizeof(p) ||
			    cr_pread_all(l->fd, &p, sizeof(p), off + sizeof(hdr))) {
				cr_chain_err(l, "bad page record at offset %lld",
					     (long long)off);
				goto out;
			}
			csum = cr_crc32c(csum, &hdr, sizeof(hdr));
			csum = cr_crc32c(csum, &p, sizeof(p));
			len = hdr.len - sizeof(p);
			if (len > CR_PAGES_MAX * CR_PAGE) {
				cr_chain_err(l, "bad page record at offset %lld",
					     (long long)off);
				goto out;
			}
			if (csum_pages) {
				if (cr_pread_all(l->fd, buf, len,
						 off + sizeof(hdr) + sizeof(p))) {
					cr_chain_err(l, "truncated at offset %lld",
						     (long long)off);
					goto out;
				}
				csum = cr_crc32c(csum, buf, len);
			}
			if (cr_scan_pages(l, parent, &sc, &hdr, &p, off))
				goto out;
			off += sizeof(hdr) + hdr.len;
			continue;
		}
		if (hdr.len > CR_REC_MAX || hdr.type >= CR_TYPE_MAX ||
		    cr_pread_all(l->fd, buf, hdr.len, off + sizeof(hdr))) {
			cr_chain_err(l, "bad record at offset %lld", (long long)off);
			goto out;
		}
		csum = cr_crc32c(csum, &hdr, sizeof(hdr));
		csum = cr_crc32c(csum, buf, hdr.len);
		if (hdr.type == CR_MM) {
			const struct cr_mm *mm = (const void *)buf;
			struct cr_mm_pages *m = NULL;

			if (hdr.len >= sizeof(*mm) && (parent || !mm->parent) &&
			    !sc.mm)
				m = realloc(l->mms, (l->nr_mms + 1) * sizeof(*m));
			if (!m) {
				cr_chain_err(l, "bad mm record at offset %lld",
					     (long long)off);
				goto out;
			}
			l->mms = m;
			sc.mm = &m[l->nr_mms++];
			*sc.mm = (struct cr_mm_pages){ .objref = mm->objref,
							.parent = mm->parent };
		} else if (hdr.type == CR_SHMEM || hdr.type == CR_SYSV_SHM) {
			sc.shm = 1;
		}
		off += sizeof(hdr) + hdr.len;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

/* The merged image as it is written out, and its checksum. */
struct cr_out {
	int		fd;
	uint32_t	csum;
	uint64_t	size;
};

static inline int cr_write_all(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			return -1;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}

/* A record's bytes, in the checksum. */
static inline int cr_out_rec(struct cr_out *o, const void *buf, size_t len)
{
	o->csum = cr_crc32c(o->csum, buf, len);
	o->size += len;
	return cr_write_all(o->fd, buf, len);
}

/* @len bytes of page data at @off in @fd, out of the checksum. */
static inline int cr_out_data(struct cr_out *o, int fd, off_t off, size_t len)
{
	static char buf[CR_PAGES_MAX * CR_PAGE];

	o->size += len;
	while (len) {
		ssize_t n = splice(fd, &off, o->fd, NULL, len, SPLICE_F_MOVE);

		if (n < 0 && errno == EINVAL) {	/* not a pipe */
			n = len < sizeof(buf) ? len : sizeof(buf);
			if (cr_pread_all(fd, buf, n, off) ||
			    cr_write_all(o->fd, buf, n))
				return -1;
			off += n;
		} else if (n <= 0) {
			return -1;
		}
		len -= n;
	}
	return 0;
}

/* The ends of an mm's VMAs, ascending, as its CR_VMA records give them. */
struct cr_vma_ends {
	uint64_t	*end;
	size_t		nr, alloc;
};

/* The end of the VMA that holds @addr, or @addr if none does. */
static inline uint64_t cr_vma_end(const struct cr_vma_ends *v, uint64_t addr)
{
	size_t i;

	for (i = 0; i < v->nr; i++)
		if (v->end[i] > addr)
			return v->end[i];
	return addr;
}

/*
 * The pages of @m, as CR_PAGES records of up to CR_PAGES_MAX pages of
 * consecutive addresses in one VMA of @v each, whatever images their data
 * comes from.
 */
static inline int cr_out_mm_pages(struct cr_out *o,
				  const struct cr_mm_pages *m,
				  const struct cr_vma_ends *v)
{
	uint32_t done = 0;	/* pages of runs[i] written */
	size_t i = 0;

	while (i < m->nr) {
		struct cr_pages p = { .addr = m->runs[i].addr + done * CR_PAGE };
		struct cr_hdr hdr = { .type = CR_PAGES };
		uint64_t next = p.addr, end = cr_vma_end(v, p.addr);
		uint32_t d = done, left;
		size_t j = i;

		while (j < m->nr && p.nr < CR_PAGES_MAX &&
		       m->runs[j].addr + d * CR_PAGE == next) {
			uint32_t take = m->runs[j].nr - d;

			if (take > CR_PAGES_MAX - p.nr)
				take = CR_PAGES_MAX - p.nr;
			if (take > (end - next) / CR_PAGE)
				take = (end - next) / CR_PAGE;
			if (!take)
				break;
			p.nr += take;
			next += take * CR_PAGE;
			d += take;
			if (d == m->runs[j].nr) {
				j++;
				d = 0;
			}
		}
		if (!p.nr)	/* pages outside any VMA: no image has them */
			return -1;
		hdr.len = sizeof(p) + p.nr * CR_PAGE;
		if (cr_out_rec(o, &hdr, sizeof(hdr)) ||
		    cr_out_rec(o, &p, sizeof(p)))
			return -1;
		for (left = p.nr; left; ) {
			const struct cr_run *r = &m->runs[i];
			uint32_t take = r->nr - done < left ? r->nr - done : left;

			if (cr_out_data(o, r->fd, r->off + done * CR_PAGE,
					take * CR_PAGE))
				return -1;
			left -= take;
			done += take;
			if (done == r->nr) {
				i++;
				done = 0;
			}
		}
	}
	return 0;
}

/*
 * Write the last image @l, scanned, to @o: the pages of each mm as its
 * index has them, from whichever image holds them.
 */
static inline int cr_out_image(struct cr_out *o, const struct cr_link *l)
{
	const struct cr_mm_pages *m = NULL;
	struct cr_vma_ends v = {};
	int shm = 0, pages_out = 0;
	off_t off = 0;
	char *buf;
	int ret = -1;

	buf = malloc(CR_REC_MAX);
	if (!buf)
		return cr_chain_err(NULL, "out of memory");
	for (;;) {
		struct cr_hdr hdr;
		struct cr_pages *p = (void *)buf;

		/* As scanned, unless the file changed since. */
		if (cr_pread_all(l->fd, &hdr, sizeof(hdr), off) ||
		    hdr.len > CR_REC_MAX ||
		    (hdr.type == CR_PAGES && hdr.len < sizeof(*p)) ||
		    (hdr.type != CR_PAGES &&
		     cr_pread_all(l->fd, buf, hdr.len, off + sizeof(hdr))))
			goto io;
		if (hdr.type == CR_TRAILER) {
			struct cr_trailer t = { .csum = o->csum, .size = o->size };

			if (cr_out_rec(o, &hdr, sizeof(hdr)) ||
			    cr_write_all(o->fd, &t, sizeof(t)))
				goto io;
			ret = 0;
			goto out;
		}
		if (hdr.type == CR_PAGES) {
			if (cr_pread_all(l->fd, p, sizeof(*p), off + sizeof(hdr)))
				goto io;
			if (!m || shm) {		/* shared memory's */
				if (!p->nr)
					shm = 0;
				if (cr_out_rec(o, &hdr, sizeof(hdr)) ||
				    cr_out_rec(o, p, sizeof(*p)) ||
				    cr_out_data(o, l->fd, off + sizeof(hdr) + sizeof(*p),
						hdr.len - sizeof(*p)))
					goto io;
			} else if (!p->nr) {		/* the end of the mm's */
				if ((!pages_out && cr_out_mm_pages(o, m, &v)) ||
				    cr_out_rec(o, &hdr, sizeof(hdr)) ||
				    cr_out_rec(o, p, sizeof(*p)))
					goto io;
				m = NULL;
			} else if (!pages_out) {
				if (cr_out_mm_pages(o, m, &v))
					goto io;
				pages_out = 1;
			}
			off += sizeof(hdr) + hdr.len;
			continue;
		}
		if (hdr.type == CR_HEADER) {
			struct cr_header *h = (void *)buf;

			h->flags |= CHECKPOINT_NO_PAGE_CSUM;
			h->flags &= ~CHECKPOINT_INCREMENTAL;
			h->parent = 0;
		} else if (hdr.type == CR_MM) {
			struct cr_mm *mm = (void *)buf;

			m = cr_find_mm(l, mm->objref);
			pages_out = 0;
			v.nr = 0;
			mm->parent = 0;
		} else if (hdr.type == CR_VMA && hdr.len >= sizeof(struct cr_vma)) {
			if (v.nr == v.alloc) {
				size_t alloc = v.alloc ? 2 * v.alloc : 64;
				uint64_t *end = realloc(v.end, alloc * sizeof(*end));

				if (!end)
					goto io;
				v.end = end;
				v.alloc = alloc;
			}
			v.end[v.nr++] = ((struct cr_vma *)buf)->end;
		} else if (hdr.type == CR_SHMEM || hdr.type == CR_SYSV_SHM) {
			shm = 1;
		}
		if (cr_out_rec(o, &hdr, sizeof(hdr)) ||
		    cr_out_rec(o, buf, hdr.len))
			goto io;
		off += sizeof(hdr) + hdr.len;
	}
io:
	cr_chain_err(NULL, "writing the merged image: %s",
		     errno ? strerror(errno) : "short read");
out:
	free(v.end);
	free(buf);
	return ret;
}

static inline void cr_chain_free(struct cr_link *chain, int n)
{
	int i;
	size_t j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < chain[i].nr_mms; j++)
			free(chain[i].mms[j].runs);
		free(chain[i].mms);
		if (chain[i].fd >= 0)
			close(chain[i].fd);
	}
	free(chain);
}

/**
 * cr_merge() - Write the images @paths[0..@n), oldest first, merged to @fd.
 *
 * Returns 0, or -1 with the reason in cr_chain_why. A pipe is filled with
 * splice(), without copying the pages.
 */
static inline int cr_merge(int fd, const char *const *paths, int n)
{
	struct cr_out o = { .fd = fd };
	struct cr_link *chain;
	int i, ret = -1;

	if (n < 1 || n > CR_CHAIN_MAX)
		return cr_chain_err(NULL, "a chain has 1 to %d images",
				    CR_CHAIN_MAX);
	chain = calloc(n, sizeof(*chain));
	if (!chain)
		return cr_chain_err(NULL, "out of memory");
	for (i = 0; i < n; i++)
		chain[i].fd = -1;
	for (i = 0; i < n; i++) {
		chain[i].path = paths[i];
		chain[i].fd = open(paths[i], O_RDONLY);
		if (chain[i].fd < 0) {
			cr_chain_err(&chain[i], "%s", strerror(errno));
			goto out;
		}
		if (cr_scan_image(&chain[i], i ? &chain[i - 1] : NULL))
			goto out;
	}
	/* A pipe as big as may be: fewer wakeups of its reader. */
	if (fcntl(fd, F_SETPIPE_SZ, 4 << 20) < 0)
		fcntl(fd, F_SETPIPE_SZ, 1 << 20);
	errno = 0;
	ret = cr_out_image(&o, &chain[n - 1]);
out:
	cr_chain_free(chain, n);
	return ret;
}

#endif /* CR_CHAIN_H */
