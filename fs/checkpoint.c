// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of open files, fd tables, and the cwd, root and umask.
 *
 * Regular files, FIFOs and the memory character devices are reopened by
 * path at restart, with their flags and offset, by the restored task itself
 * and so with the restarter's permissions. Paths - of files, the cwd and
 * the root - are saved as the checkpointer sees them, from its root, and
 * resolved at restart from the restarter's root: a chroot()ed task gets
 * its root back last, after its files, which may lie outside it. Pipes are
 * made anew. The bytes in flight in a pipe or FIFO are saved with it, and
 * written back into it at restart; every end of it must be in the image.
 * A memfd's file is opened again on the memfd that mm/checkpoint.c makes.
 * Eventfds, signalfds, timerfds and epoll files are made anew with what
 * they held.
 * Any other kind of open file makes checkpoint() fail with a reason.
 */
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/filelock.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/eventfd.h>
#include <linux/eventpoll.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/namei.h>
#include <linux/pipe_fs_i.h>
#include <linux/security.h>
#include <linux/sched/task.h>
#include <linux/signalfd.h>
#include <linux/slab.h>
#include <linux/timerfd.h>
#include <net/af_unix.h>

#include "internal.h"

/* Open flags kept across restart; the others cannot be set by open(). */
#define CR_OPEN_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			 __O_SYNC | O_DIRECT | O_LARGEFILE | O_NOATIME)
/* What a pipe's end keeps: O_DIRECT is packet mode. */
#define CR_PIPE_FLAGS	(O_ACCMODE | O_NONBLOCK | O_DIRECT | O_LARGEFILE)

static bool cr_is_anon_pipe(const struct file *file)
{
	return file_inode(file)->i_sb->s_magic == PIPEFS_MAGIC;
}

/* Set @file's O_NONBLOCK and O_DIRECT (a pipe's packet mode) as @flags. */
static void cr_set_flags(struct file *file, u32 flags)
{
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~(O_NONBLOCK | O_DIRECT)) |
			(flags & (O_NONBLOCK | O_DIRECT));
	spin_unlock(&file->f_lock);
}

/*
 * Whether @file itself holds a lease, or (@lease false) a flock() or OFD
 * lock: those live as long as the file. POSIX locks are the fd table's.
 */
static bool cr_file_holds(struct file *file, bool lease)
{
	struct file_lock_context *flctx = locks_inode_context(file_inode(file));
	struct file_lock_core *flc;
	bool found = false;

	if (!flctx)
		return false;
	spin_lock(&flctx->flc_lock);
	if (lease) {
		list_for_each_entry(flc, &flctx->flc_lease, flc_list)
			found |= flc->flc_file == file;
	} else {
		list_for_each_entry(flc, &flctx->flc_flock, flc_list)
			found |= flc->flc_file == file;
		list_for_each_entry(flc, &flctx->flc_posix, flc_list)
			found |= flc->flc_file == file &&
				 (flc->flc_flags & FL_OFDLCK);
	}
	spin_unlock(&flctx->flc_lock);
	return found;
}

static bool cr_file_at_an_fd(struct task_struct *t, struct file *file)
{
	unsigned int fd;
	bool found = false;

	for (fd = 0; !found; fd++) {
		struct file *f;

		rcu_read_lock();
		f = task_lookup_next_fdget_rcu(t, &fd);
		rcu_read_unlock();
		if (!f)
			break;
		found = f == file;
		fput(f);
	}
	return found;
}

/**
 * cr_check_mapped_file - refuse what a mapped file holds that would be lost
 * @ctx: checkpoint context
 * @t: the task that maps @file
 * @file: a file one of its VMAs maps
 *
 * Locks are saved with the fd table: a file's own lock taken before its
 * last fd was closed lives on through the mapping alone, and would be
 * lost.
 *
 * Context: Process context, the checkpointer, with @t parked; may sleep.
 * Return: 0, or -EOPNOTSUPP with its reason given.
 */
int cr_check_mapped_file(struct cr_ctx *ctx, struct task_struct *t,
			 struct file *file)
{
	if (cr_file_holds(file, false) && !cr_file_at_an_fd(t, file))
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has a file locked only through a mapping (not supported)",
			      task_pid_vnr(t));
	return 0;
}

/* Why @file cannot be saved, or NULL; @buf has CR_WHY_LEN bytes. */
static const char *cr_file_unsupported(struct file *file, char *buf)
{
	struct inode *inode = file_inode(file);

	if (file->f_mode & FMODE_PATH)
		return "an O_PATH file";
	if (cr_file_support(file, buf) != CR_SUPPORTED)
		return buf;
	if (IS_ROOT(file->f_path.dentry) && S_ISREG(inode->i_mode) &&
	    file->f_path.dentry != file->f_path.mnt->mnt_root &&
	    !cr_shmem_kind(file))
		return "an unnamed file (SysV shared memory or a driver's)";
	if (d_unlinked(file->f_path.dentry) &&
	    (!S_ISREG(inode->i_mode) || inode->i_nlink))
		return "a deleted file with other links";
	if (d_unlinked(file->f_path.dentry) &&
	    i_size_read(inode) > CR_DELETED_MAX)
		return "a deleted file larger than 256 MiB";
	if (file->f_flags & FASYNC)
		return "a file with O_ASYNC";
	if (cr_file_holds(file, true))
		return "a file with a lease";
	return NULL;
}

/* @path as the checkpointer sees it, in @buf; NULL if outside its root. */
static char *cr_path(const struct path *path, char *buf)
{
	struct path root;
	char *p;

	get_fs_root(current->fs, &root);
	p = __d_path(path, &root, buf, PATH_MAX);
	path_put(&root);
	return p;
}

static int cr_get_eventfd(struct file *file, struct cr_eventfd *rec)
{
	unsigned int flags;
	int err;

	err = eventfd_get_state(file, &rec->count, &flags);
	rec->semaphore = !err && (flags & EFD_SEMAPHORE);
	return err;
}

static int cr_get_signalfd(struct file *file, struct cr_signalfd *rec)
{
	sigset_t mask;
	int err;

	err = signalfd_get_mask(file, &mask);
	rec->mask = err ? 0 : mask.sig[0];
	return err;
}

static int cr_get_timerfd(struct cr_ctx *ctx, struct task_struct *t,
			  struct file *file, struct cr_timerfd *rec)
{
	struct itimerspec64 its;
	int flags, err;

	err = timerfd_get_state(file, &rec->clockid, &flags, &its, &rec->ticks);
	if (err)
		return err;
	if (flags & TFD_TIMER_CANCEL_ON_SET)
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has a timerfd with TFD_TIMER_CANCEL_ON_SET (not supported)",
			      task_pid_vnr(t));
	rec->value_ns = timespec64_to_ns(&its.it_value);
	rec->interval_ns = timespec64_to_ns(&its.it_interval);
	return 0;
}

/*
 * An anon-inode file of a kind c/r supports, as the record that defines
 * it: what it holds is read, never consumed.
 */
static int cr_write_anon(struct cr_ctx *ctx, struct task_struct *t,
			 struct file *file, u32 *objref)
{
	const char *name = file->f_path.dentry->d_name.name;
	union {
		struct cr_anon anon;
		struct cr_eventfd efd;
		struct cr_signalfd sfd;
		struct cr_timerfd tfd;
	} rec = {};
	size_t len;
	u32 type;
	int err;

