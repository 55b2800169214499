// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart: the two syscalls, their context, the reasons written
 * to logfd, and buffered, checksummed I/O of the image stream.
 */
#include <linux/bvec.h>
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/crc32c.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/pipe_fs_i.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/splice.h>
#include <linux/string_helpers.h>
#include <linux/syscalls.h>
#include <linux/uio.h>

#include "internal.h"

#define CR_BUF_SIZE	(64 * 1024)
/*
 * Longest record: a CR_PAGES record full of pages, an AF_UNIX record with
 * all it may have queued, or the fd table of a process with CR_FDS_MAX
 * files open.
 */
#define CR_PAGES_REC_MAX (sizeof(struct cr_pages) + CR_PAGES_MAX * PAGE_SIZE + \
			  CR_PATH_MAX)
#define CR_UNIX_REC_MAX	(sizeof(struct cr_unix_pair) + 2 * (CR_UNIX_DATA_MAX + \
			 CR_UNIX_MSGS_MAX * sizeof(struct cr_unix_dgram)))
#define CR_FILES_REC_MAX (sizeof(struct cr_fdtable) + \
			  CR_FDS_MAX * sizeof(struct cr_fd) + \
			  CR_LOCKS_MAX * sizeof(struct cr_lock))
#define CR_REC_MAX	max3(CR_PAGES_REC_MAX, CR_UNIX_REC_MAX, CR_FILES_REC_MAX)
#define CR_LOG_MAX	(16 * 1024)	/* reasons one call gives */

static struct file *cr_fget_writable(int fd)
{
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);
	if (!(file->f_mode & FMODE_WRITE)) {
		fput(file);
		return ERR_PTR(-EBADF);
	}
	return file;
}

static struct cr_ctx *cr_ctx_alloc(int fd, int logfd, unsigned long flags,
				   bool restart)
{
	struct cr_ctx *ctx;
	int err = -ENOMEM;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	kref_init(&ctx->ref);
	mutex_init(&ctx->log_lock);
	ctx->restart = restart;
	ctx->flags = flags;
	hash_init(ctx->obj_hash);
	xa_init(&ctx->objs);
	xa_init(&ctx->pids);
	INIT_LIST_HEAD(&ctx->task_list);
	init_waitqueue_head(&ctx->spawn_wq);
	INIT_LIST_HEAD(&ctx->pipes);
	INIT_LIST_HEAD(&ctx->shmems);
	INIT_LIST_HEAD(&ctx->mq_names);
	INIT_LIST_HEAD(&ctx->unix_ahead);
	INIT_LIST_HEAD(&ctx->unix_creds);
	INIT_LIST_HEAD(&ctx->unix_connects);
	init_completion(&ctx->all_parked);
	init_waitqueue_head(&ctx->park_wq);

	ctx->buf = kvmalloc(CR_BUF_SIZE, GFP_KERNEL);
	ctx->bvec = kvmalloc_array(CR_PAGES_MAX, sizeof(*ctx->bvec), GFP_KERNEL);
	if (!ctx->buf || !ctx->bvec)
		goto err;

	if (logfd >= 0) {
		ctx->logfile = cr_fget_writable(logfd);
		if (IS_ERR(ctx->logfile)) {
			err = PTR_ERR(ctx->logfile);
			ctx->logfile = NULL;
			goto err;
		}
		err = -ENOMEM;
		ctx->log = kvmalloc(CR_LOG_MAX, GFP_KERNEL);
		if (!ctx->log)
			goto err;
	}

	err = -EBADF;
	ctx->file = restart ? fget(fd) : cr_fget_writable(fd);
	if (IS_ERR_OR_NULL(ctx->file)) {
		ctx->file = NULL;
		goto err;
	}
	if (restart && !(ctx->file->f_mode & FMODE_READ))
		goto err;
	ctx->pos = ctx->file->f_pos;
	ctx->start = ctx->pos;
	/* At restart, CR_HEADER says; no page comes before it. */
	ctx->csum_pages = !(flags & CHECKPOINT_NO_PAGE_CSUM) || restart;
	return ctx;
err:
	cr_ctx_put(ctx);
	return ERR_PTR(err);
}

