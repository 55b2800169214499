// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of open files, fd tables, and the cwd and umask.
 *
 * Regular files and the memory character devices are reopened by path at
 * restart, with their flags and offset, by the restored task itself and so
 * with the restarter's permissions. Paths are saved as seen from the task's
 * root, and resolved at restart from the restarter's root. Any other kind
 * of open file makes checkpoint() fail with a reason.
 */
#include <linux/checkpoint.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/filelock.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/major.h>
#include <linux/namei.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

/* Open flags kept across restart; the others cannot be set by open(). */
#define CR_OPEN_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			 __O_SYNC | O_DIRECT | O_LARGEFILE | O_NOATIME)

/* Why @file cannot be saved, or NULL; @buf has CR_WHY_LEN bytes. */
static const char *cr_file_unsupported(struct file *file, char *buf)
{
	struct inode *inode = file_inode(file);
	struct file_lock_context *flctx;

	if (file->f_mode & FMODE_PATH)
		return "an O_PATH file";
	if (cr_file_support(file, buf) != CR_SUPPORTED)
		return buf;
	if (IS_ROOT(file->f_path.dentry) &&
	    file->f_path.dentry != file->f_path.mnt->mnt_root)
		return "an unnamed file (memfd or shmem)";
	if (d_unlinked(file->f_path.dentry))
		return "a deleted file";
	if (file->f_flags & FASYNC)
		return "a file with O_ASYNC";
	flctx = locks_inode_context(inode);
	if (flctx && (!list_empty(&flctx->flc_flock) ||
		      !list_empty(&flctx->flc_posix) ||
		      !list_empty(&flctx->flc_lease)))
		return "a file with locks or leases";
	return NULL;
}

/* The path of @path as seen from @t's root, in @buf; NULL if outside it. */
static char *cr_task_path(struct task_struct *t, const struct path *path,
			  char *buf)
{
	struct path root;
	char *p;

	task_lock(t);
	get_fs_root(t->fs, &root);
	task_unlock(t);
	p = __d_path(path, &root, buf, PATH_MAX);
	path_put(&root);
	return p;
}

/*
 * Write @file as an object, unless it was written already; *@objref is its
 * objref. A @mapped file must not change before restart, or the pages of
 * its mappings would change under the restored task.
 */
int cr_write_file(struct cr_ctx *ctx, struct task_struct *t,
		  struct file *file, bool mapped, u32 *objref)
{
	struct inode *inode = file_inode(file);
	struct timespec64 mtime = inode_get_mtime(inode);
	struct cr_file rec = {};
	char *buf, *path, kind[CR_WHY_LEN];
	const char *why;
	int err;

	*objref = cr_obj_lookup(ctx, file);
	if (*objref)
		return 0;
	why = cr_file_unsupported(file, kind);
	if (why)
		return cr_err(ctx, -EOPNOTSUPP, "pid %d has %s open (not supported)",
			      task_pid_vnr(t), why);

	buf = __getname();
	if (!buf)
		return -ENOMEM;
	path = cr_task_path(t, &file->f_path, buf);
	if (IS_ERR_OR_NULL(path)) {
		err = cr_err(ctx, path ? PTR_ERR(path) : -EOPNOTSUPP,
			     "pid %d has a file open outside its root",
			     task_pid_vnr(t));
		goto out;
	}

	rec.kind = S_ISREG(inode->i_mode) ? CR_FILE_REG : CR_FILE_CHR;
	rec.flags = file->f_flags & CR_OPEN_FLAGS;
	rec.mode = inode->i_mode;
	rec.mapped = mapped;
	rec.pos = file->f_pos;
	rec.size = i_size_read(inode);
	rec.mtime_sec = mtime.tv_sec;
	rec.mtime_nsec = mtime.tv_nsec;
	rec.rdev = new_encode_dev(inode->i_rdev);
	rec.path_len = strlen(path) + 1;
	err = cr_obj_add(ctx, file, CR_OBJ_FILE, &rec.objref);
	if (!err)
		err = cr_write_rec(ctx, CR_FILE, &rec, sizeof(rec), path,
				   rec.path_len);
	*objref = rec.objref;
out:
	__putname(buf);
	return err;
}

static bool cr_same_kind(struct inode *inode, const struct cr_file *rec)
{
	if (rec->kind == CR_FILE_REG)
		return S_ISREG(inode->i_mode);
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

	err = kern_path(path, 0, &p);
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
	if (rec->mapped &&
	    (i_size_read(inode) != rec->size || mtime.tv_sec != rec->mtime_sec ||
	     mtime.tv_nsec != rec->mtime_nsec))
		return cr_err(ctx, -ESTALE, "mapped file %s changed since checkpoint",
			      path);
	if (rec->kind == CR_FILE_REG && rec->pos) {
		loff_t pos = vfs_llseek(file, rec->pos, SEEK_SET);

		if (pos != rec->pos)
			return cr_err(ctx, pos < 0 ? pos : -EINVAL,
				      "cannot seek %s to %llu", path, rec->pos);
	}
	return 0;
}

