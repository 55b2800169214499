// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of SysV IPC - shared memory, semaphores and message
 * queues - in an IPC namespace of the tree's own.
 *
 * checkpoint() writes every segment, semaphore array and message queue of
 * that namespace after its CR_IPC record: what IPC_STAT tells of it, and a
 * segment's pages, an array's values or a queue's messages. restart() has
 * the root, once it has made the namespace, make each again with shmget(),
 * semget() or msgget() under its old id, fill it - as its owner, with the
 * restarter's rights, as the restarter could have done itself - and give
 * it its owner and mode with IPC_SET last. A segment removed while
 * attached is removed again once every task has its memory back.
 *
 * A process's SEM_UNDO adjustments follow its leader's CR_TASK, and are
 * given back to the leader as semop() would have built them; its threads
 * share them, as pthreads do.
 *
 * An attachment is the file shmat() made, which all of its VMAs map - in
 * one mm or, after fork(), in several. It is written once, after the first
 * CR_MM that maps it and before its VMAs. restart() calls shmat() in the
 * task's new mm, keeps the file and detaches again; each VMA then maps the
 * file at its address, as remap_file_pages() emulation maps it again, so
 * that shmdt() and shm_nattch work as before.
 *
 * Segments of another IPC namespace - the checkpointer's, which restart()
 * would share with other processes - are refused, as are hugetlb segments
 * and segments attached outside the tree.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/hugetlb.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/msg.h>
#include <linux/nsproxy.h>
#include <linux/sem.h>
#include <linux/shm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <uapi/linux/msg.h>
#include <uapi/linux/shm.h>

/* The shm_perm.mode bits above the permissions that IPC_STAT reports. */
#define CR_SHM_DEST	01000
#define CR_SHM_LOCKED	02000

#define CR_SYSV_SHM_FLAGS	(CR_SYSV_SHM_DEST | CR_SYSV_SHM_LOCKED | \
				 CR_SYSV_SHM_NORESERVE)

/* checkpoint: a segment, and how many VMAs of the image map it. */
struct cr_shm_seg {
	struct cr_sysv_shm	rec;
	unsigned long		nattch;
	unsigned long		nr_vmas;
};

/*
 * Room for element @n of the array at *@arr, of @size bytes each, made
 * larger as it fills: 16 elements, then twice as many each time.
 */