#ifndef CONFIG_CHECKPOINT_SYSVIPC
/* An image with SysV objects, in a kernel without them. */
static int cr_no_sysv(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	return cr_err(ctx, -EOPNOTSUPP, "no SysV IPC in this kernel");
}

const struct cr_part cr_sysv_part = {
	.name		= "SysV IPC",
	.records	= (const struct cr_record_ops[]) {
		{ CR_SHM_ATTACH, cr_no_sysv },
		{ CR_SEM_UNDO,	cr_no_sysv },
		{}
	},
};
#endif

/* Every part of checkpoint/restart: see struct cr_part. */
static const struct cr_part *const cr_parts[] = {
	&cr_fs_part,
	&cr_mm_part,
	&cr_sysv_part,
#ifdef CONFIG_CHECKPOINT_POSIX_MQUEUE
	&cr_mq_part,
#endif
#ifdef CONFIG_CHECKPOINT_UNIX
	&cr_unix_part,
#endif
};

/**
 * cr_file_part() - The part that saves a file of this kind itself.
 * @file: An open file.
 *
 * Context: Any context that holds a reference to @file.
 * Return: The part whose &cr_part.has_file claims @file, or NULL.
 */
const struct cr_part *cr_file_part(const struct file *file)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cr_parts); i++)
		if (cr_parts[i]->has_file && cr_parts[i]->has_file(file))
			return cr_parts[i];
	return NULL;
}

/**
 * cr_file_kind_part() - The part that opens a kind of CR_FILE again.
 * @kind: The kind, an enum cr_file_kind from the image.
 *
 * Context: Any context.
 * Return: The part whose &cr_part.file_kind is @kind, or NULL.
 */
const struct cr_part *cr_file_kind_part(u32 kind)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cr_parts); i++)
		if (kind && cr_parts[i]->file_kind == kind)
			return cr_parts[i];
	return NULL;
}

/**
 * cr_parts_check() - Let every part refuse what it met in the walk.
 * @ctx: A checkpoint context, every task walked.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or the first part's error, with its reason given.
 */
int cr_parts_check(struct cr_ctx *ctx)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cr_parts); i++) {
		err = cr_parts[i]->check ? cr_parts[i]->check(ctx) : 0;
		if (err)
			return err;
	}
	return 0;
}

/**
 * cr_parts_finish() - Let every part finish what the whole tree needed.
 * @ctx: A restart context, every task made and the trailer read.
 *
 * Context: Process context, the restarter; may sleep.
 * Return: 0, or the first part's error, with its reason given.
 */
int cr_parts_finish(struct cr_ctx *ctx)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cr_parts); i++) {
		err = cr_parts[i]->finish ? cr_parts[i]->finish(ctx) : 0;
		if (err)
			return err;
	}
	return 0;
}

/* How a part makes the object of a record of @type, if any does. */
static const struct cr_record_ops *cr_record_ops(u32 type)
{
	const struct cr_record_ops *r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cr_parts); i++)
		for (r = cr_parts[i]->records; r && r->type; r++)
			if (r->type == type)
				return r;
	return NULL;
}

static void cr_ctx_free(struct kref *ref)
{
	struct cr_ctx *ctx = container_of(ref, struct cr_ctx, ref);
	unsigned int i;

	cr_obj_release_all(ctx);
	for (i = 0; i < ARRAY_SIZE(cr_parts); i++)
		if (cr_parts[i]->release)
			cr_parts[i]->release(ctx);
	cr_task_ctx_free_all(ctx);
	if (ctx->file)
		fput(ctx->file);
	if (ctx->logfile)
		fput(ctx->logfile);
	kvfree(ctx->log);
	kvfree(ctx->buf);
	kvfree(ctx->bvec);
	kfree(ctx);
}

