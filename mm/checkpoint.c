// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of an address space, and of shared memory.
 *
 * checkpoint() writes the mm's layout fields, its VMAs, and the anonymous
 * pages present in its private mappings - those the task has written, or
 * copied on write - found by walking the page tables, so that nothing is
 * faulted in and the target's memory is not disturbed. All-zero pages are
 * left out. Pages of a private file mapping that were never written come
 * back from the file, which therefore must not change before restart.
 * The pages of a shared file mapping stay in the file.
 *
 * Shared anonymous memory and memfds live in unnamed shmem files: each
 * such file is written once, as an object with the pages that hold data,
 * and made anew at restart for every mapping and open file of it. All of
 * its mappings must be in the image, or the restored tasks would stop
 * sharing it with the others. A VMA of SysV shared memory maps the file
 * shmat() made, an object of ipc/checkpoint.c written after the
 * CR_MM.
 *
 * restart() gives the new task a fresh mm, as execve() does, maps each VMA
 * at its address with vm_mmap(MAP_FIXED_NOREPLACE) - so the image cannot
 * overlap mappings or map beyond what mmap() allows - and writes the saved
 * pages through get_user_pages(FOLL_FORCE), as ptrace writes a read-only
 * page.
 */
#include <linux/binfmts.h>
#include <linux/checkpoint.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagewalk.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/shm.h>
#include <linux/shmem_fs.h>
#include <linux/memfd.h>
#include <linux/slab.h>
#include <linux/swapops.h>

#define CR_VM_FLAGS	(VM_READ | VM_WRITE | VM_EXEC | VM_MAYREAD | \
			 VM_MAYWRITE | VM_MAYEXEC | VM_GROWSDOWN | \
			 VM_ACCOUNT | VM_NORESERVE | VM_SOFTDIRTY | \
			 VM_DONTCOPY | VM_WIPEONFORK | VM_DONTDUMP | \
			 VM_LOCKED | VM_LOCKONFAULT | VM_SHARED | VM_MAYSHARE)

/* The seals a memfd can have, as F_GET_SEALS tells them. */
#define CR_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)

/* The madvise() flags of a VMA, and how restart sets them again. */
static const struct {
	unsigned long	vm_flag;
	u32		cr_flag;
	int		advice;
} cr_vma_advice[] = {
	{ VM_DONTCOPY, CR_VMA_DONTFORK, MADV_DONTFORK },
	{ VM_WIPEONFORK, CR_VMA_WIPEONFORK, MADV_WIPEONFORK },
	{ VM_DONTDUMP, CR_VMA_DONTDUMP, MADV_DONTDUMP },
};

#define CR_VMA_FLAGS	(CR_VMA_GROWSDOWN | CR_VMA_NORESERVE | \
			 CR_VMA_DONTFORK | CR_VMA_WIPEONFORK | CR_VMA_DONTDUMP | \
			 CR_VMA_LOCKED | CR_VMA_LOCKONFAULT | CR_VMA_SHARED | \
			 CR_VMA_SYSV_SHM)

struct cr_mm_snap {
	struct cr_mm		rec;
	u64			auxv[AT_VECTOR_SIZE];
	struct cr_vma		*vmas;
	bool			*vmas_new;	/* VM_SOFTDIRTY: new since */
	struct file		**files;	/* of each VMA, or NULL */
	struct file		*exe_file;
};

static const char *cr_vma_unsupported(struct vm_area_struct *vma)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP | VM_HUGETLB))
		return "a device or hugetlb mapping";
	if ((vma->vm_flags & VM_MAYSHARE) &&
	    (!vma->vm_file || !S_ISREG(file_inode(vma->vm_file)->i_mode)))
		return "a shared mapping of a device";
	/* restart() seals the memfd before it maps it again */
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE) &&
	    shmem_file(vma->vm_file) &&
	    (SHMEM_I(file_inode(vma->vm_file))->seals & F_SEAL_FUTURE_WRITE))
		return "a writable mapping of a memfd sealed against writes";
	if (vma->vm_flags & ~CR_VM_FLAGS)
		return "a mapping with madvise() or other flags c/r does not support";
	if (!vma->vm_file && !vma_is_anonymous(vma))
		return "a special mapping";
	return NULL;
}