	/* Each reader fails with -EINVAL on a file of another kind. */
	if (!strcmp(name, "[eventfd]")) {
		err = cr_get_eventfd(file, &rec.efd);
		type = CR_EVENTFD;
		len = sizeof(rec.efd);
	} else if (!strcmp(name, "[signalfd]")) {
		err = cr_get_signalfd(file, &rec.sfd);
		type = CR_SIGNALFD;
		len = sizeof(rec.sfd);
	} else {
		err = cr_get_timerfd(ctx, t, file, &rec.tfd);
		type = CR_TIMERFD;
		len = sizeof(rec.tfd);
	}
	rec.anon.flags = file->f_flags & (O_ACCMODE | O_NONBLOCK);
	err = err ?: cr_obj_add(ctx, file, CR_OBJ_FILE, &rec.anon.objref) ?:
	      cr_write_rec(ctx, type, &rec, len, NULL, 0);
	*objref = rec.anon.objref;
	return err;
}

static struct file *cr_make_eventfd(struct cr_ctx *ctx,
				    const struct cr_eventfd *rec)
{
	if (rec->semaphore > 1 || rec->pad || rec->count == ULLONG_MAX)
		return ERR_PTR(cr_err(ctx, -EINVAL, "bad eventfd record"));
	return eventfd_file_create(rec->count,
				   (rec->anon.flags & O_NONBLOCK) |
				   (rec->semaphore ? EFD_SEMAPHORE : 0));
}

static struct file *cr_make_signalfd(struct cr_ctx *ctx,
				     const struct cr_signalfd *rec)
{
	sigset_t mask = { .sig[0] = rec->mask };

	BUILD_BUG_ON(_NSIG_WORDS != 1);
	return signalfd_file_create(&mask, rec->anon.flags & O_NONBLOCK);
}

static struct file *cr_make_timerfd(struct cr_ctx *ctx,
				    const struct cr_timerfd *rec)
{
	struct itimerspec64 its = {
		.it_value = ns_to_timespec64(rec->value_ns),
		.it_interval = ns_to_timespec64(rec->interval_ns),
	};
	struct file *file;
	int err;

	if (rec->value_ns < 0 || rec->interval_ns < 0 || rec->pad)
		return ERR_PTR(cr_err(ctx, -EINVAL, "bad timerfd record"));
	/* A clock it may not use - an alarm one - fails here. */
	file = timerfd_file_create(rec->clockid, rec->anon.flags & O_NONBLOCK);
	if (IS_ERR(file))
		return file;
	err = timerfd_set_state(file, 0, &its, rec->ticks);
	if (err) {
		fput(file);
		return ERR_PTR(err);
	}
	return file;
}

static bool cr_is_epoll(struct file *file)
{
	return file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       !strcmp(file->f_path.dentry->d_name.name, "[eventpoll]");
}

/* The files @n @items watch, and the items, as @out says them. */
static int cr_write_epoll_items(struct cr_ctx *ctx, struct task_struct *t,
				struct eventpoll_item *items, int n,
				struct cr_epoll_item *out)
{
	int i, err = 0;

	for (i = 0; !err && i < n; i++) {
		if (cr_is_epoll(items[i].file))
			return cr_err(ctx, -EOPNOTSUPP,
				      "pid %d has an epoll file watching another (not supported)",
				      task_pid_vnr(t));
		err = cr_write_file(ctx, t, items[i].file, false, &out[i].file);
		out[i].fd = items[i].fd;
		out[i].events = (__force u32)items[i].event.events;
		out[i].data = items[i].event.data;
	}
	return err;
}

/*
 * An epoll file: the files it watches, then the record that defines it,
 * with its interest list.
 */
static int cr_write_epoll(struct cr_ctx *ctx, struct task_struct *t,
			  struct file *file, u32 *objref)
{
	struct cr_epoll rec = {};
	struct eventpoll_item *items;
	struct cr_epoll_item *out;
	int n, i, err;

	items = kvmalloc_array(CR_EPOLL_ITEMS_MAX, sizeof(*items), GFP_KERNEL);
	if (!items)
		return -ENOMEM;
	n = eventpoll_get_items(file, items, CR_EPOLL_ITEMS_MAX);
	if (n < 0) {
		kvfree(items);
		return n != -E2BIG ? n :
		       cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has an epoll file watching more than %u files (not supported)",
			      task_pid_vnr(t), CR_EPOLL_ITEMS_MAX);
	}
	out = kvcalloc(max(n, 1), sizeof(*out), GFP_KERNEL);
	err = out ? cr_write_epoll_items(ctx, t, items, n, out) : -ENOMEM;
	for (i = 0; i < n; i++)
		fput(items[i].file);
	kvfree(items);

	rec.anon.flags = file->f_flags & (O_ACCMODE | O_NONBLOCK);
	rec.nr_items = n;
	err = err ?: cr_obj_add(ctx, file, CR_OBJ_FILE, &rec.anon.objref) ?:
	      cr_write_rec(ctx, CR_EPOLL, &rec, sizeof(rec), out,
			   n * sizeof(*out));
	*objref = rec.anon.objref;
	kvfree(out);
	return err;
}

/* A CR_EPOLL, whose header has been read: the epoll file and its items. */
static int cr_restore_epoll(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	struct cr_epoll rec;
	struct file *file;
	u32 i;
	int err;

	if (hdr->len < sizeof(rec))
		return cr_err(ctx, -EINVAL, "bad epoll record");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	if (rec.anon.flags != (O_RDWR | (rec.anon.flags & O_NONBLOCK)) ||
	    rec.pad || rec.nr_items > CR_EPOLL_ITEMS_MAX ||
	    hdr->len - sizeof(rec) != rec.nr_items * sizeof(struct cr_epoll_item))
		return cr_err(ctx, -EINVAL, "bad epoll record");
	file = eventpoll_file_create(0);
	if (IS_ERR(file))
		return cr_err(ctx, PTR_ERR(file), "cannot make an epoll file");
	cr_set_flags(file, rec.anon.flags);
	for (i = 0; !err && i < rec.nr_items; i++) {
		struct cr_epoll_item item;
		struct epoll_event ev;
		struct file *tfile;

		err = cr_read(ctx, &item, sizeof(item));
		if (err)
			break;
		tfile = cr_obj_find(ctx, item.file, CR_OBJ_FILE);
		if (!tfile || item.fd < 0 || item.pad) {
			err = cr_err(ctx, -EINVAL, "bad epoll item");
			break;
		}
		ev.events = (__force __poll_t)item.events;
		ev.data = item.data;
		/* With the checks of epoll_ctl(): no loops, no EPOLLWAKEUP */
		err = epoll_ctl_file(file, EPOLL_CTL_ADD, tfile, item.fd, &ev,
				     false);
		if (err)
			cr_err(ctx, err, "cannot watch fd %d with epoll", item.fd);
	}
	if (!err)
		err = cr_obj_insert(ctx, rec.anon.objref, CR_OBJ_FILE, file);
	if (err)
		fput(file);
	return err;
}