/**
 * cr_ctx_put() - Drop a reference to a checkpoint or restart context.
 * @ctx: The context.
 *
 * The last reference frees the context with every object, file and task
 * context it holds.
 *
 * Context: Process context; may sleep.
 */
void cr_ctx_put(struct cr_ctx *ctx)
{
	kref_put(&ctx->ref, cr_ctx_free);
}

static loff_t *cr_ppos(struct file *file, loff_t *pos)
{
	return (file->f_mode & FMODE_STREAM) ? NULL : pos;
}

/*
 * @msg, with its control characters escaped as \ooo: a reason may quote
 * a path of a hostile image, and logfd may be a terminal - no escape
 * sequence, and no line that looks like another reason. Frees @msg.
 */
static char *cr_escape(char *msg)
{
	size_t len, need;
	char *out;

	if (!msg)
		return NULL;
	len = strlen(msg);
	need = string_escape_mem(msg, len, NULL, 0, ESCAPE_OCTAL | ESCAPE_NP,
				 NULL);
	if (need == len)
		return msg;
	out = kmalloc(need + 1, GFP_KERNEL);
	if (out) {
		string_escape_mem(msg, len, out, need, ESCAPE_OCTAL | ESCAPE_NP,
				  NULL);
		out[need] = '\0';
	}
	kfree(msg);
	return out;
}

/**
 * cr_err() - Give the reason of a failure.
 * @ctx: The context.
 * @err: The error, a negative errno.
 * @fmt: printf() format of the reason, then its arguments.
 *
 * Notes "checkpoint: <reason> (<err>)" or "restart: <reason> (<err>)" for
 * logfd, with control characters escaped: a reason may quote a path of a
 * hostile image. Reasons are kept in memory and written when the syscall
 * returns, as they are given with locks held - a target's mmap_lock -
 * and logfd may be anything, a pipe to fill or a file on FUSE.
 *
 * Context: Process context, any task of the checkpoint or restart
 * (serialized by ctx->log_lock); may sleep.
 * Return: @err, so that callers can "return cr_err(ctx, -EBUSY, ...)".
 */
int cr_err(struct cr_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;
	char *msg;

	if (!ctx->logfile)
		return err;
	va_start(args, fmt);
	msg = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	msg = cr_escape(msg);
	if (!msg)
		return err;
	/* Tasks of a restart may fail at once; keep their lines whole. */
	mutex_lock(&ctx->log_lock);
	if (ctx->log && ctx->log_len < CR_LOG_MAX)
		ctx->log_len += scnprintf(ctx->log + ctx->log_len,
					  CR_LOG_MAX - ctx->log_len,
					  "%s: %s (%d)\n",
					  ctx->restart ? "restart" : "checkpoint",
					  msg, err);
	mutex_unlock(&ctx->log_lock);
	kfree(msg);
	return err;
}

/* A wait that a signal interrupted, whatever the syscall would do next. */
static bool cr_interrupted(long err)
{
	return err == -EINTR || err == -ERESTARTSYS || err == -ERESTARTNOINTR ||
	       err == -ERESTARTNOHAND || err == -ERESTART_RESTARTBLOCK;
}

/*
 * A signal interrupted a read or write of the image, on a pipe or socket.
 * The stream has moved on, so this is -EINTR, never a restart. A fatal
 * signal needs no reason: a killed restored task is the restarter's to
 * explain.
 */
static int cr_io_interrupted(struct cr_ctx *ctx, const char *what)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	return cr_err(ctx, -EINTR, "a signal interrupted the %s of the image",
		      what);
}

/* The image's checksum: CRC32C, which CPUs compute in hardware. */
static u32 cr_csum(u32 csum, const void *buf, size_t len)
{
	return crc32c(csum, buf, len);
}