static int cr_grow(void **arr, unsigned int n, size_t size)
{
	void *p;

	if ((n < 16 && *arr) || (n >= 16 && !is_power_of_2(n)))
		return 0;
	p = kvrealloc(*arr, max(16U, 2 * n) * size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

/* Note the segments of @ns. Return: how many there are, or an error. */
static int cr_snap_shm(struct cr_ctx *ctx, struct ipc_namespace *ns)
{
	struct shmid64_ds *ds;
	int idx, id, err = 0;

	ds = kmalloc(sizeof(*ds), GFP_KERNEL);
	if (!ds)
		return -ENOMEM;
	/* The tree is stopped; only a task outside it could change them. */
	for (idx = 0; (id = shm_next_segment(ns, &idx, ds)) >= 0; idx++) {
		struct cr_shm_seg *seg;

		err = ctx->nr_shm == SHMMNI ? -ENOSPC :
		      cr_grow((void **)&ctx->shm_segs, ctx->nr_shm, sizeof(*seg));
		if (err)
			break;
		seg = &ctx->shm_segs[ctx->nr_shm++];
		seg->nr_vmas = 0;
		seg->nattch = ds->shm_nattch;
		seg->rec = (struct cr_sysv_shm) {
			.id = id,
			.key = ds->shm_perm.key,
			.uid = ds->shm_perm.uid,
			.gid = ds->shm_perm.gid,
			.mode = ds->shm_perm.mode & 0777,
			.size = ds->shm_segsz,
		};
		if (ds->shm_perm.mode & CR_SHM_DEST)
			seg->rec.flags |= CR_SYSV_SHM_DEST;
		if (ds->shm_perm.mode & CR_SHM_LOCKED)
			seg->rec.flags |= CR_SYSV_SHM_LOCKED;
	}
	kfree(ds);
	if (err || id != -ENOENT)
		return cr_err(ctx, err ?: id,
			      "cannot read the tree's SysV shared memory");
	return ctx->nr_shm;
}

static int cr_write_shm_seg(struct cr_ctx *ctx, struct cr_shm_seg *seg)
{
	struct file *file;
	int err;

	file = shm_get_file(ctx->ipc_ns, seg->rec.id);
	if (IS_ERR(file))
		return cr_err(ctx, PTR_ERR(file),
			      "SysV shared memory segment %d went away",
			      seg->rec.id);
	if (is_file_hugepages(file)) {
		err = cr_err(ctx, -EOPNOTSUPP,
			     "SysV shared memory segment %d is of huge pages (not supported)",
			     seg->rec.id);
		goto out;
	}
	if (SHMEM_I(file_inode(file))->flags & VM_NORESERVE)
		seg->rec.flags |= CR_SYSV_SHM_NORESERVE;
	err = cr_write_rec(ctx, CR_SYSV_SHM, &seg->rec, sizeof(seg->rec),
			   NULL, 0) ?:
	      cr_write_shmem_pages(ctx, file_inode(file), seg->rec.size);
out:
	fput(file);
	return err;
}

/* Note the semaphore arrays of @ns. Return: how many, or an error. */
static int cr_snap_sem(struct cr_ctx *ctx, struct ipc_namespace *ns)
{
	struct semid64_ds *ds;
	int idx, id, err = 0;

	ds = kmalloc(sizeof(*ds), GFP_KERNEL);
	if (!ds)
		return -ENOMEM;
	for (idx = 0; (id = sem_next_array(ns, &idx, ds)) >= 0; idx++) {
		err = ctx->nr_sem == SEMMNI ? -ENOSPC :
		      cr_grow((void **)&ctx->sems, ctx->nr_sem, sizeof(*ctx->sems));
		if (err)
			break;
		ctx->sems[ctx->nr_sem++] = (struct cr_sysv_sem) {
			.id = id,
			.key = ds->sem_perm.key,
			.uid = ds->sem_perm.uid,
			.gid = ds->sem_perm.gid,
			.mode = ds->sem_perm.mode & 0777,
			.nsems = ds->sem_nsems,
		};
	}
	kfree(ds);
	if (err || id != -ENOENT)
		return cr_err(ctx, err ?: id,
			      "cannot read the tree's SysV semaphores");
	return ctx->nr_sem;
}

/* Note the message queues of @ns. Return: how many, or an error. */
static int cr_snap_msq(struct cr_ctx *ctx, struct ipc_namespace *ns)
{
	struct msqid64_ds *ds;
	int idx, id, err = 0;

	ds = kmalloc(sizeof(*ds), GFP_KERNEL);
	if (!ds)
		return -ENOMEM;
	for (idx = 0; (id = msg_next_queue(ns, &idx, ds)) >= 0; idx++) {
		err = ctx->nr_msq == MSGMNI ? -ENOSPC :
		      cr_grow((void **)&ctx->msqs, ctx->nr_msq,
			      sizeof(*ctx->msqs));
		if (err)
			break;
		ctx->msqs[ctx->nr_msq++] = (struct cr_sysv_msq) {
			.id = id,
			.key = ds->msg_perm.key,
			.uid = ds->msg_perm.uid,
			.gid = ds->msg_perm.gid,
			.mode = ds->msg_perm.mode & 0777,
			.nr_msgs = ds->msg_qnum,
			.qbytes = ds->msg_qbytes,
		};
	}
	kfree(ds);
	if (err || id != -ENOENT)
		return cr_err(ctx, err ?: id,
			      "cannot read the tree's SysV message queues");
	return ctx->nr_msq;
}

/**
 * cr_snap_sysv - note the SysV objects of the tree's own IPC namespace
 * @ctx: checkpoint context
 * @ns: the namespace
 * @rec: its record, whose counts this sets
 *
 * Return: 0 or an error.
 */
int cr_snap_sysv(struct cr_ctx *ctx, struct ipc_namespace *ns,
		 struct cr_ipc *rec)
{
	int nr_shm, nr_sem, nr_msq;

	ctx->ipc_ns = ns;
	nr_shm = cr_snap_shm(ctx, ns);
	if (nr_shm < 0)
		return nr_shm;
	nr_sem = cr_snap_sem(ctx, ns);
	if (nr_sem < 0)
		return nr_sem;
	nr_msq = cr_snap_msq(ctx, ns);
	if (nr_msq < 0)
		return nr_msq;
	rec->nr_shm = nr_shm;
	rec->nr_sem = nr_sem;
	rec->nr_msq = nr_msq;
	return 0;
}

static int cr_write_sem(struct cr_ctx *ctx, const struct cr_sysv_sem *rec)
{
	u16 *vals;
	int err;

	vals = kvmalloc_array(rec->nsems, sizeof(*vals), GFP_KERNEL);
	if (!vals)
		return -ENOMEM;
	err = sem_get_values(ctx->ipc_ns, rec->id, vals, rec->nsems);
	if (err)
		err = cr_err(ctx, err, "SysV semaphore array %d went away",
			     rec->id);
	else
		err = cr_write_rec(ctx, CR_SYSV_SEM, rec, sizeof(*rec), vals,
				   rec->nsems * sizeof(*vals));
	kvfree(vals);
	return err;
}

/* A queue and its messages, which the tree, stopped, cannot change. */
static int cr_write_msq(struct cr_ctx *ctx, const struct cr_sysv_msq *rec,
			void *text)
{
	struct cr_sysv_msg msg = {};
	unsigned int n;
	long mtype, len;
	int err;

	err = cr_write_rec(ctx, CR_SYSV_MSQ, rec, sizeof(*rec), NULL, 0);
	/* One more than noted: a message sent meanwhile would be lost. */
	for (n = 0; !err && n <= rec->nr_msgs; n++) {
		len = msg_get_message(ctx->ipc_ns, rec->id, n, &mtype, text,
				      MSGMAX);
		if (n == rec->nr_msgs && len == -ENOENT)
			break;
		if (n == rec->nr_msgs || len < 0)
			return cr_err(ctx, len < 0 && len != -ENOENT ? len : -EAGAIN,
				      "SysV message queue %d changed during checkpoint",
				      rec->id);
		msg.mtype = mtype;
		msg.len = len;
		err = cr_write_rec(ctx, CR_SYSV_MSG, &msg, sizeof(msg), text,
				   len);
	}
	return err;
}

/**
 * cr_write_sysv() - Write the SysV objects that cr_snap_sysv() found.
 * @ctx: A checkpoint context.
 *
 * After the CR_IPC record.
 *
 * Context: Process context, the checkpointer; may sleep.
 * Return: 0, or a negative errno.
 */
int cr_write_sysv(struct cr_ctx *ctx)
{
	unsigned int i;
	void *text;
	int err = 0;

	for (i = 0; !err && i < ctx->nr_shm; i++)
		err = cr_write_shm_seg(ctx, &ctx->shm_segs[i]);
	for (i = 0; !err && i < ctx->nr_sem; i++)
		err = cr_write_sem(ctx, &ctx->sems[i]);
	if (err || !ctx->nr_msq)
		return err;
	text = kvmalloc(MSGMAX, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	for (i = 0; !err && i < ctx->nr_msq; i++)
		err = cr_write_msq(ctx, &ctx->msqs[i], text);
	kvfree(text);
	return err;
}

/* checkpoint: one more VMA of the image maps segment @id. */
static int cr_shm_mapped(struct cr_ctx *ctx, int id)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_shm; i++) {
		if (ctx->shm_segs[i].rec.id == id) {
			ctx->shm_segs[i].nr_vmas++;
			return 0;
		}
	}
	return cr_err(ctx, -EAGAIN,
		      "SysV shared memory segment %d was made during checkpoint",
		      id);
}

/**
 * cr_sysv_next_id_set() - Is a kernel.*_next_id sysctl of @ns set?
 * @ns: An IPC namespace of the tree's own.
 *
 * restart() uses them itself to make each object under its id.
 *
 * Context: Process context, the checkpointer.
 * Return: Whether one of them is set.
 */
bool cr_sysv_next_id_set(struct ipc_namespace *ns)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ns->ids); i++)
		if (READ_ONCE(ns->ids[i].next_id) != -1)
			return true;
	return false;
}