/* A CR_EVENTFD, CR_SIGNALFD or CR_TIMERFD, whose header has been read. */
static int cr_restore_anon(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	union {
		struct cr_anon anon;
		struct cr_eventfd efd;
		struct cr_signalfd sfd;
		struct cr_timerfd tfd;
	} rec;
	struct file *file;
	size_t len;
	int err;

	len = hdr->type == CR_EVENTFD ? sizeof(rec.efd) :
	      hdr->type == CR_SIGNALFD ? sizeof(rec.sfd) : sizeof(rec.tfd);
	if (hdr->len != len)
		return cr_err(ctx, -EINVAL, "bad record of type %u", hdr->type);
	err = cr_read(ctx, &rec, len);
	if (err)
		return err;
	if (rec.anon.flags != (O_RDWR | (rec.anon.flags & O_NONBLOCK)))
		return cr_err(ctx, -EINVAL, "bad flags in a record of type %u",
			      hdr->type);
	if (hdr->type == CR_EVENTFD)
		file = cr_make_eventfd(ctx, &rec.efd);
	else if (hdr->type == CR_SIGNALFD)
		file = cr_make_signalfd(ctx, &rec.sfd);
	else
		file = cr_make_timerfd(ctx, &rec.tfd);
	if (IS_ERR(file))
		return cr_err(ctx, PTR_ERR(file),
			      "cannot make the file of a record of type %u",
			      hdr->type);
	err = cr_obj_insert(ctx, rec.anon.objref, CR_OBJ_FILE, file);
	if (err)
		fput(file);
	return err;
}

/*
 * A deleted file's content goes into the image, once: restart makes one
 * new unlinked file for each open file, so two open files of one deleted
 * inode would part.
 */
static int cr_count_deleted(struct cr_ctx *ctx, struct task_struct *t,
			    struct inode *inode)
{
	u32 objref;

	if (cr_obj_lookup(ctx, inode))
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has a deleted file opened twice (not supported)",
			      task_pid_vnr(t));
	return cr_obj_add(ctx, inode, CR_OBJ_INODE, &objref);
}

/* The @size bytes of deleted @file, in CR_DATA records, as read(2) sees them. */
static int cr_write_deleted(struct cr_ctx *ctx, struct task_struct *t,
			    struct file *file, u64 size)
{
	struct file *rd = file;
	loff_t pos = 0;
	void *buf;
	int err = 0;

	if (!(file->f_mode & FMODE_READ)) {
		/* Write-only: read it as the checkpointer could through /proc. */
		err = inode_permission(file_mnt_idmap(file), file_inode(file),
				       MAY_READ);
		rd = err ? ERR_PTR(err) :
		     dentry_open(&file->f_path, O_RDONLY | O_LARGEFILE,
				 current_cred());
		if (IS_ERR(rd))
			return cr_err(ctx, PTR_ERR(rd),
				      "pid %d: cannot read a deleted file it has open",
				      task_pid_vnr(t));
	}
	buf = kvmalloc(CR_DATA_MAX, GFP_KERNEL);
	if (!buf)
		err = -ENOMEM;
	while (!err && pos < size) {
		size_t n = min_t(u64, size - pos, CR_DATA_MAX);
		ssize_t got = kernel_read(rd, buf, n, &pos);

		if (got != n)
			err = cr_err(ctx, got < 0 ? got : -EIO,
				     "pid %d: cannot read a deleted file it has open",
				     task_pid_vnr(t));
		else
			err = cr_write_rec(ctx, CR_DATA, buf, n, NULL, 0);
	}
	kvfree(buf);
	if (rd != file)
		fput(rd);
	return err;
}

/*
 * restart: open @path of the image, through no symlink. The image holds
 * the path d_path() gave, which has none: a symlink on it was put there
 * since checkpoint, and leads nowhere. The walk and the open are done
 * with the credentials in force, the job's.
 */
static struct file *cr_open_path(const char *path, int flags, umode_t mode)
{
	struct open_how how = build_open_how(flags, mode);
	struct open_flags op;
	struct filename *name;
	struct file *file;
	int err;

	how.resolve = RESOLVE_NO_SYMLINKS;
	err = build_open_flags(&how, &op);
	if (err)
		return ERR_PTR(err);
	name = getname_kernel(path);
	if (IS_ERR(name))
		return ERR_CAST(name);
	file = do_filp_open(AT_FDCWD, name, &op);
	putname(name);
	return file;
}

/*
 * restart: a deleted file, made anew as an unlinked file in the directory
 * it was in, with the content the image holds.
 */
static struct file *cr_restore_deleted(struct cr_ctx *ctx,
				       const struct cr_file *rec, char *path)
{
	char *slash = strrchr(path, '/');
	struct file *tmp, *file;
	u64 left = rec->size;
	loff_t pos = 0;
	void *buf;
	int err = 0;

	if (rec->size > CR_DELETED_MAX)
		return ERR_PTR(cr_err(ctx, -EINVAL, "bad deleted file record"));
	*slash = '\0';
	tmp = cr_open_path(slash == path ? "/" : path,
			   O_TMPFILE | O_RDWR | O_LARGEFILE, rec->mode & 07777);
	*slash = '/';
	if (IS_ERR(tmp))
		return ERR_PTR(cr_err(ctx, PTR_ERR(tmp),
				      "cannot make deleted file %s again", path));
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		err = -ENOMEM;
	while (!err && left) {
		struct cr_hdr hdr;
		u32 n;

		/* Raw: no object may stand between a file and its data. */
		err = cr_read(ctx, &hdr, sizeof(hdr));
		if (!err && (hdr.type != CR_DATA || !hdr.len ||
			     hdr.len > CR_DATA_MAX || hdr.len > left))
			err = cr_err(ctx, -EINVAL, "bad data of deleted file %s",
				     path);
		for (n = 0; !err && n < hdr.len; n += PAGE_SIZE) {
			size_t k = min_t(u32, hdr.len - n, PAGE_SIZE);

			err = cr_read(ctx, buf, k);
			if (!err && kernel_write(tmp, buf, k, &pos) != k)
				err = cr_err(ctx, -EIO, "cannot write deleted file %s",
					     path);
		}
		left -= err ? 0 : hdr.len;
	}
	kfree(buf);
	/* Its own open file, with the flags it had; the inode is ours. */
	file = err ? ERR_PTR(err) :
	       dentry_open(&tmp->f_path, rec->flags | O_LARGEFILE,
			   current_cred());
	fput(tmp);
	if (IS_ERR(file) && !err)
		cr_err(ctx, PTR_ERR(file), "cannot open deleted file %s", path);
	return file;
}

/* checkpoint: a pipe in the image, and how many of its ends are too. */
struct cr_pipe_seen {
	struct list_head	list;
	struct pipe_inode_info	*pipe;
	u32			objref;
	unsigned int		readers, writers;	/* open files */
};