/* Write all of @iter, as a pipe or a socket may take it a part at a time. */
static int cr_write_iter(struct cr_ctx *ctx, struct iov_iter *iter)
{
	while (iov_iter_count(iter)) {
		ssize_t n = vfs_iter_write(ctx->file, iter,
					   cr_ppos(ctx->file, &ctx->pos), 0);

		if (cr_interrupted(n))
			return cr_io_interrupted(ctx, "write");
		if (n < 0)
			return cr_err(ctx, n, "writing the image failed");
		if (!n)
			return cr_err(ctx, -EIO, "the image file took no data");
	}
	if (!(ctx->file->f_mode & FMODE_STREAM))
		ctx->file->f_pos = ctx->pos;
	return 0;
}

static int cr_write_out(struct cr_ctx *ctx, const void *buf, size_t len)
{
	struct kvec kvec = { .iov_base = (void *)buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &kvec, 1, len);
	return cr_write_iter(ctx, &iter);
}

/**
 * cr_flush() - Write out what cr_write() buffered.
 * @ctx: A checkpoint context.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or a negative errno, with its reason given.
 */
int cr_flush(struct cr_ctx *ctx)
{
	int err = cr_write_out(ctx, ctx->buf, ctx->buf_len);

	ctx->buf_len = 0;
	return err;
}

/* Stop at once if a parked task or the caller was killed. */
static int cr_write_check(struct cr_ctx *ctx)
{
	/* A parked task was killed: it waits for us to let it die. */
	if (unlikely(READ_ONCE(ctx->killed)))
		return cr_err(ctx, -ESRCH, "a task of the tree was killed");
	if (fatal_signal_pending(current))
		return -EINTR;
	return 0;
}

/**
 * cr_write() - Append bytes to the image.
 * @ctx: A checkpoint context.
 * @buf: The bytes.
 * @len: Their number.
 *
 * The bytes count in the image's checksum and size, and are buffered.
 * A task of the tree killed while parked stops the checkpoint here.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0; -ESRCH if a parked task was killed, -EINTR if the caller was,
 * or another negative errno of the write, with its reason given.
 */
int cr_write(struct cr_ctx *ctx, const void *buf, size_t len)
{
	int err = cr_write_check(ctx);

	if (err)
		return err;
	ctx->csum = cr_csum(ctx->csum, buf, len);
	ctx->nbytes += len;

	if (ctx->buf_len + len > CR_BUF_SIZE) {
		err = cr_flush(ctx);
		if (err)
			return err;
		if (len >= CR_BUF_SIZE)
			return cr_write_out(ctx, buf, len);
	}
	memcpy(ctx->buf + ctx->buf_len, buf, len);
	ctx->buf_len += len;
	return 0;
}

/* Point ctx->bvec at @pages; add them to the checksum if @csum. */
static void cr_pages_bvec(struct cr_ctx *ctx, struct page **pages,
			  unsigned int nr, bool csum)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		bvec_set_page(&ctx->bvec[i], pages[i], PAGE_SIZE, 0);
		if (csum) {
			void *kaddr = kmap_local_page(pages[i]);

			ctx->csum = cr_csum(ctx->csum, kaddr, PAGE_SIZE);
			kunmap_local(kaddr);
		}
	}
	ctx->nbytes += (u64)nr * PAGE_SIZE;
}

static void cr_wake_readers(struct pipe_inode_info *pipe)
{
	wake_up_interruptible_sync_poll(&pipe->rd_wait, EPOLLIN | EPOLLRDNORM);
	kill_fasync(&pipe->fasync_readers, SIGIO, POLL_IN);
}

static const struct pipe_buf_operations cr_pipe_buf_ops = {
	.release	= generic_pipe_buf_release,
	.get		= generic_pipe_buf_get,
};

/*
 * Put the pages themselves into the image's pipe, as vmsplice() does: a
 * reference each, no copy. Waits for room as a write to the pipe would.
 */
static int cr_splice_pages(struct cr_ctx *ctx, struct pipe_inode_info *pipe,
			   struct page **pages, unsigned int nr)
{
	unsigned int i = 0;
	int err;