/**
 * cr_is_shm_file() - Is a file one that shmat() made?
 * @file: The file a VMA maps.
 *
 * Context: Process context, with a reference to @file.
 * Return: Whether @file maps a SysV shared memory segment.
 */
bool cr_is_shm_file(struct file *file)
{
	struct ipc_namespace *ns;

	return shm_file_id(file, &ns) >= 0;
}

/**
 * cr_write_shm_attach - write the attachment that a VMA of @t maps, once
 * @ctx: checkpoint context
 * @t: the task
 * @file: the file shmat() made, which the VMA maps
 * @objref: set to the attachment's objref
 *
 * Called for every VMA of the image that maps it, to count them.
 *
 * Return: 0 or an error.
 */
int cr_write_shm_attach(struct cr_ctx *ctx, struct task_struct *t,
			struct file *file, u32 *objref)
{
	struct cr_shm_attach rec = {};
	struct ipc_namespace *ns;
	int err;

	rec.id = shm_file_id(file, &ns);
	if (rec.id < 0 || ns != ctx->ipc_ns)
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has SysV shared memory of an IPC namespace not the tree's own (not supported)",
			      task_pid_vnr(t));
	err = cr_shm_mapped(ctx, rec.id);
	if (err)
		return err;
	*objref = cr_obj_lookup(ctx, file);
	if (*objref)
		return 0;
	rec.flags = file->f_mode & FMODE_WRITE ? 0 : CR_SHM_ATTACH_RDONLY;
	err = cr_obj_add(ctx, file, CR_OBJ_SHM_ATTACH, &rec.objref);
	*objref = rec.objref;
	return err ?: cr_write_rec(ctx, CR_SHM_ATTACH, &rec, sizeof(rec), NULL, 0);
}