/* Snapshot the mm under its lock, to write it without the lock. */
static int cr_snap_mm(struct cr_ctx *ctx, struct task_struct *t,
		      struct mm_struct *mm, struct cr_mm_snap *s)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	unsigned int n = 0, i;
	int err = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	if (mm->def_flags & (VM_LOCKED | VM_LOCKONFAULT)) {
		err = cr_err(ctx, -EOPNOTSUPP,
			     "pid %d used mlockall(MCL_FUTURE) (not supported)",
			     task_pid_vnr(t));
		goto out;
	}
	s->vmas = kvcalloc(mm->map_count, sizeof(*s->vmas), GFP_KERNEL);
	s->vmas_new = kvcalloc(mm->map_count, sizeof(*s->vmas_new), GFP_KERNEL);
	s->files = kvcalloc(mm->map_count, sizeof(*s->files), GFP_KERNEL);
	if (!s->vmas || !s->vmas_new || !s->files) {
		err = -ENOMEM;
		goto out;
	}
	for_each_vma(vmi, vma) {
		struct cr_vma *v = &s->vmas[n];
		const char *why;
		bool text;

		if (cr_arch_vma_is_vdso(vma, &text)) {
			if (text)
				s->rec.vdso = vma->vm_start;
			continue;
		}
		why = cr_vma_unsupported(vma);
		if (why) {
			err = cr_err(ctx, -EOPNOTSUPP,
				     "pid %d has %s at %#lx (flags %#lx; not supported)",
				     task_pid_vnr(t), why, vma->vm_start,
				     vma->vm_flags);
			break;
		}
		v->start = vma->vm_start;
		v->end = vma->vm_end;
		v->prot = (vma->vm_flags & VM_READ ? PROT_READ : 0) |
			  (vma->vm_flags & VM_WRITE ? PROT_WRITE : 0) |
			  (vma->vm_flags & VM_EXEC ? PROT_EXEC : 0);
		v->flags = (vma->vm_flags & VM_GROWSDOWN ? CR_VMA_GROWSDOWN : 0) |
			   (vma->vm_flags & VM_NORESERVE ? CR_VMA_NORESERVE : 0) |
			   (vma->vm_flags & VM_MAYSHARE ? CR_VMA_SHARED : 0);
		for (i = 0; i < ARRAY_SIZE(cr_vma_advice); i++)
			if (vma->vm_flags & cr_vma_advice[i].vm_flag)
				v->flags |= cr_vma_advice[i].cr_flag;
		if (vma->vm_flags & VM_LOCKED)
			v->flags |= CR_VMA_LOCKED;
		if (vma->vm_flags & VM_LOCKONFAULT)
			v->flags |= CR_VMA_LOCKONFAULT;
		s->vmas_new[n] = vma->vm_flags & VM_SOFTDIRTY;
		if (vma->vm_file) {
			v->pgoff = vma->vm_pgoff;
			s->files[n] = get_file(vma->vm_file);
			if (cr_is_shm_file(vma->vm_file))
				v->flags |= CR_VMA_SYSV_SHM;
		}
		n++;
	}
	s->rec.nr_vmas = n;
	s->rec.start_code = mm->start_code;
	s->rec.end_code = mm->end_code;
	s->rec.start_data = mm->start_data;
	s->rec.end_data = mm->end_data;
	s->rec.start_brk = mm->start_brk;
	s->rec.brk = mm->brk;
	s->rec.start_stack = mm->start_stack;
	s->rec.dumpable = get_dumpable(mm);
	spin_lock(&mm->arg_lock);
	s->rec.arg_start = mm->arg_start;
	s->rec.arg_end = mm->arg_end;
	s->rec.env_start = mm->env_start;
	s->rec.env_end = mm->env_end;
	spin_unlock(&mm->arg_lock);

	/* saved_auxv up to and with its AT_NULL entry */
	for (i = 0; i + 1 < ARRAY_SIZE(s->auxv); i += 2) {
		s->auxv[i] = mm->saved_auxv[i];
		s->auxv[i + 1] = mm->saved_auxv[i + 1];
		if (!mm->saved_auxv[i])
			break;
	}
	s->rec.nr_auxv = min_t(u32, i + 2, ARRAY_SIZE(s->auxv));
out:
	mmap_read_unlock(mm);
	if (!err)
		s->exe_file = get_mm_exe_file(mm);
	return err;
}

static void cr_put_snap(struct cr_mm_snap *s)
{
	unsigned int i;

	for (i = 0; s->files && i < s->rec.nr_vmas; i++)
		if (s->files[i])
			fput(s->files[i]);
	if (s->exe_file)
		fput(s->exe_file);
	kvfree(s->files);
	kvfree(s->vmas_new);
	kvfree(s->vmas);
}

static bool cr_page_is_zero(struct page *page)
{
	void *kaddr = kmap_local_page(page);
	bool zero = !memchr_inv(kaddr, 0, PAGE_SIZE);

	kunmap_local(kaddr);
	return zero;
}

/* The private pages of one chunk of a VMA, as the page tables show them. */
struct cr_walk {
	unsigned long	start;
	struct page	**pages;		/* held, or NULL */
	bool		changes;		/* only those written since */
	DECLARE_BITMAP(swapped, CR_PAGES_MAX);	/* for get_user_pages() */
	DECLARE_BITMAP(parent, CR_PAGES_MAX);	/* as in the parent image */
};

#ifdef CONFIG_CHECKPOINT_INCREMENTAL
/*
 * Incremental checkpoints. The soft-dirty bit of a page table entry is set
 * when its page is written, or mapped anew; so is VM_SOFTDIRTY on a new
 * VMA. An image taken with CHECKPOINT_TRACK clears both as it walks each
 * chunk of pages, with the mmap lock held for writing, so that no write by
 * another process (process_vm_writev(), ptrace) falls between the walk and
 * the clearing; it names itself in the mm as it starts (mm->cr_image), and
 * gives the mm's objref once all its pages are walked (mm->cr_objref).
 *
 * An image with CHECKPOINT_INCREMENTAL whose parent is that image writes
 * of such an mm only the pages whose bit is set, and names the others, as
 * present and unchanged, in CR_PAGES_PARENT records. Anything else - an mm
 * made since by fork() or execve(), one whose bits /proc/pid/clear_refs
 * cleared, which forgets the image, one tracked for another image - is
 * written whole. So is a VMA new since, or grown (brk(), an mmap() merged
 * with it): a page of it may have been made writable without a fault, and
 * written without its bit set. Shared memory is always written whole: its
 * pages can be written through write() as well, which no page table sees.
 */

/* Is the page of @ptent, in a VMA that is not new, as the parent has it? */
static bool cr_pte_unchanged(const struct cr_walk *w, pte_t ptent)
{
	if (!w->changes)
		return false;
	if (pte_present(ptent))
		return !pte_soft_dirty(ptent);
	return !pte_swp_soft_dirty(ptent) && !is_pte_marker(ptent);
}

/* With CHECKPOINT_INCREMENTAL: the image the tree's first mm is tracked for. */
static int cr_find_parent(struct cr_ctx *ctx)
{
	struct mm_struct *mm = NULL;
	unsigned int i;

	for (i = 0; !mm && i < ctx->nr_tasks; i++)
		mm = get_task_mm(ctx->tasks[i]->task);
	if (!mm)
		return 0;
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	if (mm->cr_objref)
		ctx->parent = mm->cr_image;
	mmap_read_unlock(mm);
	mmput(mm);
	return 0;
}

