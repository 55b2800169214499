// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of POSIX message queues, in an IPC namespace of the
 * tree's own.
 *
 * Queues live in the namespace's mqueue filesystem, by name, as SysV
 * objects live in it by id: checkpoint() writes every queue of the
 * namespace after its SysV objects - name, mode, owner, attributes and
 * messages - and restart() has the root make each again, as
 * mq_open(O_CREAT | O_EXCL) would, and queue its messages. An open queue
 * is a file that restart() opens again by name, as mq_open() would.
 *
 * Refused: a queue with an mq_notify() registration, a queue whose
 * messages do not fit in a record, and a queue of another namespace or
 * removed with mq_unlink() while open.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <uapi/linux/mqueue.h>

/* Longest message saved: a record must fit in what restart() reads. */
#define CR_MQ_MSGSIZE_MAX	(CR_PAGES_MAX * PAGE_SIZE)

/* checkpoint: a queue's name, found in the namespace's directory */
struct cr_mq_name {
	struct list_head	list;
	unsigned int		len;
	char			name[];
};

struct cr_mq_walk {
	struct dir_context	ctx;
	struct list_head	*names;
	unsigned int		nr;
	int			err;
};

static bool cr_mq_actor(struct dir_context *dc, const char *name, int len,
			loff_t pos, u64 ino, unsigned int type)
{
	struct cr_mq_walk *w = container_of(dc, struct cr_mq_walk, ctx);
	struct cr_mq_name *n;

	if (type != DT_REG)
		return true;	/* . and .. */
	n = kmalloc(struct_size(n, name, len + 1), GFP_KERNEL);
	if (!n) {
		w->err = -ENOMEM;
		return false;
	}
	n->len = len;
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	list_add_tail(&n->list, w->names);
	w->nr++;
	return true;
}

/**
 * cr_snap_mq - note the POSIX message queues of the tree's own namespace
 * @ctx: checkpoint context
 * @ns: the namespace
 *
 * Return: how many there are, or an error.
 */
int cr_snap_mq(struct cr_ctx *ctx, struct ipc_namespace *ns)
{
	struct path root = { .mnt = ns->mq_mnt, .dentry = ns->mq_mnt->mnt_root };
	struct cr_mq_walk w = {
		.ctx.actor = cr_mq_actor,
		.names = &ctx->mq_names,
	};
	struct file *dir;
	int err;

	dir = dentry_open(&root, O_RDONLY | O_DIRECTORY, current_cred());
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	err = iterate_dir(dir, &w.ctx) ?: w.err;
	fput(dir);
	if (!err && w.nr != READ_ONCE(ns->mq_queues_count))
		err = -EAGAIN;
	return err ? cr_err(ctx, err,
			    "cannot read the tree's POSIX message queues") : w.nr;
}

/* Queue @name in the mqueue filesystem at @mnt, or NULL. */
static struct dentry *cr_mq_lookup(struct vfsmount *mnt, const char *name)
{
	struct dentry *dentry;

	dentry = lookup_one_len_unlocked(name, mnt->mnt_root, strlen(name));
	if (IS_ERR(dentry))
		return NULL;
	if (d_really_is_negative(dentry)) {
		dput(dentry);
		return NULL;
	}
	return dentry;
}

static int cr_write_mq(struct cr_ctx *ctx, const struct cr_mq_name *n)
{
	struct cr_posix_msg msg;
	struct cr_posix_mq rec;
	struct dentry *dentry;
	struct inode *inode;
	struct mq_attr attr;
	void *text = NULL;
	unsigned int i;
	long len;
	int err;

	dentry = cr_mq_lookup(ctx->ipc_ns->mq_mnt, n->name);
	if (!dentry)
		return cr_err(ctx, -EAGAIN,
			      "POSIX message queue /%s went away during checkpoint",
			      n->name);
	inode = d_inode(dentry);
	err = -EOPNOTSUPP;
	if (mq_get_attr(inode, &attr)) {
		cr_err(ctx, err,
		       "POSIX message queue /%s has an mq_notify() registration (not supported)",
		       n->name);
		goto out;
	}
	if (attr.mq_msgsize > CR_MQ_MSGSIZE_MAX) {
		cr_err(ctx, err,
		       "POSIX message queue /%s has messages of up to %ld bytes (not supported)",
		       n->name, attr.mq_msgsize);
		goto out;
	}
	rec = (struct cr_posix_mq) {
		.mode = inode->i_mode & 0777,
		.uid = from_kuid_munged(current_user_ns(), inode->i_uid),
		.gid = from_kgid_munged(current_user_ns(), inode->i_gid),
		.name_len = n->len + 1,
		.maxmsg = attr.mq_maxmsg,
		.msgsize = attr.mq_msgsize,
		.nr_msgs = attr.mq_curmsgs,
	};
	text = kvmalloc(attr.mq_msgsize, GFP_KERNEL);
	err = text ? cr_write_rec(ctx, CR_POSIX_MQ, &rec, sizeof(rec),
				  n->name, rec.name_len) : -ENOMEM;
	/* One more than noted: a message sent meanwhile would be lost. */
	for (i = 0; !err && i <= rec.nr_msgs; i++) {
		len = mq_get_message(inode, i, &msg.prio, text, attr.mq_msgsize);
		if (i == rec.nr_msgs && len == -ENOENT)
			break;
		if (i == rec.nr_msgs || len < 0) {
			err = cr_err(ctx, -EAGAIN,
				     "POSIX message queue /%s changed during checkpoint",
				     n->name);
			break;
		}
		msg.len = len;
		err = cr_write_rec(ctx, CR_POSIX_MSG, &msg, sizeof(msg), text,
				   len);
	}
out:
	kvfree(text);
	dput(dentry);
	return err;
}