/*
 * Once every task is written: a segment attached outside the image would
 * be shared no more after restart.
 */
static int cr_check_sysv_shm(struct cr_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_shm; i++)
		if (ctx->shm_segs[i].nr_vmas != ctx->shm_segs[i].nattch)
			return cr_err(ctx, -EOPNOTSUPP,
				      "SysV shared memory segment %d is attached outside the checkpointed tasks (not supported)",
				      ctx->shm_segs[i].rec.id);
	return 0;
}

static void cr_release_sysv(struct cr_ctx *ctx)
{
	kvfree(ctx->shm_segs);
	kvfree(ctx->sems);
	kvfree(ctx->msqs);
}

/* restart: make the segment of the next record again, in current's ns. */
static int cr_restore_shm_seg(struct cr_ctx *ctx, struct cr_sysv_shm *r)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct shmid64_ds ds = {};
	struct file *file;
	int shmflg, err;
	long id;

	err = cr_read_rec(ctx, CR_SYSV_SHM, r, sizeof(*r));
	if (err)
		return err;
	if (r->id < 0 || (r->mode & ~0777) || (r->flags & ~CR_SYSV_SHM_FLAGS) ||
	    !r->size || r->size > SHMMAX ||
	    ((r->flags & CR_SYSV_SHM_DEST) && r->key != IPC_PRIVATE))
		return cr_err(ctx, -EINVAL, "bad SysV shared memory record");
	shmflg = IPC_CREAT | IPC_EXCL | r->mode;
	if (r->flags & CR_SYSV_SHM_NORESERVE)
		shmflg |= SHM_NORESERVE;
	id = shmget_id(r->key, r->size, shmflg, r->id);
	if (id < 0)
		return cr_err(ctx, id,
			      "cannot make SysV shared memory segment %d again",
			      r->id);
	file = shm_get_file(ns, id);
	if (IS_ERR(file))
		return PTR_ERR(file);
	err = cr_restore_shmem_pages(ctx, file, r->size);
	fput(file);
	if (err)
		return err;
	if (r->flags & CR_SYSV_SHM_LOCKED) {
		err = shmctl_kernel(ns, id, SHM_LOCK, NULL);
		if (err)
			return cr_err(ctx, err,
				      "cannot lock SysV shared memory segment %d",
				      r->id);
	}
	/* Last, while the restarter still owns it. */
	ds.shm_perm.uid = r->uid;
	ds.shm_perm.gid = r->gid;
	ds.shm_perm.mode = r->mode;
	err = shmctl_kernel(ns, id, IPC_SET, &ds);
	return err ? cr_err(ctx, err,
			    "cannot give SysV shared memory segment %d its owner",
			    r->id) : 0;
}