/**
 * cr_track_start() - Find the image an incremental image adds to.
 * @ctx: A checkpoint context, its tree parked.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_track_start(struct cr_ctx *ctx)
{
	if ((ctx->flags & CHECKPOINT_TRACK) && (ctx->flags & CHECKPOINT_KILL))
		return cr_err(ctx, -EINVAL,
			      "CHECKPOINT_TRACK is for a tree that goes on running, not with CHECKPOINT_KILL");
	return ctx->flags & CHECKPOINT_INCREMENTAL ? cr_find_parent(ctx) : 0;
}

/*
 * Before the pages of @mm, whose CR_MM is @rec: does the image hold only
 * its changes since the parent? If it is to be tracked, name the image in
 * it; its objref comes once its pages are walked.
 */
static int cr_track_mm(struct cr_ctx *ctx, struct mm_struct *mm,
		       struct cr_mm *rec)
{
	if (!ctx->parent && !(ctx->flags & CHECKPOINT_TRACK))
		return 0;
	if (mmap_write_lock_killable(mm))
		return -EINTR;
	if (ctx->parent && mm->cr_image == ctx->parent && mm->cr_objref)
		rec->parent = mm->cr_objref;
	if (ctx->flags & CHECKPOINT_TRACK) {
		mm->cr_image = ctx->id;
		mm->cr_objref = 0;
	}
	mmap_write_unlock(mm);
	return 0;
}

/*
 * After the pages of @mm: if its bits were cleared meanwhile, the image
 * misses what was written before; if tracked, the mm is from now on.
 */
static int cr_track_mm_done(struct cr_ctx *ctx, struct mm_struct *mm,
			    const struct cr_mm *rec)
{
	bool track = ctx->flags & CHECKPOINT_TRACK;
	bool cleared;

	if (!track && !rec->parent)
		return 0;
	if (mmap_write_lock_killable(mm))
		return -EINTR;
	cleared = mm->cr_image != (track ? ctx->id : ctx->parent);
	if (track && !cleared)
		mm->cr_objref = rec->objref;
	mmap_write_unlock(mm);
	if (cleared && rec->parent)
		return cr_err(ctx, -EAGAIN,
			      "the soft-dirty bits of an mm were cleared while it was saved (/proc/pid/clear_refs)");
	return 0;
}

/* Write-lock @mm if the soft-dirty bits of the pages walked are cleared. */
static int cr_walk_lock(struct cr_ctx *ctx, struct mm_struct *mm)
{
	if (ctx->flags & CHECKPOINT_TRACK)
		return mmap_write_lock_killable(mm);
	return mmap_read_lock_killable(mm);
}

static void cr_walk_unlock(struct cr_ctx *ctx, struct mm_struct *mm,
			   unsigned long start, unsigned long end)
{
	if (ctx->flags & CHECKPOINT_TRACK) {
		clear_soft_dirty_range(mm, start, end);
		mmap_write_unlock(mm);
	} else {
		mmap_read_unlock(mm);
	}
}

/**
 * cr_track_end() - Forget a tracking image that failed.
 * @ctx: A checkpoint context.
 * @err: How it ended.
 *
 * Context: Process context, the checkpointer; may sleep.
 */
void cr_track_end(struct cr_ctx *ctx, int err)
{
	unsigned int i;

	if (!err || !(ctx->flags & CHECKPOINT_TRACK) || !ctx->id)
		return;
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct mm_struct *mm = get_task_mm(ctx->tasks[i]->task);

		if (!mm)
			continue;
		mmap_write_lock(mm);
		if (mm->cr_image == ctx->id)
			mm_forget_checkpoint(mm);
		mmap_write_unlock(mm);
		mmput(mm);
	}
}
#else
static bool cr_pte_unchanged(const struct cr_walk *w, pte_t ptent)
{
	return false;
}

static int cr_track_mm(struct cr_ctx *ctx, struct mm_struct *mm,
		       struct cr_mm *rec)
{
	return 0;
}

static int cr_track_mm_done(struct cr_ctx *ctx, struct mm_struct *mm,
			    const struct cr_mm *rec)
{
	return 0;
}

static int cr_walk_lock(struct cr_ctx *ctx, struct mm_struct *mm)
{
	return mmap_read_lock_killable(mm);
}

static void cr_walk_unlock(struct cr_ctx *ctx, struct mm_struct *mm,
			   unsigned long start, unsigned long end)
{
	mmap_read_unlock(mm);
}
#endif /* CONFIG_CHECKPOINT_INCREMENTAL */

static int cr_pte_entry(pte_t *pte, unsigned long addr, unsigned long next,
			struct mm_walk *walk)
{
	struct cr_walk *w = walk->private;
	unsigned int i = (addr - w->start) >> PAGE_SHIFT;
	pte_t ptent = ptep_get(pte);
	struct page *page;

	if (pte_none(ptent))
		return 0;
	/* Mapped, under the page table lock: it has a reference to take. */
	if (pte_present(ptent)) {
		page = vm_normal_page(walk->vma, addr, ptent);
		if (!page || !PageAnon(page))
			return 0;
		if (cr_pte_unchanged(w, ptent))
			__set_bit(i, w->parent);
		else if (get_page_unless_zero(page))
			w->pages[i] = page;
		return 0;
	}
	/* Swapped out, say: get_user_pages() brings it in, and decides. */
	if (cr_pte_unchanged(w, ptent))
		__set_bit(i, w->parent);
	else
		__set_bit(i, w->swapped);
	return 0;
}

static const struct mm_walk_ops cr_walk_ops = {
	.pte_entry	= cr_pte_entry,
	.walk_lock	= PGWALK_RDLOCK,
};

/* A CR_PAGES record of @nr pages; @private as for cr_write_pages(). */
static int cr_write_run(struct cr_ctx *ctx, unsigned long addr,
			struct page **pages, unsigned int nr, bool private)
{
	struct cr_pages rec = { .addr = addr, .nr = nr };
	struct cr_hdr hdr = {
		.type = CR_PAGES,
		.len = sizeof(rec) + nr * PAGE_SIZE,
	};