	err = security_file_permission(ctx->file, MAY_WRITE);
	if (err)
		return cr_err(ctx, err, "writing the image failed");
	pipe_lock(pipe);
	while (i < nr) {
		struct pipe_buffer buf = {
			.page	= pages[i],
			.len	= PAGE_SIZE,
			.ops	= &cr_pipe_buf_ops,
		};

		if (!pipe->readers) {
			send_sig(SIGPIPE, current, 0);
			err = -EPIPE;
			break;
		}
		if (pipe_full(pipe->head, pipe->tail, pipe->max_usage)) {
			if (signal_pending(current)) {
				err = -ERESTARTSYS;
				break;
			}
			cr_wake_readers(pipe);
			pipe_wait_writable(pipe);
			continue;
		}
		get_page(pages[i++]);
		add_to_pipe(pipe, &buf);
	}
	pipe_unlock(pipe);
	cr_wake_readers(pipe);
	if (cr_interrupted(err))
		return cr_io_interrupted(ctx, "write");
	return err ? cr_err(ctx, err, "writing the image failed") : 0;
}

/**
 * cr_write_pages() - Append whole pages to the image.
 * @ctx: A checkpoint context.
 * @pages: The pages, which the caller holds.
 * @nr: Their number, at most CR_PAGES_MAX.
 * @private: They are the tree's own: no task outside it writes them.
 *
 * As cr_write() of their bytes, but written from the pages themselves,
 * in one write, with no copy of their own. With CHECKPOINT_KILL, private
 * pages go into a pipe as they are, with no copy at all: once the image
 * is complete the tree is killed and nobody writes them again - a task
 * outside the tree that shares one copies it on write, as the pipe holds
 * a reference. If the checkpoint fails instead, the tree runs on, but the
 * image ends with no trailer, and restarts nothing.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or a negative errno as cr_write().
 */
int cr_write_pages(struct cr_ctx *ctx, struct page **pages, unsigned int nr,
		   bool private)
{
	struct pipe_inode_info *pipe;
	struct iov_iter iter;
	int err;

	if (WARN_ON_ONCE(nr > CR_PAGES_MAX))
		return -EINVAL;
	err = cr_write_check(ctx) ?: cr_flush(ctx);
	if (err)
		return err;
	cr_pages_bvec(ctx, pages, nr, ctx->csum_pages);
	pipe = get_pipe_info(ctx->file, true);
	if (private && pipe && (ctx->flags & CHECKPOINT_KILL))
		return cr_splice_pages(ctx, pipe, pages, nr);
	iov_iter_bvec(&iter, ITER_SOURCE, ctx->bvec, nr, nr * PAGE_SIZE);
	return cr_write_iter(ctx, &iter);
}

/**
 * cr_write_rec() - Append a record to the image.
 * @ctx: A checkpoint context.
 * @type: Its type, an enum cr_type.
 * @rec: Its fixed part.
 * @len: The size of @rec.
 * @extra: What follows it in the same record, a path say; may be NULL.
 * @extra_len: The size of @extra.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or a negative errno as cr_write().
 */
int cr_write_rec(struct cr_ctx *ctx, u32 type, const void *rec, size_t len,
		 const void *extra, size_t extra_len)
{
	struct cr_hdr hdr = { .type = type, .len = len + extra_len };
	int err;

	err = cr_write(ctx, &hdr, sizeof(hdr));
	if (!err)
		err = cr_write(ctx, rec, len);
	if (!err && extra_len)
		err = cr_write(ctx, extra, extra_len);
	return err;
}

/*
 * One read of the image into @iter: how many bytes it gave, or a negative
 * errno with its reason given. @at, the image offset, is for the reason.
 */
static ssize_t cr_read_iter(struct cr_ctx *ctx, struct iov_iter *iter, u64 at)
{
	ssize_t got = vfs_iter_read(ctx->file, iter,
				    cr_ppos(ctx->file, &ctx->pos), 0);

	if (cr_interrupted(got))
		return cr_io_interrupted(ctx, "read");
	if (got < 0)
		return cr_err(ctx, got, "reading the image failed");
	if (!got) {
		ctx->reason_final = true;
		return cr_err(ctx, -EINVAL, "the image is truncated at byte %llu",
			      at);
	}
	return got;
}