/**
 * cr_write_mqs() - Write the POSIX message queues that cr_snap_mq() found.
 * @ctx: A checkpoint context.
 *
 * After the SysV objects.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or a negative errno.
 */
int cr_write_mqs(struct cr_ctx *ctx)
{
	struct cr_mq_name *n;
	int err = 0;

	list_for_each_entry(n, &ctx->mq_names, list) {
		err = cr_write_mq(ctx, n);
		if (err)
			break;
	}
	return err;
}

static void cr_release_mq(struct cr_ctx *ctx)
{
	struct cr_mq_name *n, *tmp;

	list_for_each_entry_safe(n, tmp, &ctx->mq_names, list)
		kfree(n);
}

/**
 * cr_write_mq_file - write an open POSIX message queue
 * @ctx: checkpoint context
 * @t: the task that has it open
 * @file: the file
 * @objref: set to its objref
 *
 * Return: 0 or an error.
 */
static int cr_write_mq_file(struct cr_ctx *ctx, struct task_struct *t,
			    struct file *file, u32 *objref)
{
	struct dentry *dentry = file->f_path.dentry;
	struct cr_file rec = {
		.kind = CR_FILE_MQUEUE,
		.flags = file->f_flags & (O_ACCMODE | O_NONBLOCK),
		.mode = file_inode(file)->i_mode,
	};
	char name[NAME_MAX + 2] = "/";
	int err;

	if (!ctx->ipc_ns || file->f_path.mnt != ctx->ipc_ns->mq_mnt)
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has a POSIX message queue of an IPC namespace not the tree's own open (not supported)",
			      task_pid_vnr(t));
	if (d_unlinked(dentry))
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has a POSIX message queue removed with mq_unlink() open (not supported)",
			      task_pid_vnr(t));
	strscpy(name + 1, dentry->d_name.name, sizeof(name) - 1);
	rec.path_len = strlen(name) + 1;
	err = cr_obj_add(ctx, file, CR_OBJ_FILE, &rec.objref);
	*objref = rec.objref;
	return err ?: cr_write_rec(ctx, CR_FILE, &rec, sizeof(rec), name,
				   rec.path_len);
}