	return cr_write(ctx, &hdr, sizeof(hdr)) ?:
	       cr_write(ctx, &rec, sizeof(rec)) ?:
	       cr_write_pages(ctx, pages, nr, private);
}

/* @nr pages at @addr, as the parent image has them. */
static int cr_write_parent_run(struct cr_ctx *ctx, unsigned long addr,
			       unsigned int nr)
{
	struct cr_pages rec = {
		.addr = addr,
		.nr = nr,
		.flags = CR_PAGES_PARENT,
	};

	return cr_write_rec(ctx, CR_PAGES, &rec, sizeof(rec), NULL, 0);
}

/*
 * Hold the pages of [addr, next) in @w, and leave out those all zero that
 * restart finds zero anyway: those of an anonymous VMA (@anon), not of a
 * private file mapping, whose pages not written come back from the file.
 */
static int cr_walk_chunk(struct cr_ctx *ctx, struct mm_struct *mm,
			 struct cr_walk *w, unsigned long next, bool anon)
{
	unsigned int i, nr = (next - w->start) >> PAGE_SHIFT;
	struct page **pages = w->pages;
	int err;

	memset(pages, 0, nr * sizeof(*pages));
	bitmap_zero(w->swapped, CR_PAGES_MAX);
	bitmap_zero(w->parent, CR_PAGES_MAX);
	if (cr_walk_lock(ctx, mm))
		return -EINTR;
	err = walk_page_range(mm, w->start, next, &cr_walk_ops, w);
	for_each_set_bit(i, w->swapped, nr)
		if (get_user_pages_remote(mm, w->start + i * PAGE_SIZE, 1,
					  FOLL_FORCE, &pages[i], NULL) != 1)
			pages[i] = NULL;
	cr_walk_unlock(ctx, mm, w->start, next);

	for (i = 0; i < nr; i++) {
		if (pages[i] && (!PageAnon(pages[i]) ||
				 (anon && cr_page_is_zero(pages[i])))) {
			put_page(pages[i]);
			pages[i] = NULL;
		}
	}
	return err;
}

/*
 * Write the private pages of [start, end) that hold data, or with
 * @w->changes, those written since the parent image and where the others
 * are: CR_PAGES_MAX at a time, one walk of the page tables finds and holds
 * them, one record per run of them.
 */
static int cr_write_vma_pages(struct cr_ctx *ctx, struct mm_struct *mm,
			      const struct cr_vma *v, bool anon,
			      struct cr_walk *w)
{
	struct page **pages = w->pages;
	unsigned long next;
	int err = 0;

	for (w->start = v->start; !err && w->start < v->end; w->start = next) {
		unsigned long addr = w->start;
		unsigned int i, j, nr;

		next = min_t(unsigned long, v->end, addr + CR_PAGES_MAX * PAGE_SIZE);
		nr = (next - addr) >> PAGE_SHIFT;
		err = cr_walk_chunk(ctx, mm, w, next, anon);
		for (i = 0; !err && i < nr; i = j) {
			bool parent = test_bit(i, w->parent);

			for (j = i + 1; j < nr; j++)
				if (test_bit(j, w->parent) != parent ||
				    !pages[j] != !pages[i])
					break;
			if (parent)
				err = cr_write_parent_run(ctx, addr + i * PAGE_SIZE,
							  j - i);
			else if (pages[i])
				err = cr_write_run(ctx, addr + i * PAGE_SIZE,
						   &pages[i], j - i, true);
		}
		for (i = 0; i < nr; i++)
			if (pages[i])
				put_page(pages[i]);
		cond_resched();
	}
	return err;
}

/* checkpoint: a shmem object in the image, and how many of its VMAs are. */
struct cr_shmem_seen {
	struct list_head	list;
	struct inode		*inode;
	unsigned long		nr_vmas;
};

/**
 * cr_shmem_kind - what c/r makes of an unnamed shmem file
 * @file: the file
 *
 * Return: CR_SHMEM_MEMFD for a memfd, CR_SHMEM_ANON for the file behind a
 * shared anonymous mapping, 0 for any other file - SysV shared memory,
 * whose file is a wrapper, among them.
 */
u32 cr_shmem_kind(struct file *file)
{
	const char *name = file->f_path.dentry->d_name.name;

	if (!shmem_file(file) || !IS_ROOT(file->f_path.dentry) ||
	    file->f_op != file_inode(file)->i_fop)
		return 0;
	if (!strncmp(name, "memfd:", strlen("memfd:")))
		return CR_SHMEM_MEMFD;
	if (!strcmp(name, "dev/zero"))
		return CR_SHMEM_ANON;
	return 0;
}

/* Page @index of shmem @inode in *@page, or NULL for a hole or zeroes. */
static int cr_shmem_page(struct inode *inode, pgoff_t index,
			 struct page **page)
{
	struct folio *folio;
	int err;

	*page = NULL;
	err = shmem_get_folio(inode, index, 0, &folio, SGP_READ);
	if (err)
		return err == -EINVAL ? 0 : err;	/* truncated meanwhile */
	if (!folio)
		return 0;
	folio_unlock(folio);
	*page = folio_file_page(folio, index);
	if (cr_page_is_zero(*page)) {
		folio_put(folio);
		*page = NULL;
	}
	return 0;
}

/**
 * cr_write_shmem_pages() - Write the pages of a shmem inode that hold data.
 * @ctx: A checkpoint context.
 * @inode: The inode.
 * @size: Its size.
 *
 * Swapped out or not, at their offsets.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or a negative errno.
 */