/* Copy the bytes in @pipe, locked, to a new buffer *@data. */
static const char *cr_copy_pipe(struct pipe_inode_info *pipe,
				struct cr_pipe *rec, char **data)
{
	unsigned int i;
	size_t n = 0;

#ifdef CONFIG_WATCH_QUEUE
	if (pipe->watch_queue)
		return "a notification pipe";
#endif
	for (i = pipe->tail; i != pipe->head; i++) {
		struct pipe_buffer *buf = pipe_buf(pipe, i);

		if (buf->flags & PIPE_BUF_FLAG_PACKET)
			return "a packet-mode pipe with data in it";
		if (buf->offset + buf->len > PAGE_SIZE)
			return "a pipe with a spliced folio in it";
		n += buf->len;
	}
	if (n > CR_PIPE_DATA_MAX)
		return "a pipe with more than 1 MiB in it";
	rec->size = pipe->max_usage << PAGE_SHIFT;
	rec->nr_bytes = n;
	if (!n)
		return NULL;
	*data = kvmalloc(n, GFP_KERNEL);
	if (!*data)
		return "a pipe (out of memory)";
	for (i = pipe->tail, n = 0; i != pipe->head; i++) {
		struct pipe_buffer *buf = pipe_buf(pipe, i);
		void *kaddr;

		if (pipe_buf_confirm(pipe, buf))
			return "a pipe with unreadable data in it";
		kaddr = kmap_local_page(buf->page);
		memcpy(*data + n, kaddr + buf->offset, buf->len);
		kunmap_local(kaddr);
		n += buf->len;
	}
	return NULL;
}

/*
 * Write the pipe behind @file, a pipe's end or a FIFO at @path, unless it
 * was written already, and count @file as one of its ends.
 */
static int cr_write_pipe(struct cr_ctx *ctx, struct task_struct *t,
			 struct file *file, const char *path, u32 *objref)
{
	struct pipe_inode_info *pipe = get_pipe_info(file, false);
	struct cr_pipe rec = {};
	struct cr_pipe_seen *seen;
	struct cr_hdr hdr;
	char *data = NULL;
	const char *why;
	int err;

	if (!pipe)
		return -EINVAL;
	list_for_each_entry(seen, &ctx->pipes, list)
		if (seen->pipe == pipe)
			goto count;

	seen = kzalloc(sizeof(*seen), GFP_KERNEL);
	if (!seen)
		return -ENOMEM;
	seen->pipe = pipe;
	list_add_tail(&seen->list, &ctx->pipes);
	pipe_lock(pipe);
	why = cr_copy_pipe(pipe, &rec, &data);
	pipe_unlock(pipe);
	if (why) {
		err = cr_err(ctx, -EOPNOTSUPP, "pid %d has %s open (not supported)",
			     task_pid_vnr(t), why);
		goto out;
	}
	rec.kind = path ? CR_PIPE_FIFO : CR_PIPE_ANON;
	rec.path_len = path ? strlen(path) + 1 : 0;
	hdr.type = CR_PIPE;
	hdr.len = sizeof(rec) + rec.path_len + rec.nr_bytes;
	err = cr_obj_add(ctx, pipe, CR_OBJ_PIPE, &rec.objref) ?:
	      cr_write(ctx, &hdr, sizeof(hdr)) ?:
	      cr_write(ctx, &rec, sizeof(rec)) ?:
	      cr_write(ctx, path, rec.path_len) ?:
	      cr_write(ctx, data, rec.nr_bytes);
	seen->objref = rec.objref;
	if (err)
		goto out;
count:
	/* pipe(2) makes one file per end; open("/proc/pid/fd/N") more. */
	if (!path && ((seen->readers && (file->f_mode & FMODE_READ)) ||
		      (seen->writers && (file->f_mode & FMODE_WRITE))))
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has a pipe's end opened twice (not supported)",
			      task_pid_vnr(t));
	seen->readers += !!(file->f_mode & FMODE_READ);
	seen->writers += !!(file->f_mode & FMODE_WRITE);
	*objref = seen->objref;
	err = 0;
out:
	kvfree(data);
	return err;
}

/*
 * Once every task is written: a pipe with an end outside the image would
 * lose the bytes that end reads or writes after checkpoint.
 */
static int cr_check_pipes(struct cr_ctx *ctx)
{
	struct cr_pipe_seen *seen;
	bool outside;

	list_for_each_entry(seen, &ctx->pipes, list) {
		pipe_lock(seen->pipe);
		outside = seen->pipe->readers != seen->readers ||
			  seen->pipe->writers != seen->writers;
		pipe_unlock(seen->pipe);
		if (outside)
			return cr_err(ctx, -EOPNOTSUPP,
				      "a pipe or FIFO has an end open outside the checkpointed tasks (not supported)");
	}
	return 0;
}

static void cr_release_pipes(struct cr_ctx *ctx)
{
	struct cr_pipe_seen *seen, *tmp;

	list_for_each_entry_safe(seen, tmp, &ctx->pipes, list)
		kfree(seen);
}

/**
 * cr_write_file() - Write an open file as an object.
 * @ctx: A checkpoint context.
 * @t: The task that holds it.
 * @file: The file.
 * @mapped: Whether a mapping of @t maps it.
 * @objref: Set to its objref.
 *
 * Unless it was written already. A @mapped file must not change before
 * restart, or the pages of its mappings would change under the restored
 * task. Each kind of file is written by its part.
 *
 * Context: Process context, the checkpointer, with @t parked; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_write_file(struct cr_ctx *ctx, struct task_struct *t,
		  struct file *file, bool mapped, u32 *objref)
{
	struct inode *inode = file_inode(file);
	struct timespec64 mtime = inode_get_mtime(inode);
	struct cr_file rec = {};
	char *buf, *path, kind[CR_WHY_LEN];
	const struct cr_part *part;
	const char *why;
	int err;

	*objref = cr_obj_lookup(ctx, file);
	if (*objref)
		return 0;
	why = cr_file_unsupported(file, kind);
	if (why)
		return cr_err(ctx, -EOPNOTSUPP, "pid %d has %s open (not supported)",
			      task_pid_vnr(t), why);
	if (cr_is_epoll(file))
		return cr_write_epoll(ctx, t, file, objref);
	if (inode->i_sb->s_magic == ANON_INODE_FS_MAGIC)
		return cr_write_anon(ctx, t, file, objref);
	part = cr_file_part(file);
	if (part)
		return part->write_file(ctx, t, file, objref);

	buf = __getname();
	if (!buf)
		return -ENOMEM;
	path = NULL;
	if (!cr_is_anon_pipe(file) && !cr_shmem_kind(file)) {
		path = cr_path(&file->f_path, buf);
		if (IS_ERR_OR_NULL(path)) {
			err = cr_err(ctx, path ? PTR_ERR(path) : -EOPNOTSUPP,
				     "pid %d has a file open outside the checkpointer's root",
				     task_pid_vnr(t));
			goto out;
		}
	}

	if (S_ISFIFO(inode->i_mode)) {
		rec.kind = path ? CR_FILE_FIFO : CR_FILE_PIPE;
		err = cr_write_pipe(ctx, t, file, path, &rec.obj);
		if (err)
			goto out;
	} else if (S_ISDIR(inode->i_mode)) {
		rec.kind = CR_FILE_DIR;
	} else if (!path) {
		rec.kind = CR_FILE_SHMEM;
		err = cr_write_shmem(ctx, file, &rec.obj);
		if (err)
			goto out;
	} else if (d_unlinked(file->f_path.dentry)) {
		rec.kind = CR_FILE_DELETED;
		err = cr_count_deleted(ctx, t, inode);
		if (err)
			goto out;
	} else {
		rec.kind = S_ISREG(inode->i_mode) ? CR_FILE_REG : CR_FILE_CHR;
	}
	rec.flags = file->f_flags & CR_OPEN_FLAGS;
	rec.mode = inode->i_mode;
	rec.mapped = mapped;
	rec.pos = file->f_pos;
	rec.size = i_size_read(inode);
	rec.mtime_sec = mtime.tv_sec;
	rec.mtime_nsec = mtime.tv_nsec;
	rec.rdev = new_encode_dev(inode->i_rdev);
	rec.path_len = path ? strlen(path) + 1 : 0;
	err = cr_obj_add(ctx, file, CR_OBJ_FILE, &rec.objref);
	if (!err)
		err = cr_write_rec(ctx, CR_FILE, &rec, sizeof(rec), path,
				   rec.path_len);
	if (!err && rec.kind == CR_FILE_DELETED)
		err = cr_write_deleted(ctx, t, file, rec.size);
	*objref = rec.objref;
out:
	__putname(buf);
	return err;
}

static bool cr_same_kind(struct inode *inode, const struct cr_file *rec)
{
	if (rec->kind == CR_FILE_REG || rec->kind == CR_FILE_DELETED ||
	    rec->kind == CR_FILE_SHMEM)
		return S_ISREG(inode->i_mode);
	if (rec->kind == CR_FILE_FIFO)
		return S_ISFIFO(inode->i_mode);
	if (rec->kind == CR_FILE_DIR)
		return S_ISDIR(inode->i_mode);
	return S_ISCHR(inode->i_mode) && cr_chrdev_supported(inode->i_rdev) &&
	       new_encode_dev(inode->i_rdev) == rec->rdev;
}

/*
 * Before opening @path, make sure it is of the kind the image says: opening
 * a FIFO would block, and opening a device can have side effects. The check
 * is repeated on the opened file.
 */