/* A CR_FILE record, whose header has been read: reopen the file. */
int cr_restore_file(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	struct cr_file rec;
	struct file *file;
	char *path;
	int err;

	if (hdr->len < sizeof(rec))
		return cr_err(ctx, -EINVAL, "file record too short");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	path = cr_read_path(ctx, rec.path_len, hdr->len - sizeof(rec));
	if (IS_ERR(path))
		return PTR_ERR(path);

	err = -EINVAL;
	if ((rec.kind != CR_FILE_REG && rec.kind != CR_FILE_CHR) ||
	    (rec.flags & ~CR_OPEN_FLAGS) || rec.mapped > 1) {
		cr_err(ctx, err, "bad file record for %s", path);
		goto out;
	}
	err = cr_check_path(ctx, path, &rec);
	if (err)
		goto out;
	file = filp_open(path, rec.flags | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0);
	if (IS_ERR(file)) {
		err = cr_err(ctx, PTR_ERR(file), "cannot open %s", path);
		goto out;
	}
	if (!(rec.flags & O_NONBLOCK)) {
		spin_lock(&file->f_lock);
		file->f_flags &= ~O_NONBLOCK;
		spin_unlock(&file->f_lock);
	}
	err = cr_check_reopened(ctx, file, &rec, path);
	if (!err)
		err = cr_obj_insert(ctx, rec.objref, CR_OBJ_FILE, file);
	if (err)
		fput(file);
out:
	kfree(path);
	return err;
}

int cr_write_files(struct cr_ctx *ctx, struct task_struct *t, u32 objref)
{
	struct cr_fdtable rec = { .objref = objref };
	struct cr_fd *fds = NULL, *tmp;
	unsigned int fd, n = 0, size = 0;
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
		err = cr_write_file(ctx, t, file, false, &fds[n].file);
		fput(file);
		if (err)
			cr_err(ctx, err, "pid %d: fd %u", task_pid_vnr(t), fd);
		n++;
	}
	rec.nr_fds = n;
	if (!err)
		err = cr_write_rec(ctx, CR_FDTABLE, &rec, sizeof(rec), fds,
				   n * sizeof(*fds));
	kfree(fds);
	return err;
}

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
	if (rec.objref != objref || extra != rec.nr_fds * sizeof(struct cr_fd) ||
	    rec.nr_fds > rlimit(RLIMIT_NOFILE))
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
		err = cr_obj_insert(ctx, objref, CR_OBJ_FILES, current->files);
	return err;
}

int cr_write_fs(struct cr_ctx *ctx, struct task_struct *t, u32 objref)
{
	struct cr_fs rec = { .objref = objref };
	struct path pwd;
	char *buf, *path;
	int err;

	buf = __getname();
	if (!buf)
		return -ENOMEM;
	task_lock(t);
	get_fs_pwd(t->fs, &pwd);
	rec.umask = t->fs->umask;
	task_unlock(t);
	path = cr_task_path(t, &pwd, buf);
	if (IS_ERR_OR_NULL(path) || d_unlinked(pwd.dentry)) {
		err = cr_err(ctx, -EOPNOTSUPP,
			     "pid %d: its cwd is deleted or outside its root",
			     task_pid_vnr(t));
	} else {
		rec.path_len = strlen(path) + 1;
		err = cr_write_rec(ctx, CR_FS, &rec, sizeof(rec), path,
				   rec.path_len);
	}
	path_put(&pwd);
	__putname(buf);
	return err;
}

int cr_restore_fs(struct cr_ctx *ctx, u32 objref)
{
	struct path pwd;
	struct cr_fs rec;
	size_t extra;
	char *path;
	int err;

	err = cr_read_rec_var(ctx, CR_FS, &rec, sizeof(rec), &extra);
	if (err)
		return err;
	if (rec.objref != objref || (rec.umask & ~0777))
		return cr_err(ctx, -EINVAL, "bad fs record");
	path = cr_read_path(ctx, rec.path_len, extra);
	if (IS_ERR(path))
		return PTR_ERR(path);

	/* As chdir(2) does. */
	err = kern_path(path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &pwd);
	if (!err) {
		err = path_permission(&pwd, MAY_EXEC | MAY_CHDIR);
		if (!err)
			set_fs_pwd(current->fs, &pwd);
		path_put(&pwd);
	}
	if (err)
		cr_err(ctx, err, "cannot change directory to %s", path);
	else
		err = cr_obj_insert(ctx, objref, CR_OBJ_FS, current->fs);
	current->fs->umask = rec.umask;
	kfree(path);
	return err;
}