int cr_write_shmem_pages(struct cr_ctx *ctx, struct inode *inode, loff_t size)
{
	pgoff_t index = 0, end = DIV_ROUND_UP(size, PAGE_SIZE);
	struct cr_pages last = {};
	struct page **pages;
	unsigned int n, i;
	int err = 0;

	pages = kmalloc_array(CR_PAGES_MAX, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	while (!err && index < end) {
		loff_t pos = mapping_seek_hole_data(inode->i_mapping,
						    (loff_t)index << PAGE_SHIFT,
						    size, SEEK_DATA);

		if (pos < 0)
			break;		/* no data after index */
		index = pos >> PAGE_SHIFT;
		for (n = 0; n < CR_PAGES_MAX && index + n < end; n++) {
			err = cr_shmem_page(inode, index + n, &pages[n]);
			if (err || !pages[n])
				break;
		}
		if (!err && n)
			err = cr_write_run(ctx, (u64)index << PAGE_SHIFT,
					   pages, n, false);
		for (i = 0; i < n; i++)
			put_page(pages[i]);
		/* Past the run, and the hole or zero page that ended it. */
		index += n + (n < CR_PAGES_MAX);
		cond_resched();
	}
	kfree(pages);
	return err ?: cr_write_rec(ctx, CR_PAGES, &last, sizeof(last), NULL, 0);
}

/**
 * cr_write_shmem - write the memory behind a memfd or shared anonymous memory
 * @ctx: checkpoint context
 * @file: a file of it, of a kind cr_shmem_kind() knows
 * @objref: its objref, for the CR_FILE
 *
 * The memory is written once, the first time one of its files is.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_write_shmem(struct cr_ctx *ctx, struct file *file, u32 *objref)
{
	struct inode *inode = file_inode(file);
	struct cr_shmem rec = { .kind = cr_shmem_kind(file) };
	const char *name = file->f_path.dentry->d_name.name;
	struct cr_shmem_seen *seen;
	int err;

	*objref = cr_obj_lookup(ctx, inode);
	if (*objref)
		return 0;
	seen = kzalloc(sizeof(*seen), GFP_KERNEL);
	if (!seen)
		return -ENOMEM;
	seen->inode = inode;
	list_add_tail(&seen->list, &ctx->shmems);

	if (rec.kind == CR_SHMEM_MEMFD) {
		name += strlen("memfd:");
		rec.name_len = strlen(name) + 1;
	}
	inode_lock_shared(inode);
	rec.flags = SHMEM_I(inode)->flags & VM_NORESERVE ? CR_SHMEM_NORESERVE : 0;
	rec.seals = SHMEM_I(inode)->seals;
	rec.mode = inode->i_mode;
	rec.size = i_size_read(inode);
	inode_unlock_shared(inode);
	err = cr_obj_add(ctx, inode, CR_OBJ_SHMEM, &rec.objref) ?:
	      cr_write_rec(ctx, CR_SHMEM, &rec, sizeof(rec), name, rec.name_len) ?:
	      cr_write_shmem_pages(ctx, inode, rec.size);
	*objref = rec.objref;
	return err;
}

/* checkpoint: one more VMA of the image maps shmem @inode. */
static void cr_shmem_mapped(struct cr_ctx *ctx, struct inode *inode)
{
	struct cr_shmem_seen *seen;

	list_for_each_entry(seen, &ctx->shmems, list)
		if (seen->inode == inode)
			seen->nr_vmas++;
}

/*
 * Once every task is written: shared memory mapped by a task outside the
 * image would be shared no more after restart.
 */
static int cr_check_shmem(struct cr_ctx *ctx)
{
	struct cr_shmem_seen *seen;
	struct vm_area_struct *vma;

	list_for_each_entry(seen, &ctx->shmems, list) {
		struct address_space *mapping = seen->inode->i_mapping;
		unsigned long n = 0;

		i_mmap_lock_read(mapping);
		vma_interval_tree_foreach(vma, &mapping->i_mmap, 0, ULONG_MAX)
			n++;
		i_mmap_unlock_read(mapping);
		if (n != seen->nr_vmas)
			return cr_err(ctx, -EOPNOTSUPP,
				      "shared memory (a memfd or MAP_SHARED | MAP_ANONYMOUS) is mapped outside the checkpointed tasks (not supported)");
	}
	return 0;
}

static void cr_release_shmem(struct cr_ctx *ctx)
{
	struct cr_shmem_seen *seen, *tmp;

	list_for_each_entry_safe(seen, tmp, &ctx->shmems, list)
		kfree(seen);
}

/**
 * cr_write_mm() - Write the address space of a task.
 * @ctx: A checkpoint context.
 * @t: The task.
 * @objref: The objref of its mm, shared by its threads.
 *
 * Its mappings, their flags and files, and the present, non-zero pages of
 * each.
 *
 * Context: Process context, the checkpointer, with @t parked; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_write_mm(struct cr_ctx *ctx, struct task_struct *t, u32 objref)
{
	struct cr_pages end = {};
	struct cr_mm_snap *s;
	struct mm_struct *mm;
	struct cr_walk *w;
	unsigned int i;
	int err;

	mm = get_task_mm(t);
	if (!mm)
		return cr_err(ctx, -ESRCH, "pid %d has no mm", task_pid_vnr(t));
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (w)
		w->pages = kmalloc_array(CR_PAGES_MAX, sizeof(*w->pages),
					 GFP_KERNEL);
	if (!s || !w || !w->pages) {
		err = -ENOMEM;
		goto out;
	}
	s->rec.objref = objref;
	err = cr_snap_mm(ctx, t, mm, s) ?: cr_track_mm(ctx, mm, &s->rec);
	if (!err && s->exe_file)
		err = cr_write_file(ctx, t, s->exe_file, true, &s->rec.exe_file);
	for (i = 0; !err && i < s->rec.nr_vmas; i++) {
		struct file *file = s->files[i];
		bool shared = s->vmas[i].flags & CR_VMA_SHARED;

		/* An attachment comes after the CR_MM: see ipc.c. */
		if (!file || (s->vmas[i].flags & CR_VMA_SYSV_SHM))
			continue;
		err = cr_check_mapped_file(ctx, t, file) ?:
		      cr_write_file(ctx, t, file, !shared, &s->vmas[i].file);
		if (!err && cr_shmem_kind(file))
			cr_shmem_mapped(ctx, file_inode(file));
	}
	if (!err)
		err = cr_write_rec(ctx, CR_MM, &s->rec, sizeof(s->rec), s->auxv,
				   s->rec.nr_auxv * sizeof(u64));
	for (i = 0; !err && i < s->rec.nr_vmas; i++) {
		if (s->vmas[i].flags & CR_VMA_SYSV_SHM)
			err = cr_write_shm_attach(ctx, t, s->files[i],
						  &s->vmas[i].file);
		if (!err)
			err = cr_write_rec(ctx, CR_VMA, &s->vmas[i],
					   sizeof(s->vmas[i]), NULL, 0);
	}
	for (i = 0; !err && i < s->rec.nr_vmas; i++) {
		/* A VMA new since the parent: all of its pages are new. */
		w->changes = s->rec.parent && !s->vmas_new[i];
		err = cr_write_vma_pages(ctx, mm, &s->vmas[i], !s->files[i], w);
	}
	if (!err)
		err = cr_track_mm_done(ctx, mm, &s->rec) ?:
		      cr_write_rec(ctx, CR_PAGES, &end, sizeof(end), NULL, 0);