static int cr_check_path(struct cr_ctx *ctx, const char *path,
			 const struct cr_file *rec)
{
	struct path p;
	int err;

	err = kern_path(path, LOOKUP_FOLLOW | LOOKUP_NO_SYMLINKS, &p);
	if (err)
		return cr_err(ctx, err, "cannot open %s", path);
	if (!cr_same_kind(d_inode(p.dentry), rec))
		err = cr_err(ctx, -EINVAL, "%s is no longer the same kind of file",
			     path);
	path_put(&p);
	return err;
}

static int cr_check_reopened(struct cr_ctx *ctx, struct file *file,
			     const struct cr_file *rec, const char *path)
{
	struct inode *inode = file_inode(file);
	struct timespec64 mtime = inode_get_mtime(inode);

	if (!cr_same_kind(inode, rec) ||
	    cr_file_support(file, NULL) != CR_SUPPORTED)
		return cr_err(ctx, -EINVAL, "%s is no longer the same kind of file",
			      path);
	if (rec->mapped && rec->kind == CR_FILE_REG &&
	    (i_size_read(inode) != rec->size || mtime.tv_sec != rec->mtime_sec ||
	     mtime.tv_nsec != rec->mtime_nsec))
		return cr_err(ctx, -ESTALE, "mapped file %s changed since checkpoint",
			      path);
	/* A directory's position is what its llseek() takes back. */
	if (rec->kind != CR_FILE_CHR && rec->kind != CR_FILE_FIFO && rec->pos) {
		loff_t pos = vfs_llseek(file, rec->pos, SEEK_SET);

		if (pos != rec->pos)
			return cr_err(ctx, pos < 0 ? pos : -EINVAL,
				      "cannot seek %s to %llu", path, rec->pos);
	}
	return 0;
}

/* restart: a pipe's two ends, or a FIFO held open for reading and writing */
struct cr_pipe_ends {
	struct file	*end[2];	/* read, write; a FIFO: end[0] only */
	bool		used[2];	/* a CR_FILE took the end */
};

/**
 * cr_put_pipe_ends() - Drop the files kept for a pipe's ends.
 * @ptr: What the pipe's object holds.
 *
 * Context: Process context; may sleep.
 */
void cr_put_pipe_ends(void *ptr)
{
	struct cr_pipe_ends *e = ptr;

	if (e->end[0])
		fput(e->end[0]);
	if (e->end[1])
		fput(e->end[1]);
	kfree(e);
}

/* Open the FIFO at @path for the restart, as nobody else may have it open. */
static int cr_open_fifo(struct cr_ctx *ctx, const char *path, struct file **fifo)
{
	static const struct cr_file fifo_rec = { .kind = CR_FILE_FIFO };
	struct pipe_inode_info *pipe;
	struct file *file;
	bool busy;
	int err;

	err = cr_check_path(ctx, path, &fifo_rec);
	if (err)
		return err;
	file = cr_open_path(path, O_RDWR | O_NONBLOCK | O_NOCTTY, 0);
	if (IS_ERR(file))
		return cr_err(ctx, PTR_ERR(file), "cannot open FIFO %s", path);
	*fifo = file;
	pipe = get_pipe_info(file, false);
	if (!pipe)
		return cr_err(ctx, -EINVAL, "%s is no longer a FIFO", path);
	pipe_lock(pipe);
	busy = pipe->readers != 1 || pipe->writers != 1 ||
	       pipe->head != pipe->tail;
	pipe_unlock(pipe);
	if (busy)
		return cr_err(ctx, -EBUSY, "FIFO %s is in use", path);
	return 0;
}

/* Give the new pipe behind @wr its size and the bytes that were in it. */
static int cr_fill_pipe(struct cr_ctx *ctx, struct file *wr,
			const struct cr_pipe *rec)
{
	struct pipe_inode_info *pipe = get_pipe_info(wr, false);
	u32 left = rec->nr_bytes;
	void *buf;
	long ret;
	int err = 0;

	if ((pipe->max_usage << PAGE_SHIFT) != rec->size) {
		ret = pipe_fcntl(wr, F_SETPIPE_SZ, rec->size);
		if (ret != rec->size)
			return cr_err(ctx, ret < 0 ? ret : -EINVAL,
				      "cannot make a pipe of %u bytes", rec->size);
	}
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (!err && left) {
		size_t n = min_t(size_t, left, PAGE_SIZE);
		loff_t pos = 0;

		err = cr_read(ctx, buf, n);
		if (err)
			break;
		ret = kernel_write(wr, buf, n, &pos);
		if (ret != n)
			err = cr_err(ctx, ret < 0 ? ret : -EIO,
				     "cannot refill a pipe");
		left -= n;
	}
	kfree(buf);
	return err;
}

/* A CR_PIPE record, whose header has been read: make the pipe. */
static int cr_restore_pipe(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	struct cr_pipe_ends *e;
	struct cr_pipe rec;
	char *path = NULL;
	bool fifo;
	int err;

	if (hdr->len < sizeof(rec))
		return cr_err(ctx, -EINVAL, "pipe record too short");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	fifo = rec.kind == CR_PIPE_FIFO;
	if ((rec.kind != CR_PIPE_ANON && !fifo) || fifo != !!rec.path_len ||
	    !rec.size ||
	    rec.nr_bytes > min(rec.size, CR_PIPE_DATA_MAX) ||
	    hdr->len - sizeof(rec) != (size_t)rec.path_len + rec.nr_bytes)
		return cr_err(ctx, -EINVAL, "bad pipe record");
	if (rec.path_len) {
		path = cr_read_path(ctx, rec.path_len, rec.path_len);
		if (IS_ERR(path))
			return PTR_ERR(path);
	}
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e) {
		kfree(path);
		return -ENOMEM;
	}
	if (path)
		err = cr_open_fifo(ctx, path, &e->end[0]);
	else
		err = create_pipe_files(e->end, O_NONBLOCK);
	if (!err)
		err = cr_fill_pipe(ctx, e->end[path ? 0 : 1], &rec) ?:
		      cr_obj_insert(ctx, rec.objref, CR_OBJ_PIPE, e);
	if (err)
		cr_put_pipe_ends(e);
	kfree(path);
	return err;
}