/* A queue's name in the image: one component, no slash. */
static bool cr_mq_name_ok(const char *name, size_t len)
{
	return len > 1 && len <= NAME_MAX + 1 && !name[len - 1] &&
	       strlen(name) == len - 1 && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/* restart: the next message of the queue at @inode. */
static int cr_restore_mq_msg(struct cr_ctx *ctx, struct inode *inode,
			     void *text, size_t max)
{
	struct cr_posix_msg m;
	size_t extra;
	int err;

	err = cr_read_rec_var(ctx, CR_POSIX_MSG, &m, sizeof(m), &extra);
	if (err)
		return err;
	if (m.len > max || extra != m.len)
		return cr_err(ctx, -EINVAL, "bad POSIX message record");
	err = cr_read(ctx, text, m.len);
	if (err)
		return err;
	err = mq_send_kernel(inode, m.prio, text, m.len);
	return err ? cr_err(ctx, err, "cannot queue a POSIX message") : 0;
}

/*
 * restart: give the queue at @dentry its owner, as chown(2) would with the
 * restarter's rights (CAP_CHOWN), so that a job of another user opens it
 * again. SysV objects get theirs with IPC_SET.
 */
static int cr_mq_chown(struct dentry *dentry, u32 uid, u32 gid)
{
	struct inode *inode = d_inode(dentry);
	struct iattr attr = {
		.ia_valid = ATTR_UID | ATTR_GID | ATTR_CTIME,
		.ia_vfsuid = VFSUIDT_INIT(make_kuid(current_user_ns(), uid)),
		.ia_vfsgid = VFSGIDT_INIT(make_kgid(current_user_ns(), gid)),
	};
	int err;

	if (!vfsuid_valid(attr.ia_vfsuid) || !vfsgid_valid(attr.ia_vfsgid))
		return -EINVAL;
	if (vfsuid_eq_kuid(attr.ia_vfsuid, inode->i_uid) &&
	    vfsgid_eq_kgid(attr.ia_vfsgid, inode->i_gid))
		return 0;
	inode_lock(inode);
	err = notify_change(&nop_mnt_idmap, dentry, &attr, NULL);
	inode_unlock(inode);
	return err;
}

/* restart: make the queue of the next record again, in current's ns. */
static int cr_restore_mq(struct cr_ctx *ctx)
{
	struct vfsmount *mnt = current->nsproxy->ipc_ns->mq_mnt;
	char name[NAME_MAX + 1];
	struct cr_posix_mq r;
	struct dentry *dentry;
	struct mq_attr attr;
	void *text;
	unsigned int i;
	size_t extra;
	int err;

	err = cr_read_rec_var(ctx, CR_POSIX_MQ, &r, sizeof(r), &extra);
	if (err)
		return err;
	if (extra != r.name_len || r.name_len > sizeof(name))
		return cr_err(ctx, -EINVAL, "bad POSIX message queue record");
	err = cr_read(ctx, name, r.name_len);
	if (err)
		return err;
	if (!cr_mq_name_ok(name, r.name_len) || (r.mode & ~0777) || r.pad ||
	    r.maxmsg <= 0 || r.msgsize <= 0 || r.msgsize > CR_MQ_MSGSIZE_MAX ||
	    r.nr_msgs > r.maxmsg)
		return cr_err(ctx, -EINVAL, "bad POSIX message queue record");
	attr = (struct mq_attr) { .mq_maxmsg = r.maxmsg, .mq_msgsize = r.msgsize };
	err = mq_create_kernel(name, r.mode, &attr);
	if (err)
		return cr_err(ctx, err, "cannot make POSIX message queue /%s again",
			      name);
	dentry = cr_mq_lookup(mnt, name);
	if (!dentry)
		return cr_err(ctx, -ENOENT, "POSIX message queue /%s went away",
			      name);
	text = kvmalloc(r.msgsize, GFP_KERNEL);
	err = text ? 0 : -ENOMEM;
	for (i = 0; !err && i < r.nr_msgs; i++)
		err = cr_restore_mq_msg(ctx, d_inode(dentry), text, r.msgsize);
	kvfree(text);
	if (!err) {
		err = cr_mq_chown(dentry, r.uid, r.gid);
		if (err)
			cr_err(ctx, err, "cannot give POSIX message queue /%s its owner",
			       name);
	}
	dput(dentry);
	return err;
}

/**
 * cr_restore_mqs() - Make the POSIX message queues of the new IPC namespace.
 * @ctx: A restart context.
 *
 * Context: Process context, the root of the restored tree, in its new IPC
 * namespace; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_restore_mqs(struct cr_ctx *ctx)
{
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < ctx->ipc.nr_mq; i++)
		err = cr_restore_mq(ctx);
	return err;
}

/*
 * restart: open the queue of a CR_FILE_MQUEUE record again, by its name
 * @path, in current's IPC namespace, as mq_open() would.
 */
static struct file *cr_open_mq_file(struct cr_ctx *ctx,
				    const struct cr_file *rec,
				    const char *path)
{
	struct vfsmount *mnt = current->nsproxy->ipc_ns->mq_mnt;
	struct path root = { .mnt = mnt, .dentry = mnt->mnt_root };
	struct file *file;

	if (!ctx->ipc.own || path[0] != '/' ||
	    !cr_mq_name_ok(path + 1, rec->path_len - 1) ||
	    (rec->flags & ~(O_ACCMODE | O_NONBLOCK)) ||
	    (rec->flags & O_ACCMODE) == O_ACCMODE) {
		cr_err(ctx, -EINVAL, "bad POSIX message queue file %s", path);
		return ERR_PTR(-EINVAL);
	}
	file = file_open_root(&root, path + 1, rec->flags, 0);
	if (IS_ERR(file))
		cr_err(ctx, PTR_ERR(file), "cannot open POSIX message queue %s",
		       path);
	return file;
}

static bool cr_is_mq_file(const struct file *file)
{
	return file_inode(file)->i_sb->s_magic == CR_MQUEUE_MAGIC;
}

const struct cr_part cr_mq_part = {
	.name		= "POSIX message queues",
	.release	= cr_release_mq,
	.has_file	= cr_is_mq_file,
	.write_file	= cr_write_mq_file,
	.file_kind	= CR_FILE_MQUEUE,
	.open_file	= cr_open_mq_file,
};