/**
 * cr_read() - Read bytes of the image.
 * @ctx: A restart context.
 * @buf: Where to put them.
 * @len: How many: exactly so many, or an error.
 *
 * Context: Process context, the one task that reads the image at a time:
 * the restarter, or the restored task it made to read its own records
 * (ctx->reader). May sleep.
 * Return: 0; -EINVAL if the image ends first, -EINTR if a signal
 * interrupted the read, or another negative errno of the read, with its
 * reason given (none for a fatal signal).
 */
int cr_read(struct cr_ctx *ctx, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t n;

		if (ctx->buf_off == ctx->buf_len) {
			struct kvec kvec = {
				.iov_base = ctx->buf,
				.iov_len = CR_BUF_SIZE,
			};
			struct iov_iter iter;
			ssize_t got;

			iov_iter_kvec(&iter, ITER_DEST, &kvec, 1, CR_BUF_SIZE);
			got = cr_read_iter(ctx, &iter, ctx->nbytes + done);
			if (got < 0)
				return got;
			ctx->buf_off = 0;
			ctx->buf_len = got;
		}
		n = min(len - done, ctx->buf_len - ctx->buf_off);
		memcpy(buf + done, ctx->buf + ctx->buf_off, n);
		ctx->buf_off += n;
		done += n;
	}
	ctx->csum = cr_csum(ctx->csum, buf, len);
	ctx->nbytes += len;
	return 0;
}

/**
 * cr_read_pages() - Read whole pages of the image.
 * @ctx: A restart context.
 * @pages: Where to put them, pages the caller holds.
 * @nr: Their number, at most CR_PAGES_MAX.
 *
 * As cr_read() into each page in turn, but what is not buffered yet is
 * read into the pages themselves, with no copy of its own.
 *
 * Context: As cr_read().
 * Return: 0, or a negative errno as cr_read().
 */
int cr_read_pages(struct cr_ctx *ctx, struct page **pages, unsigned int nr)
{
	size_t len = nr * PAGE_SIZE, n;
	struct iov_iter iter;
	unsigned int i;

	if (WARN_ON_ONCE(nr > CR_PAGES_MAX))
		return -EINVAL;
	for (i = 0; i < nr; i++)
		bvec_set_page(&ctx->bvec[i], pages[i], PAGE_SIZE, 0);
	iov_iter_bvec(&iter, ITER_DEST, ctx->bvec, nr, len);
	n = copy_to_iter(ctx->buf + ctx->buf_off,
			 min(len, ctx->buf_len - ctx->buf_off), &iter);
	ctx->buf_off += n;
	while (iov_iter_count(&iter)) {
		ssize_t got = cr_read_iter(ctx, &iter,
					   ctx->nbytes + len - iov_iter_count(&iter));

		if (got < 0)
			return got;
	}
	cr_pages_bvec(ctx, pages, nr, ctx->csum_pages);
	return 0;
}

/**
 * cr_read_hdr() - Read the next record's header.
 * @ctx: A restart context.
 * @hdr: The header read.
 *
 * Objects - files, pipes, shared memory, sockets: the records of the
 * parts' struct cr_record_ops - may stand before any record that refers
 * to them, once the reading task's credentials are known; they are
 * restored here, with those credentials, and skipped, as are the reading
 * task's CR_SEM_UNDO adjustments. The type and length are checked
 * against the format's limits.
 *
 * Context: Process context, the task reading the image; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_read_hdr(struct cr_ctx *ctx, struct cr_hdr *hdr)
{
	const struct cr_record_ops *ops;
	const struct cred *old;
	int err;

	for (;;) {
		err = cr_read(ctx, hdr, sizeof(*hdr));
		if (err)
			return err;
		if (!hdr->type || hdr->type >= CR_TYPE_MAX)
			return cr_err(ctx, -EINVAL,
				      "unknown record type %u at byte %llu",
				      hdr->type, ctx->nbytes - sizeof(*hdr));
		if (hdr->len > CR_REC_MAX)
			return cr_err(ctx, -EINVAL,
				      "record of type %u is too long (%u bytes)",
				      hdr->type, hdr->len);
		ops = ctx->in_task ? cr_record_ops(hdr->type) : NULL;
		if (!ops)
			return 0;
		/* Paths are walked and files opened as the job. */
		old = cr_as_job(ctx);
		err = ops->restore(ctx, hdr);
		cr_as_restarter(old);
		if (err)
			return err;
	}
}