/* Set the @nsems values of array @id with semop(), as its owner could. */
static int cr_set_sem_values(struct cr_ctx *ctx, int id, const u16 *vals,
			     unsigned int nsems)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct sembuf *sops;
	unsigned int i, n = 0;
	long err = 0;

	sops = kmalloc_array(SEMOPM, sizeof(*sops), GFP_KERNEL);
	if (!sops)
		return -ENOMEM;
	for (i = 0; !err && i < nsems; i++) {
		if (vals[i])
			sops[n++] = (struct sembuf) {
				.sem_num = i,
				.sem_op = vals[i],
				.sem_flg = IPC_NOWAIT,
			};
		if (n && (n == SEMOPM || i == nsems - 1)) {
			err = __do_semtimedop(id, sops, n, NULL, ns);
			n = 0;
		}
	}
	kfree(sops);
	return err ? cr_err(ctx, err, "cannot set SysV semaphore array %d",
			    id) : 0;
}

/* restart: make the semaphore array of the next record again. */
static int cr_restore_sem(struct cr_ctx *ctx)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct semid64_ds ds = {};
	struct cr_sysv_sem r;
	u16 *vals = NULL;
	unsigned int i;
	size_t extra;
	long id;
	int err;

	err = cr_read_rec_var(ctx, CR_SYSV_SEM, &r, sizeof(r), &extra);
	if (err)
		return err;
	if (r.id < 0 || (r.mode & ~0777) || !r.nsems || r.nsems > SEMMSL ||
	    extra != r.nsems * sizeof(*vals))
		return cr_err(ctx, -EINVAL, "bad SysV semaphore record");
	vals = kvmalloc(extra, GFP_KERNEL);
	if (!vals)
		return -ENOMEM;
	err = cr_read(ctx, vals, extra);
	for (i = 0; !err && i < r.nsems; i++)
		if (vals[i] > SEMVMX)
			err = cr_err(ctx, -EINVAL, "bad SysV semaphore value");
	if (err)
		goto out;
	/* Its owner's until filled; its mode last, with its owner. */
	id = semget_id(r.key, r.nsems, IPC_CREAT | IPC_EXCL | 0600, r.id);
	if (id < 0) {
		err = cr_err(ctx, id, "cannot make SysV semaphore array %d again",
			     r.id);
		goto out;
	}
	err = cr_set_sem_values(ctx, id, vals, r.nsems);
	if (err)
		goto out;
	ds.sem_perm.uid = r.uid;
	ds.sem_perm.gid = r.gid;
	ds.sem_perm.mode = r.mode;
	err = semctl_kernel(ns, id, IPC_SET, &ds);
	if (err)
		err = cr_err(ctx, err,
			     "cannot give SysV semaphore array %d its owner",
			     r.id);
out:
	kvfree(vals);
	return err;
}

/* restart: queue @id's next message, read into @text. */
static int cr_restore_msg(struct cr_ctx *ctx, int id, void *text)
{
	struct cr_sysv_msg m;
	size_t extra;
	long err;

	err = cr_read_rec_var(ctx, CR_SYSV_MSG, &m, sizeof(m), &extra);
	if (err)
		return err;
	if (m.mtype < 1 || m.mtype > LONG_MAX || m.len > MSGMAX ||
	    extra != m.len || m.pad)
		return cr_err(ctx, -EINVAL, "bad SysV message record");
	err = cr_read(ctx, text, m.len);
	if (err)
		return err;
	err = msgsnd_kernel(id, m.mtype, text, m.len);
	return err ? cr_err(ctx, err, "cannot queue a message on %d", id) : 0;
}

/*
 * restart: make the message queue of the next record again, with its
 * messages, as msgget(), msgctl(IPC_SET) and msgsnd() would.
 */