out:
	if (s)
		cr_put_snap(s);
	kfree(s);
	if (w)
		kfree(w->pages);
	kfree(w);
	mmput(mm);
	return err;
}

/* Give current a new, empty mm, as execve() does. */
static int cr_new_mm(struct cr_ctx *ctx)
{
	struct rlimit rlim_stack;
	struct mm_struct *mm;
	int err;

	mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	err = exec_mmap(mm);
	if (err) {
		mmput(mm);
		return err;
	}
	up_write(&current->signal->exec_update_lock);

	task_lock(current->group_leader);
	rlim_stack = current->signal->rlim[RLIMIT_STACK];
	task_unlock(current->group_leader);
	mm->task_size = TASK_SIZE;
	arch_pick_mmap_layout(mm, &rlim_stack);
	return 0;
}

static bool cr_user_range(u64 start, u64 end)
{
	return start <= end && end <= TASK_SIZE;
}

static int cr_check_mm_rec(struct cr_ctx *ctx, const struct cr_mm *r,
			   u32 objref, size_t extra)
{
	if (r->objref != objref || r->nr_vmas > sysctl_max_map_count ||
	    r->nr_auxv > AT_VECTOR_SIZE || r->nr_auxv % 2 ||
	    extra != r->nr_auxv * sizeof(u64) ||
	    !cr_user_range(r->start_code, r->end_code) ||
	    !cr_user_range(r->start_data, r->end_data) ||
	    !cr_user_range(r->start_brk, r->brk) ||
	    !cr_user_range(r->arg_start, r->arg_end) ||
	    !cr_user_range(r->env_start, r->env_end) ||
	    r->start_stack >= TASK_SIZE || !PAGE_ALIGNED(r->vdso) ||
	    r->vdso >= TASK_SIZE || r->dumpable > SUID_DUMP_ROOT || r->parent)
		return cr_err(ctx, -EINVAL, "bad mm record");
	return 0;
}

/**
 * cr_restore_shmem_pages() - Read the CR_PAGES records of a shmem file into it.
 * @ctx: A restart context.
 * @file: The file.
 * @size: Its size.
 *
 * Context: Process context, the restored task, reading its own records; may
 * sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_restore_shmem_pages(struct cr_ctx *ctx, struct file *file, u64 size)
{
	struct cr_pages rec;
	struct cr_hdr hdr;
	unsigned int i;
	void *buf;
	int err;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		/* Raw: no object may stand between the memory and its pages. */
		err = cr_read(ctx, &hdr, sizeof(hdr));
		if (!err && (hdr.type != CR_PAGES || hdr.len < sizeof(rec)))
			err = cr_err(ctx, -EINVAL, "bad shared memory pages");
		if (!err)
			err = cr_read(ctx, &rec, sizeof(rec));
		if (err || (!rec.nr && !rec.flags && hdr.len == sizeof(rec)))
			break;
		if (!rec.nr || rec.nr > CR_PAGES_MAX || rec.flags ||
		    hdr.len - sizeof(rec) != rec.nr * PAGE_SIZE ||
		    !PAGE_ALIGNED(rec.addr) || rec.addr >= size ||
		    rec.nr > DIV_ROUND_UP(size - rec.addr, PAGE_SIZE)) {
			err = cr_err(ctx, -EINVAL,
				     "bad shared memory pages at offset %llu",
				     rec.addr);
			break;
		}
		for (i = 0; !err && i < rec.nr; i++) {
			loff_t pos = rec.addr + i * PAGE_SIZE;
			size_t n = min_t(u64, PAGE_SIZE, size - pos);

			err = cr_read(ctx, buf, PAGE_SIZE);
			if (!err && kernel_write(file, buf, n, &pos) != n)
				err = cr_err(ctx, -EIO,
					     "cannot fill shared memory");
		}
		if (err)
			break;
	}
	kfree(buf);
	return err;
}

/* Seal the new memfd @file as the saved one was. */
static int cr_restore_seals(struct cr_ctx *ctx, struct file *file, u32 seals)
{
	long err;

	/* A new inode, not yet seen by anyone: as memfd_create() does. */
	SHMEM_I(file_inode(file))->seals = 0;
	if (!seals)
		return 0;
	err = memfd_fcntl(file, F_ADD_SEALS, seals);
	return err ? cr_err(ctx, err, "cannot seal a memfd (seals %#x)", seals)
		   : 0;
}