static int cr_expect(struct cr_ctx *ctx, const struct cr_hdr *hdr, u32 type,
		     size_t min_len)
{
	if (hdr->type != type)
		return cr_err(ctx, -EINVAL,
			      "expected a record of type %u, found type %u",
			      type, hdr->type);
	if (hdr->len < min_len)
		return cr_err(ctx, -EINVAL,
			      "record of type %u is too short (%u bytes)",
			      type, hdr->len);
	return 0;
}

/**
 * cr_read_rec() - Read a record of a given type and size.
 * @ctx: A restart context.
 * @type: The type it must have.
 * @rec: Where to put its payload.
 * @len: The size its payload must have.
 *
 * Context: Process context, the task reading the image; may sleep.
 * Return: 0, or a negative errno with its reason given: -EINVAL for a
 * record of another type or size.
 */
int cr_read_rec(struct cr_ctx *ctx, u32 type, void *rec, size_t len)
{
	size_t extra;
	int err = cr_read_rec_var(ctx, type, rec, len, &extra);

	if (!err && extra)
		err = cr_err(ctx, -EINVAL, "record of type %u is too long", type);
	return err;
}

/**
 * cr_read_rec_var() - Read the fixed part of a record of a given type.
 * @ctx: A restart context.
 * @type: The type it must have.
 * @rec: Where to put its first @len bytes.
 * @len: The least size of its payload.
 * @extra_len: Set to the bytes left in the record, for the caller to
 *	read and check.
 *
 * Context: Process context, the task reading the image; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_read_rec_var(struct cr_ctx *ctx, u32 type, void *rec, size_t len,
		    size_t *extra_len)
{
	struct cr_hdr hdr;
	int err;

	err = cr_read_hdr(ctx, &hdr);
	if (!err)
		err = cr_expect(ctx, &hdr, type, len);
	if (!err)
		err = cr_read(ctx, rec, len);
	if (!err)
		*extra_len = hdr.len - len;
	return err;
}

/**
 * cr_read_path() - Read an absolute path that ends a record.
 * @ctx: A restart context.
 * @path_len: Its length as the record says, its NUL included.
 * @extra_len: The bytes left in the record, which must be the path's.
 *
 * Context: Process context, the task reading the image; may sleep.
 * Return: The path, to kfree(), or an ERR_PTR(): -EINVAL with its reason
 * if it is empty, too long, not absolute or not NUL-terminated.
 */
char *cr_read_path(struct cr_ctx *ctx, u32 path_len, size_t extra_len)
{
	char *path;
	int err;

	if (!path_len || path_len > CR_PATH_MAX || path_len != extra_len)
		return ERR_PTR(cr_err(ctx, -EINVAL, "bad path length %u",
				      path_len));
	path = kmalloc(path_len, GFP_KERNEL);
	if (!path)
		return ERR_PTR(-ENOMEM);
	err = cr_read(ctx, path, path_len);
	if (!err && (path[0] != '/' || strnlen(path, path_len) != path_len - 1))
		err = cr_err(ctx, -EINVAL, "malformed path in the image");
	if (err) {
		kfree(path);
		return ERR_PTR(err);
	}
	return path;
}

/*
 * What is wrong with the image file as a whole, read again from its
 * start, or NULL: its end is no trailer, or the trailer's checksum or size
 * disagrees with its bytes.
 */