static int cr_restore_msq(struct cr_ctx *ctx, void *text)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct msqid64_ds ds = {};
	struct cr_sysv_msq r;
	unsigned int n;
	long id;
	int err;

	err = cr_read_rec(ctx, CR_SYSV_MSQ, &r, sizeof(r));
	if (err)
		return err;
	if (r.id < 0 || (r.mode & ~0777) || r.qbytes > INT_MAX)
		return cr_err(ctx, -EINVAL, "bad SysV message queue record");
	/* Its owner's, to fill, until IPC_SET gives it its own. */
	id = msgget_id(r.key, IPC_CREAT | IPC_EXCL | 0600, r.id);
	if (id < 0)
		return cr_err(ctx, id, "cannot make SysV message queue %d again",
			      r.id);
	ds.msg_perm.uid = from_kuid_munged(current_user_ns(), current_euid());
	ds.msg_perm.gid = from_kgid_munged(current_user_ns(), current_egid());
	ds.msg_perm.mode = 0600;
	ds.msg_qbytes = r.qbytes;
	err = msgctl_kernel(ns, id, IPC_SET, &ds);
	if (err)
		return cr_err(ctx, err,
			      "cannot give SysV message queue %d its size (%llu)",
			      r.id, r.qbytes);
	for (n = 0; !err && n < r.nr_msgs; n++)
		err = cr_restore_msg(ctx, id, text);
	if (err)
		return err;
	ds.msg_perm.uid = r.uid;
	ds.msg_perm.gid = r.gid;
	ds.msg_perm.mode = r.mode;
	err = msgctl_kernel(ns, id, IPC_SET, &ds);
	return err ? cr_err(ctx, err,
			    "cannot give SysV message queue %d its owner",
			    r.id) : 0;
}

/**
 * cr_restore_sysv - make the SysV objects of the tree's IPC namespace again
 * @ctx: restart context
 *
 * The root calls it in the namespace it has just made.
 *
 * Return: 0 or an error.
 */
int cr_restore_sysv(struct cr_ctx *ctx)
{
	unsigned int i;
	void *text;
	int err = 0;

	if (ctx->ipc.nr_shm) {
		ctx->shm_segs = kvcalloc(ctx->ipc.nr_shm,
					 sizeof(*ctx->shm_segs), GFP_KERNEL);
		if (!ctx->shm_segs)
			return -ENOMEM;
	}
	for (i = 0; !err && i < ctx->ipc.nr_shm; i++)
		err = cr_restore_shm_seg(ctx, &ctx->shm_segs[i].rec);
	ctx->nr_shm = i;
	for (i = 0; !err && i < ctx->ipc.nr_sem; i++)
		err = cr_restore_sem(ctx);
	if (err || !ctx->ipc.nr_msq)
		return err;
	text = kvmalloc(MSGMAX, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	for (i = 0; !err && i < ctx->ipc.nr_msq; i++)
		err = cr_restore_msq(ctx, text);
	kvfree(text);
	return err;
}

/**
 * cr_finish_sysv_shm() - Remove the segments removed while attached.
 * @ctx: A restart context.
 *
 * Once every task has its memory back.
 *
 * Context: Process context, the root of the restored tree; may sleep.
 * Return: 0, or a negative errno with its reason given.
 */
int cr_finish_sysv_shm(struct cr_ctx *ctx)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct shmid64_ds ds = {};
	unsigned int i;
	int err;

	for (i = 0; i < ctx->nr_shm; i++) {
		const struct cr_sysv_shm *r = &ctx->shm_segs[i].rec;

		if (!(r->flags & CR_SYSV_SHM_DEST))
			continue;
		err = shmctl_kernel(ns, r->id, IPC_RMID, &ds);
		if (err)
			return cr_err(ctx, err,
				      "cannot remove SysV shared memory segment %d",
				      r->id);
	}
	return 0;
}

/*
 * restart: a CR_SHM_ATTACH record, whose header has been read. shmat() in
 * current's new mm gives the file; the attachment is let go at once.
 */
static int cr_restore_shm_attach(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct cr_shm_attach rec;
	struct file *file = NULL;
	unsigned long addr;
	long err;

	if (hdr->len != sizeof(rec))
		return cr_err(ctx, -EINVAL, "bad SysV shared memory attachment");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	if (rec.id < 0 || (rec.flags & ~CR_SHM_ATTACH_RDONLY) || rec.pad ||
	    !ctx->ipc.own || !ctx->in_mm)
		return cr_err(ctx, -EINVAL, "bad SysV shared memory attachment");
	err = do_shmat(rec.id, NULL,
		       rec.flags & CR_SHM_ATTACH_RDONLY ? SHM_RDONLY : 0,
		       &addr, SHMLBA);
	if (err)
		return cr_err(ctx, err,
			      "cannot attach SysV shared memory segment %d",
			      rec.id);
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && vma->vm_file)
		file = get_file(vma->vm_file);
	mmap_read_unlock(mm);
	err = ksys_shmdt((char __user *)addr);
	if (!err && !file)
		err = -EINVAL;
	if (!err)
		err = cr_obj_insert(ctx, rec.objref, CR_OBJ_SHM_ATTACH, file);
	if (err && file)
		fput(file);
	return err;
}