/* A pipe's end: the read or write end made with its CR_PIPE. */
static int cr_restore_pipe_end(struct cr_ctx *ctx, const struct cr_file *rec,
			       size_t extra)
{
	struct cr_pipe_ends *e;
	struct file *file;
	int end, err;

	end = (rec->flags & O_ACCMODE) == O_WRONLY;
	if (extra || rec->path_len || (rec->flags & ~CR_PIPE_FLAGS) ||
	    ((rec->flags & O_ACCMODE) != O_RDONLY && !end))
		return cr_err(ctx, -EINVAL, "bad pipe end record");
	e = cr_obj_find(ctx, rec->obj, CR_OBJ_PIPE);
	if (!e || !e->end[1] || e->used[end])
		return cr_err(ctx, -EINVAL, "bad pipe end record");
	e->used[end] = true;
	file = get_file(e->end[end]);
	cr_set_flags(file, rec->flags);
	err = cr_obj_insert(ctx, rec->objref, CR_OBJ_FILE, file);
	if (err)
		fput(file);
	return err;
}

/* A FIFO reopened by path must be the FIFO its CR_PIPE opened. */
static int cr_check_fifo(struct cr_ctx *ctx, struct file *file,
			 const struct cr_file *rec, const char *path)
{
	struct cr_pipe_ends *e = cr_obj_find(ctx, rec->obj, CR_OBJ_PIPE);

	if (!e || e->end[1] ||
	    get_pipe_info(file, false) != get_pipe_info(e->end[0], false))
		return cr_err(ctx, -EINVAL, "FIFO %s is not the one saved", path);
	cr_set_flags(file, rec->flags);
	return 0;
}

/* A file of a memfd or of shared memory: opened on what its CR_SHMEM made. */
static int cr_restore_shmem_file(struct cr_ctx *ctx, const struct cr_file *rec,
				 size_t extra)
{
	struct file *shmem, *file;
	int err;

	if (extra || rec->path_len || (rec->flags & ~CR_OPEN_FLAGS) ||
	    rec->mapped > 1)
		return cr_err(ctx, -EINVAL, "bad shared memory file record");
	shmem = cr_obj_find(ctx, rec->obj, CR_OBJ_SHMEM);
	if (!shmem)
		return -EINVAL;
	file = dentry_open(&shmem->f_path, rec->flags | O_LARGEFILE,
			   current_cred());
	if (IS_ERR(file))
		return cr_err(ctx, PTR_ERR(file), "cannot open shared memory");
	err = cr_check_reopened(ctx, file, rec, "shared memory") ?:
	      cr_obj_insert(ctx, rec->objref, CR_OBJ_FILE, file);
	if (err)
		fput(file);
	return err;
}

/* A CR_FILE record, whose header has been read: reopen the file. */
static int cr_restore_file(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	const struct cr_part *part;
	struct cr_file rec;
	struct file *file;
	char *path;
	int err;

	if (hdr->len < sizeof(rec))
		return cr_err(ctx, -EINVAL, "file record too short");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	if (rec.kind == CR_FILE_PIPE)
		return cr_restore_pipe_end(ctx, &rec, hdr->len - sizeof(rec));
	if (rec.kind == CR_FILE_SHMEM)
		return cr_restore_shmem_file(ctx, &rec, hdr->len - sizeof(rec));
	path = cr_read_path(ctx, rec.path_len, hdr->len - sizeof(rec));
	if (IS_ERR(path))
		return PTR_ERR(path);

	part = cr_file_kind_part(rec.kind);
	if (part) {
		file = part->open_file(ctx, &rec, path);
		err = IS_ERR(file) ? PTR_ERR(file) :
		      cr_obj_insert(ctx, rec.objref, CR_OBJ_FILE, file);
		if (err && !IS_ERR(file))
			fput(file);
		goto out;
	}
	err = -EINVAL;
	if (rec.kind < CR_FILE_REG || rec.kind > CR_FILE_DELETED ||
	    (rec.flags & ~CR_OPEN_FLAGS) || rec.mapped > 1 ||
	    (rec.mapped && rec.kind != CR_FILE_REG &&
	     rec.kind != CR_FILE_DELETED && rec.kind != CR_FILE_CHR)) {
		cr_err(ctx, err, "bad file record for %s", path);
		goto out;
	}
	if (rec.kind == CR_FILE_DELETED) {
		file = cr_restore_deleted(ctx, &rec, path);
		if (IS_ERR(file)) {
			err = PTR_ERR(file);
			goto out;
		}
	} else {
		err = cr_check_path(ctx, path, &rec);
		if (err)
			goto out;
		file = cr_open_path(path, rec.flags | O_NOCTTY | O_NONBLOCK, 0);
		if (IS_ERR(file)) {
			err = cr_err(ctx, PTR_ERR(file), "cannot open %s", path);
			goto out;
		}
	}
	if (!(rec.flags & O_NONBLOCK)) {
		spin_lock(&file->f_lock);
		file->f_flags &= ~O_NONBLOCK;
		spin_unlock(&file->f_lock);
	}
	err = cr_check_reopened(ctx, file, &rec, path);
	if (!err && rec.kind == CR_FILE_FIFO)
		err = cr_check_fifo(ctx, file, &rec, path);
	if (!err)
		err = cr_obj_insert(ctx, rec.objref, CR_OBJ_FILE, file);
	if (err)
		fput(file);
out:
	kfree(path);
	return err;
}

/* checkpoint: the locks of an fd table, and the files they were taken by */
struct cr_locks {
	struct cr_lock	*lock;		/* CR_LOCKS_MAX of them, once needed */
	struct file	**seen;		/* a file per lock, at most */
	unsigned int	nr, nr_seen;
};

static bool cr_add_lock(struct cr_locks *l, int fd, u32 kind,
			const struct file_lock *fl)
{
	struct cr_lock *k = &l->lock[l->nr];

	if (l->nr == CR_LOCKS_MAX)
		return false;
	k->fd = fd;
	k->kind = kind;
	k->type = fl->c.flc_type;
	k->start = fl->fl_start;
	k->end = fl->fl_end;
	l->nr++;
	return true;
}

/*
 * The locks @t holds that were taken through @file, at @fd: its flock()
 * and OFD locks, and the POSIX locks of @t's fd table - which closing any
 * fd of the inode would have dropped, so their file is still at an fd.
 */
static int cr_get_locks(struct cr_ctx *ctx, struct task_struct *t,
			struct file *file, int fd, struct cr_locks *l)
{
	struct file_lock_context *flctx = locks_inode_context(file_inode(file));
	unsigned int i, first = l->nr;
	struct file_lock *fl;
	bool room = true;