static const char *cr_image_corrupted(struct cr_ctx *ctx)
{
	struct {
		struct cr_hdr hdr;
		struct cr_trailer t;
	} tail;
	loff_t end = i_size_read(file_inode(ctx->file)), pos = ctx->start;
	u32 csum = 0;

	/* Without its pages, the checksum cannot be made again from here. */
	if (!ctx->csum_pages)
		return NULL;
	end -= sizeof(tail);
	if (end < pos ||
	    kernel_read(ctx->file, &tail, sizeof(tail), &end) != sizeof(tail) ||
	    tail.hdr.type != CR_TRAILER || tail.hdr.len != sizeof(tail.t))
		return "the image is corrupted (no trailer at its end)";
	end -= sizeof(tail);
	while (pos < end) {
		ssize_t n = kernel_read(ctx->file, ctx->buf,
					min_t(loff_t, end - pos, CR_BUF_SIZE), &pos);

		if (n <= 0 || fatal_signal_pending(current))
			return NULL;
		csum = cr_csum(csum, ctx->buf, n);
	}
	if (csum != tail.t.csum || tail.t.size != end - ctx->start)
		return "the image is corrupted (checksum mismatch)";
	return NULL;
}

/*
 * Write the reasons to logfd, once the syscall is done. A record of a
 * corrupted image misparses - a bad length, a pid twice - before the
 * trailer's checksum can tell why: if restart() of a file failed before
 * the end of the image, and the image is corrupted, that is said first,
 * and is the error.
 */
static long cr_write_log(struct cr_ctx *ctx, long ret)
{
	const char *why = NULL;
	char *log;
	size_t len;

	if (!ctx->log)
		return ret;
	if (ctx->restart && ret < 0 && ret != -EINTR && ret != -ESRCH &&
	    !ctx->reason_final && !(ctx->file->f_mode & FMODE_STREAM) &&
	    S_ISREG(file_inode(ctx->file)->i_mode) &&
	    !fatal_signal_pending(current))
		why = cr_image_corrupted(ctx);
	mutex_lock(&ctx->log_lock);
	log = ctx->log;
	len = ctx->log_len;
	ctx->log = NULL;
	mutex_unlock(&ctx->log_lock);
	if (why) {
		char *line = kasprintf(GFP_KERNEL, "restart: %s (%d)\n", why,
				       -EINVAL);

		if (line)
			kernel_write(ctx->logfile, line, strlen(line),
				     cr_ppos(ctx->logfile, &ctx->logfile->f_pos));
		kfree(line);
		ret = -EINVAL;
	}
	if (len)
		kernel_write(ctx->logfile, log, len,
			     cr_ppos(ctx->logfile, &ctx->logfile->f_pos));
	kvfree(log);
	return ret;
}

static long cr_syscall(pid_t pid, int fd, unsigned long flags, int logfd,
		       bool restart)
{
	struct cr_ctx *ctx;
	long ret;

	if (in_compat_syscall())
		return -EOPNOTSUPP;
	ctx = cr_ctx_alloc(fd, logfd, flags, restart);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	cr_lsm_set_active(true);
	ret = restart ? do_restart(ctx, pid) : do_checkpoint(ctx, pid);
	/* Part of the image is read or written: never restart the syscall. */
	if (cr_interrupted(ret))
		ret = -EINTR;
	ret = cr_write_log(ctx, ret);
	cr_lsm_set_active(false);
	cr_ctx_put(ctx);
	return ret;
}

SYSCALL_DEFINE4(checkpoint, pid_t, pid, int, fd, unsigned long, flags,
		int, logfd)
{
	if (flags & ~CHECKPOINT_FLAGS_ALL)
		return -EINVAL;
	return cr_syscall(pid, fd, flags, logfd, false);
}

SYSCALL_DEFINE4(restart, pid_t, pid, int, fd, unsigned long, flags,
		int, logfd)
{
	if (flags & ~RESTART_FLAGS_ALL || pid < 0 ||
	    (pid && (flags & RESTART_PIDS)))
		return -EINVAL;
	if ((flags & RESTART_TRUSTED) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	return cr_syscall(pid, fd, flags, logfd, true);
}