/*
 * Whether @t shares the undo list @ulp with a process of the tree other
 * than its own.
 */
static bool cr_undo_shared(struct cr_ctx *ctx, struct task_struct *t,
			   struct sem_undo_list *ulp)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *o = ctx->tasks[i]->task;

		if (!same_thread_group(o, t) && o->sysvsem.undo_list == ulp)
			return true;
	}
	return false;
}

/**
 * cr_write_sem_undo - write the SEM_UNDO adjustments of @t's process
 * @ctx: checkpoint context
 * @t: a task of the tree, after its CR_TASK record
 *
 * The leader writes them; the other threads must share them, as threads
 * made by pthread_create() do.
 *
 * Return: 0 or an error.
 */
int cr_write_sem_undo(struct cr_ctx *ctx, struct task_struct *t)
{
	struct sem_undo_list *ulp = t->sysvsem.undo_list;
	struct cr_sem_undo rec;
	int n, nsems, err = 0;
	short *adj;

	if (!sem_undo_pending(t))
		return 0;
	if (!ctx->ipc_ns)
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has SysV semaphore adjustments (SEM_UNDO) in an IPC namespace not the tree's own (not supported)",
			      task_pid_vnr(t));
	if (ulp != t->group_leader->sysvsem.undo_list ||
	    cr_undo_shared(ctx, t, ulp))
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d shares its SysV semaphore adjustments otherwise than with its threads (not supported)",
			      task_pid_vnr(t));
	if (!thread_group_leader(t))
		return 0;
	adj = kvmalloc_array(SEMMSL, sizeof(*adj), GFP_KERNEL);
	if (!adj)
		return -ENOMEM;
	for (n = 0; !err; n++) {
		nsems = sem_undo_get(t, ctx->ipc_ns, n, &rec.semid, adj, SEMMSL);
		if (nsems == -ENOENT)
			break;
		if (nsems < 0) {
			err = cr_err(ctx, nsems,
				     "cannot read the SysV semaphore adjustments of pid %d",
				     task_pid_vnr(t));
			break;
		}
		rec.nsems = nsems;
		err = cr_write_rec(ctx, CR_SEM_UNDO, &rec, sizeof(rec), adj,
				   nsems * sizeof(*adj));
	}
	kvfree(adj);
	return err;
}

/*
 * restart: a CR_SEM_UNDO record, whose header has been read: adjustments
 * that current's exit will make, as semop(SEM_UNDO) would have built them.
 */
static int cr_restore_sem_undo(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	struct cr_sem_undo rec;
	short *adj;
	int err;

	if (hdr->len < sizeof(rec))
		return cr_err(ctx, -EINVAL, "bad SysV semaphore adjustments");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	if (!ctx->ipc.own || rec.semid < 0 || !rec.nsems ||
	    rec.nsems > SEMMSL || hdr->len - sizeof(rec) != rec.nsems * sizeof(*adj))
		return cr_err(ctx, -EINVAL, "bad SysV semaphore adjustments");
	adj = kvmalloc_array(rec.nsems, sizeof(*adj), GFP_KERNEL);
	if (!adj)
		return -ENOMEM;
	err = cr_read(ctx, adj, rec.nsems * sizeof(*adj));
	if (!err) {
		err = sem_undo_set(rec.semid, adj, rec.nsems);
		if (err)
			err = cr_err(ctx, err,
				     "cannot restore the adjustments to SysV semaphore array %d",
				     rec.semid);
	}
	kvfree(adj);
	return err;
}

const struct cr_part cr_sysv_part = {
	.name		= "SysV IPC",
	.records	= (const struct cr_record_ops[]) {
		{ CR_SHM_ATTACH, cr_restore_shm_attach },
		{ CR_SEM_UNDO,	cr_restore_sem_undo },
		{}
	},
	.check		= cr_check_sysv_shm,
	.release	= cr_release_sysv,
};