/* A CR_SHMEM record, whose header has been read: make the memory anew. */
static int cr_restore_shmem(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	char name[NAME_MAX + 1] = "memfd:";
	const size_t prefix = strlen("memfd:");
	struct cr_shmem rec;
	unsigned long flags;
	struct file *file;
	bool memfd;
	int err;

	if (hdr->len < sizeof(rec))
		return cr_err(ctx, -EINVAL, "shared memory record too short");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	memfd = rec.kind == CR_SHMEM_MEMFD;
	if ((rec.kind != CR_SHMEM_ANON && !memfd) ||
	    memfd != !!rec.name_len || rec.name_len > sizeof(name) - prefix ||
	    hdr->len - sizeof(rec) != rec.name_len ||
	    (rec.flags & ~CR_SHMEM_NORESERVE) ||
	    (rec.seals & ~CR_SEALS) || (!memfd && rec.seals != F_SEAL_SEAL) ||
	    !S_ISREG(rec.mode) || (rec.mode & ~(S_IFMT | 07777)) ||
	    rec.size > MAX_LFS_FILESIZE)
		return cr_err(ctx, -EINVAL, "bad shared memory record");
	err = cr_read(ctx, name + prefix, rec.name_len);
	if (err)
		return err;
	if (memfd && strnlen(name, sizeof(name)) != prefix + rec.name_len - 1)
		return cr_err(ctx, -EINVAL, "bad memfd name");

	flags = rec.flags & CR_SHMEM_NORESERVE ? VM_NORESERVE : 0;
	if (memfd)
		file = shmem_file_setup(name, rec.size, flags);
	else
		file = shmem_kernel_file_setup("dev/zero", rec.size, flags);
	if (IS_ERR(file))
		return cr_err(ctx, PTR_ERR(file), "cannot make %s again",
			      memfd ? name : "shared memory");
	file_inode(file)->i_mode = rec.mode;
	err = cr_restore_shmem_pages(ctx, file, rec.size);
	if (!err && memfd)
		err = cr_restore_seals(ctx, file, rec.seals);
	if (!err)
		err = cr_obj_insert(ctx, rec.objref, CR_OBJ_SHMEM, file);
	if (err)
		fput(file);
	return err;
}