	if (!flctx)
		return 0;
	for (i = 0; i < l->nr_seen; i++)
		if (l->seen[i] == file)
			return 0;	/* at a lower fd too */
	if (!l->lock) {
		l->lock = kvcalloc(CR_LOCKS_MAX, sizeof(*l->lock), GFP_KERNEL);
		l->seen = kvcalloc(CR_LOCKS_MAX, sizeof(*l->seen), GFP_KERNEL);
		if (!l->lock || !l->seen)
			return -ENOMEM;
	}
	spin_lock(&flctx->flc_lock);
	list_for_each_entry(fl, &flctx->flc_flock, c.flc_list)
		if (fl->c.flc_file == file)
			room &= cr_add_lock(l, fd, CR_LOCK_FLOCK, fl);
	list_for_each_entry(fl, &flctx->flc_posix, c.flc_list) {
		if (fl->c.flc_file != file)
			continue;
		if (fl->c.flc_flags & FL_OFDLCK)
			room &= cr_add_lock(l, fd, CR_LOCK_OFD, fl);
		else if (fl->c.flc_owner == (fl_owner_t)t->files)
			room &= cr_add_lock(l, fd, CR_LOCK_POSIX, fl);
	}
	spin_unlock(&flctx->flc_lock);
	if (!room)
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d holds more than %u file locks (not supported)",
			      task_pid_vnr(t), CR_LOCKS_MAX);
	if (l->nr > first)
		l->seen[l->nr_seen++] = file;
	return 0;
}

/**
 * cr_write_files() - Write the fd table of a task.
 * @ctx: A checkpoint context.
 * @t: The task.
 * @objref: The objref of its files_struct, shared by CLONE_FILES.
 *
 * Each fd, its file, FD_CLOEXEC, and the locks held through it.
 *
 * Context: Process context, the checkpointer, with @t parked; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_write_files(struct cr_ctx *ctx, struct task_struct *t, u32 objref)
{
	struct cr_fdtable rec = { .objref = objref };
	struct cr_hdr hdr = { .type = CR_FDTABLE };
	struct cr_fd *fds = NULL, *tmp;
	unsigned int fd, n = 0, size = 0;
	struct cr_locks locks = {};
	int err = 0;

	for (fd = 0; !err; fd++) {
		struct file *file;
		bool cloexec;

		rcu_read_lock();
		file = task_lookup_next_fdget_rcu(t, &fd);
		rcu_read_unlock();
		if (!file)
			break;
		task_lock(t);
		rcu_read_lock();
		cloexec = t->files && close_on_exec(fd, t->files);
		rcu_read_unlock();
		task_unlock(t);

		if (n == CR_FDS_MAX) {
			fput(file);
			err = cr_err(ctx, -EOPNOTSUPP,
				     "pid %d has more than %u files open (not supported)",
				     task_pid_vnr(t), CR_FDS_MAX);
			break;
		}
		if (n == size) {
			size = size ? 2 * size : 16;
			tmp = krealloc_array(fds, size, sizeof(*fds), GFP_KERNEL);
			if (!tmp) {
				fput(file);
				err = -ENOMEM;
				break;
			}
			fds = tmp;
		}
		fds[n].fd = fd;
		fds[n].flags = cloexec ? CR_FD_CLOEXEC : 0;
		fds[n].pad = 0;
		err = cr_write_file(ctx, t, file, false, &fds[n].file) ?:
		      cr_get_locks(ctx, t, file, fd, &locks);
		fput(file);
		if (err)
			cr_err(ctx, err, "pid %d: fd %u", task_pid_vnr(t), fd);
		n++;
	}
	rec.nr_fds = n;
	rec.nr_locks = locks.nr;
	hdr.len = sizeof(rec) + n * sizeof(*fds) + locks.nr * sizeof(*locks.lock);
	if (!err)
		err = cr_write(ctx, &hdr, sizeof(hdr)) ?:
		      cr_write(ctx, &rec, sizeof(rec)) ?:
		      cr_write(ctx, fds, n * sizeof(*fds)) ?:
		      cr_write(ctx, locks.lock, locks.nr * sizeof(*locks.lock));
	kfree(fds);
	kvfree(locks.lock);
	kvfree(locks.seen);
	return err;
}

/* Take @k again, through @file at @fd, with the checks of flock(2) or fcntl(2). */
static int cr_take_lock(struct file *file, int fd, const struct cr_lock *k)
{
	struct flock fl = {
		.l_type = k->type,
		.l_whence = SEEK_SET,
		.l_start = k->start,
		.l_len = k->end == OFFSET_MAX ? 0 : k->end - k->start + 1,
	};

	if (k->kind == CR_LOCK_FLOCK)
		return locks_flock_file(file, LOCK_NB |
					(k->type == F_RDLCK ? LOCK_SH : LOCK_EX));
	return fcntl_setlk(fd, file,
			   k->kind == CR_LOCK_OFD ? F_OFD_SETLK : F_SETLK, &fl);
}

/* The @nr locks after the fd table, through its fds, now installed. */
static int cr_restore_locks(struct cr_ctx *ctx, u32 nr)
{
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < nr; i++) {
		struct file *file;
		struct cr_lock k;

		err = cr_read(ctx, &k, sizeof(k));
		if (err)
			break;
		if (k.kind < CR_LOCK_POSIX || k.kind > CR_LOCK_FLOCK ||
		    (k.type != F_RDLCK && k.type != F_WRLCK) || k.pad ||
		    k.start < 0 || k.end < k.start ||
		    (k.kind == CR_LOCK_FLOCK && (k.start || k.end != OFFSET_MAX)))
			return cr_err(ctx, -EINVAL, "bad lock record");
		file = fget(k.fd);
		if (!file)
			return cr_err(ctx, -EINVAL, "lock on fd %d, not open", k.fd);
		/* The holder is gone, or this fails: nobody waits for it. */
		err = cr_take_lock(file, k.fd, &k);
		fput(file);
		if (err)
			cr_err(ctx, err, "cannot lock fd %d again", k.fd);
	}
	return err;
}

/**
 * cr_restore_files() - Make the fd table of a CR_FILES record again.
 * @ctx: A restart context.
 * @objref: The objref of the files_struct.
 *
 * Context: Process context, the restored task, reading its own records; may
 * sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_restore_files(struct cr_ctx *ctx, u32 objref)
{
	struct cr_fdtable rec;
	unsigned int i;
	size_t extra;
	int prev = -1;
	int err;

	err = cr_read_rec_var(ctx, CR_FDTABLE, &rec, sizeof(rec), &extra);
	if (err)
		return err;
	if (rec.objref != objref || rec.pad ||
	    rec.nr_fds > min_t(u64, rlimit(RLIMIT_NOFILE), CR_FDS_MAX) ||
	    rec.nr_locks > CR_LOCKS_MAX ||
	    extra != rec.nr_fds * sizeof(struct cr_fd) +
		     rec.nr_locks * sizeof(struct cr_lock))
		return cr_err(ctx, -EINVAL, "bad fd table record");

	/* The new task's fds are copies of the restarter's: drop them. */
	err = __close_range(0, ~0U, 0);
	for (i = 0; !err && i < rec.nr_fds; i++) {
		struct file *file;
		struct cr_fd e;

		err = cr_read(ctx, &e, sizeof(e));
		if (err)
			break;
		if (e.fd <= prev || (e.flags & ~CR_FD_CLOEXEC)) {
			err = cr_err(ctx, -EINVAL, "bad fd %d in the fd table", e.fd);
			break;
		}
		prev = e.fd;
		file = cr_obj_find(ctx, e.file, CR_OBJ_FILE);
		if (!file) {
			err = -EINVAL;
			break;
		}
		err = replace_fd(e.fd, file,
				 (e.flags & CR_FD_CLOEXEC) ? O_CLOEXEC : 0);
		if (err >= 0)
			err = 0;
		else
			cr_err(ctx, err, "cannot install fd %d", e.fd);
	}
	if (!err)
		err = cr_restore_locks(ctx, rec.nr_locks) ?:
		      cr_obj_insert(ctx, objref, CR_OBJ_FILES, current->files);
	return err;
}