static int cr_restore_vma(struct cr_ctx *ctx, u64 *prev_end)
{
	unsigned long flags = MAP_FIXED_NOREPLACE;
	struct file *file = NULL;
	unsigned long addr;
	struct cr_vma v;
	unsigned int i;
	int err;

	err = cr_read_rec(ctx, CR_VMA, &v, sizeof(v));
	if (err)
		return err;
	if (v.start >= v.end || !PAGE_ALIGNED(v.start) || !PAGE_ALIGNED(v.end) ||
	    v.end > TASK_SIZE || v.start < *prev_end ||
	    (v.prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    (v.flags & ~CR_VMA_FLAGS) ||
	    v.pgoff > (ULONG_MAX >> PAGE_SHIFT))
		return cr_err(ctx, -EINVAL, "bad VMA record at %#llx", v.start);
	*prev_end = v.end;

	flags |= v.flags & CR_VMA_SHARED ? MAP_SHARED : MAP_PRIVATE;
	if (v.flags & CR_VMA_SYSV_SHM) {
		if (!(v.flags & CR_VMA_SHARED))
			return cr_err(ctx, -EINVAL,
				      "private SysV shared memory at %#llx",
				      v.start);
		file = cr_obj_find(ctx, v.file, CR_OBJ_SHM_ATTACH);
		if (!file)
			return -EINVAL;
	} else if (v.file) {
		file = cr_obj_find(ctx, v.file, CR_OBJ_FILE);
		if (!file)
			return -EINVAL;
	} else if (v.flags & CR_VMA_SHARED) {
		return cr_err(ctx, -EINVAL, "shared VMA at %#llx without a file",
			      v.start);
	} else {
		flags |= MAP_ANONYMOUS;
		v.pgoff = 0;
	}
	if (v.flags & CR_VMA_GROWSDOWN)
		flags |= MAP_GROWSDOWN;
	if (v.flags & CR_VMA_NORESERVE)
		flags |= MAP_NORESERVE;
	addr = vm_mmap(file, v.start, v.end - v.start, v.prot, flags,
		       v.pgoff << PAGE_SHIFT);
	if (addr != v.start)
		return cr_err(ctx, IS_ERR_VALUE(addr) ? (long)addr : -EINVAL,
			      "cannot map %#llx-%#llx", v.start, v.end);
	/* As the task did: madvise() checks what may have which advice. */
	for (i = 0; i < ARRAY_SIZE(cr_vma_advice); i++) {
		if (!(v.flags & cr_vma_advice[i].cr_flag))
			continue;
		if (!IS_ENABLED(CONFIG_ADVISE_SYSCALLS))
			return cr_err(ctx, -EOPNOTSUPP,
				      "madvise() advice at %#llx, and no madvise() in this kernel",
				      v.start);
		err = do_madvise(current->mm, v.start, v.end - v.start,
				 cr_vma_advice[i].advice);
		if (err)
			return cr_err(ctx, err, "cannot madvise %#llx-%#llx",
				      v.start, v.end);
	}
	/* With RLIMIT_MEMLOCK and CAP_IPC_LOCK, as mlock2() would. */
	if (v.flags & CR_VMA_LOCKED) {
		err = do_mlock(v.start, v.end - v.start, VM_LOCKED |
			       (v.flags & CR_VMA_LOCKONFAULT ? VM_LOCKONFAULT : 0));
		if (err)
			return cr_err(ctx, err, "cannot mlock %#llx-%#llx",
				      v.start, v.end);
	} else if (v.flags & CR_VMA_LOCKONFAULT) {
		return cr_err(ctx, -EINVAL, "bad VMA lock flags at %#llx",
			      v.start);
	}
	return 0;
}

/*
 * Read @nr pages of the image into current's mm at @addr, written through
 * get_user_pages(FOLL_FORCE) as ptrace writes a read-only page.
 */
static int cr_restore_run(struct cr_ctx *ctx, unsigned long addr,
			  unsigned int nr, struct page **pages)
{
	struct mm_struct *mm = current->mm;
	unsigned int got = 0;
	long n = 0;
	int err;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	while (got < nr) {
		n = get_user_pages_remote(mm, addr + got * PAGE_SIZE, nr - got,
					  FOLL_WRITE | FOLL_FORCE, pages + got,
					  NULL);
		if (n <= 0)
			break;
		got += n;
	}
	mmap_read_unlock(mm);
	if (got < nr)
		err = cr_err(ctx, n < 0 ? n : -EFAULT,
			     "cannot write the page at %#lx",
			     addr + got * PAGE_SIZE);
	else
		err = cr_read_pages(ctx, pages, nr);
	while (got)
		put_page(pages[--got]);
	return err;
}

static int cr_restore_pages(struct cr_ctx *ctx)
{
	struct mm_struct *mm = current->mm;
	struct page **pages;
	struct cr_pages rec;
	size_t extra;
	int err;

	pages = kmalloc_array(CR_PAGES_MAX, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (;;) {
		struct vm_area_struct *vma;
		unsigned long end;
		bool inside;

		err = cr_read_rec_var(ctx, CR_PAGES, &rec, sizeof(rec), &extra);
		if (err)
			break;
		if (!rec.nr) {
			if (extra || rec.flags)
				err = cr_err(ctx, -EINVAL, "bad page list end");
			break;
		}
		end = rec.addr + (unsigned long)rec.nr * PAGE_SIZE;
		if (rec.nr > CR_PAGES_MAX || extra != rec.nr * PAGE_SIZE ||
		    rec.flags ||
		    !PAGE_ALIGNED(rec.addr) || end <= rec.addr) {
			err = cr_err(ctx, -EINVAL, "bad page record at %#llx",
				     rec.addr);
			break;
		}

		/* The pages must lie in one of the mappings just made. */
		mmap_read_lock(mm);
		vma = vma_lookup(mm, rec.addr);
		inside = vma && end <= vma->vm_end;
		mmap_read_unlock(mm);
		if (!inside) {
			err = cr_err(ctx, -EINVAL, "pages at %#llx outside any VMA",
				     rec.addr);
			break;
		}
		err = cr_restore_run(ctx, rec.addr, rec.nr, pages);
		if (err)
			break;
	}
	kfree(pages);
	return err;
}

/**
 * cr_restore_mm() - Make the address space of a CR_MM record again.
 * @ctx: A restart context.
 * @objref: The objref of the mm.
 *
 * A fresh mm, as execve() gives, with every mapping and its pages.
 *
 * Context: Process context, the restored task, reading its own records; may
 * sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_restore_mm(struct cr_ctx *ctx, u32 objref)
{
	struct mm_struct *mm;
	u64 prev_end = 0;
	struct cr_mm *rec;
	u64 *auxv = NULL;
	size_t extra;
	unsigned int i;
	int err;

	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	auxv = kcalloc(AT_VECTOR_SIZE, sizeof(*auxv), GFP_KERNEL);
	if (!rec || !auxv) {
		err = -ENOMEM;
		goto out;
	}
	err = cr_read_rec_var(ctx, CR_MM, rec, sizeof(*rec), &extra) ?:
	      cr_check_mm_rec(ctx, rec, objref, extra) ?:
	      cr_read(ctx, auxv, extra) ?:
	      cr_new_mm(ctx);
	if (err)
		goto out;
	mm = current->mm;
	ctx->in_mm = true;	/* SysV attachments may come */

	if (rec->exe_file) {
		struct file *exe = cr_obj_find(ctx, rec->exe_file, CR_OBJ_FILE);

		if (!exe || !S_ISREG(file_inode(exe)->i_mode)) {
			err = cr_err(ctx, -EINVAL, "the exe file is not a regular file");
			goto out;
		}
		err = set_mm_exe_file(mm, exe);
		if (err) {
			cr_err(ctx, err, "cannot set the exe file");
			goto out;
		}
	}
	for (i = 0; !err && i < rec->nr_vmas; i++)
		err = cr_restore_vma(ctx, &prev_end);
	if (!err && rec->vdso)
		err = cr_arch_restore_vdso(ctx, rec->vdso);
	if (!err)
		err = cr_restore_pages(ctx);
	if (err)
		goto out;

	mmap_write_lock(mm);
	mm->start_code = rec->start_code;
	mm->end_code = rec->end_code;
	mm->start_data = rec->start_data;
	mm->end_data = rec->end_data;
	mm->start_brk = rec->start_brk;
	mm->brk = rec->brk;
	mm->start_stack = rec->start_stack;
	spin_lock(&mm->arg_lock);
	mm->arg_start = rec->arg_start;
	mm->arg_end = rec->arg_end;
	mm->env_start = rec->env_start;
	mm->env_end = rec->env_end;
	spin_unlock(&mm->arg_lock);
	BUILD_BUG_ON(sizeof(mm->saved_auxv) != AT_VECTOR_SIZE * sizeof(u64));
	memcpy(mm->saved_auxv, auxv, sizeof(mm->saved_auxv));
	mmap_write_unlock(mm);
	/*
	 * The new mm is as dumpable as the restarter's. Only make it less so:
	 * a task that may not be ptraced by its user must stay that way.
	 */
	if (rec->dumpable != SUID_DUMP_USER ||
	    get_dumpable(mm) == SUID_DUMP_USER)
		set_dumpable(mm, rec->dumpable);

	err = cr_obj_insert(ctx, objref, CR_OBJ_MM, mm);
out:
	ctx->in_mm = false;
	kfree(auxv);
	kfree(rec);
	return err;
}

const struct cr_part cr_mm_part = {
	.name		= "shared memory",
	.records	= (const struct cr_record_ops[]) {
		{ CR_SHMEM,	cr_restore_shmem },
		{}
	},
	.check		= cr_check_shmem,
	.release	= cr_release_shmem,
};