/**
 * cr_write_fs() - Write the cwd, root and umask of a task.
 * @ctx: A checkpoint context.
 * @t: The task.
 * @objref: The objref of its fs_struct, shared by CLONE_FS.
 *
 * Context: Process context, the checkpointer, with @t parked; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_write_fs(struct cr_ctx *ctx, struct task_struct *t, u32 objref)
{
	struct cr_fs rec = { .objref = objref };
	struct cr_hdr hdr = { .type = CR_FS };
	char *buf, *rbuf, *path, *root;
	struct path pwd, rootpath;
	int err;

	buf = __getname();
	rbuf = __getname();
	if (!buf || !rbuf) {
		err = -ENOMEM;
		goto out;
	}
	task_lock(t);
	get_fs_pwd(t->fs, &pwd);
	get_fs_root(t->fs, &rootpath);
	rec.umask = t->fs->umask;
	task_unlock(t);
	path = cr_path(&pwd, buf);
	root = cr_path(&rootpath, rbuf);
	if (IS_ERR_OR_NULL(path) || d_unlinked(pwd.dentry) ||
	    IS_ERR_OR_NULL(root) || d_unlinked(rootpath.dentry)) {
		err = cr_err(ctx, -EOPNOTSUPP,
			     "pid %d: its cwd or root is deleted or outside the checkpointer's root",
			     task_pid_vnr(t));
	} else {
		rec.path_len = strlen(path) + 1;
		rec.root_len = strlen(root) + 1;
		hdr.len = sizeof(rec) + rec.path_len + rec.root_len;
		err = cr_write(ctx, &hdr, sizeof(hdr)) ?:
		      cr_write(ctx, &rec, sizeof(rec)) ?:
		      cr_write(ctx, path, rec.path_len) ?:
		      cr_write(ctx, root, rec.root_len);
	}
	path_put(&pwd);
	path_put(&rootpath);
out:
	if (buf)
		__putname(buf);
	if (rbuf)
		__putname(rbuf);
	return err;
}

/*
 * As chdir(2) does, or with @root as chroot(2) checks: the new root is
 * kept in @root, to be taken last.
 */
static int cr_change_dir(struct cr_ctx *ctx, const char *dir, struct path *root)
{
	struct path p;
	int err;

	err = kern_path(dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY |
			LOOKUP_NO_SYMLINKS, &p);
	if (err)
		goto out;
	err = path_permission(&p, MAY_EXEC | MAY_CHDIR);
	/* Taking a root only narrows: the restarter's right will do. */
	if (!err && root)
		err = has_ns_capability(current, current_user_ns(),
					CAP_SYS_CHROOT) ?
		      security_path_chroot(&p) : -EPERM;
	if (!err && root) {
		*root = p;
		return 0;
	}
	if (!err)
		set_fs_pwd(current->fs, &p);
	path_put(&p);
out:
	return err ? cr_err(ctx, err, "cannot change %s to %s",
			    root ? "root" : "directory", dir) : 0;
}

/**
 * cr_restore_fs() - Make the cwd, root and umask of a CR_FS record again.
 * @ctx: A restart context.
 * @objref: The objref of the fs_struct.
 * @root: Set to the root to take, unless it is the restarter's own.
 *
 * The cwd is set once every file is open; the root is taken once the whole
 * tree is made, since all paths of the image are the restarter's.
 *
 * Context: Process context, the restored task, reading its own records; may
 * sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_restore_fs(struct cr_ctx *ctx, u32 objref, struct path *root)
{
	char *path = NULL, *rootpath = NULL;
	const struct cred *old;
	struct cr_fs rec;
	size_t extra;
	int err;

	err = cr_read_rec_var(ctx, CR_FS, &rec, sizeof(rec), &extra);
	if (err)
		return err;
	if (rec.objref != objref || (rec.umask & ~0777) ||
	    extra != (size_t)rec.path_len + rec.root_len)
		return cr_err(ctx, -EINVAL, "bad fs record");
	path = cr_read_path(ctx, rec.path_len, rec.path_len);
	if (IS_ERR(path))
		return PTR_ERR(path);
	rootpath = cr_read_path(ctx, rec.root_len, rec.root_len);
	if (IS_ERR(rootpath)) {
		err = PTR_ERR(rootpath);
		rootpath = NULL;
		goto out;
	}
	old = cr_as_job(ctx);
	err = cr_change_dir(ctx, path, NULL);
	if (!err && strcmp(rootpath, "/"))
		err = cr_change_dir(ctx, rootpath, root);
	cr_as_restarter(old);
	if (!err)
		err = cr_obj_insert(ctx, objref, CR_OBJ_FS, current->fs);
	current->fs->umask = rec.umask;
out:
	kfree(rootpath);
	kfree(path);
	return err;
}

#ifdef CONFIG_CHECKPOINT_UNIX
/**
 * cr_unlink_socket_file() - Make way for binding an AF_UNIX socket to @name again.
 * @name: The socket's path.
 *
 * A socket file there that no socket is bound to is what the checkpointed
 * socket left behind, and is removed, as its program would remove it before
 * bind(). Anything else is left for bind() to find in use.
 *
 * Context: Process context, with the restarter's rights; may sleep.
 * Return: 0, or a negative errno.
 */
int cr_unlink_socket_file(const char *name)
{
	struct inode *inode;
	struct path path;
	bool stale;
	int err;

	err = kern_path(name, 0, &path);
	if (err)
		return err == -ENOENT ? 0 : err;
	inode = d_backing_inode(path.dentry);
	stale = S_ISSOCK(inode->i_mode) && !unix_inode_bound(inode);
	path_put(&path);
	return stale ? do_unlinkat(AT_FDCWD, getname_kernel(name)) : 0;
}

/**
 * cr_chmod_socket_file() - Give a restored socket's socket file its mode.
 * @path: The socket file.
 * @mode: Its mode, as the image has it.
 *
 * Context: Process context, with the restarter's rights; may sleep.
 * Return: 0, or a negative errno.
 */
int cr_chmod_socket_file(const struct path *path, umode_t mode)
{
	return chmod_common(path, mode);
}
#endif

const struct cr_part cr_fs_part = {
	.name		= "files",
	.records	= (const struct cr_record_ops[]) {
		{ CR_FILE,	cr_restore_file },
		{ CR_PIPE,	cr_restore_pipe },
		{ CR_EVENTFD,	cr_restore_anon },
		{ CR_SIGNALFD,	cr_restore_anon },
		{ CR_TIMERFD,	cr_restore_anon },
		{ CR_EPOLL,	cr_restore_epoll },
		{}
	},
	.check		= cr_check_pipes,
	.release	= cr_release_pipes,
};
