/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint/restart of process trees: what the core in kernel/checkpoint/
 * gives its parts - fs, mm, ipc, AF_UNIX, the LSM and the architecture
 * code - and what they give it; and the calls of /proc and prctl(). The
 * core's own internals are in kernel/checkpoint/internal.h.
 */
#ifndef _LINUX_CHECKPOINT_H
#define _LINUX_CHECKPOINT_H

#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/resource.h>
#include <linux/signal_types.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/checkpoint.h>

struct cr_shm_seg;
struct cred;
struct file;
struct inode;
struct ipc_namespace;
struct mm_struct;
struct page;
struct pid;
struct pid_namespace;
struct seq_file;
struct task_struct;
struct vm_area_struct;

/*
 * A task is "parked" while it is checkpointed or restarted: it runs a task
 * work on its way back to user space, from get_signal(), and sleeps there
 * until the checkpointer or restarter releases it. Its user registers are
 * then in task_pt_regs() and its FPU state in memory, as for a ptrace stop,
 * and nothing of it is visible to the task or to its parent.
 */
struct cr_park {
	struct callback_head	work;
	struct cr_ctx		*ctx;
	bool			parked;
};

struct cr_arch_thread;

/* restart: what a task takes on last, once the whole tree is made. */
struct cr_commit {
	struct cred		*creds;
	struct rlimit		fsize;		/* a process's RLIMIT_FSIZE */
	struct path		root;		/* its chroot, or none */
	sigset_t		blocked;
	sigset_t		saved_sigmask;
	bool			restore_sigmask;
	bool			no_new_privs;
};

/* One task (thread) of the tree being checkpointed or restarted. */
struct cr_task_ctx {
	struct task_struct	*task;
	struct cr_park		park;
	struct list_head	list;		/* in ctx->task_list */
	struct cr_tree_task	tt;		/* its entry of the tree */
	struct cr_task_ctx	*creator;	/* NULL for the root */
	unsigned int		index;		/* in ctx->tasks */
	/*
	 * restart only. The task sets ->task, ->err and what it read
	 * before it completes ->started or ->ready; the restarter reads
	 * them after. ->gone: see struct cr_ctx.
	 */
	struct cr_ctx		*ctx;
	struct completion	started;	/* ->task is set */
	struct completion	ready;		/* records read, ->err set */
	int			err;
	bool			gone;		/* makes no more tasks */
	int			exit_signal;
	struct cr_arch_thread	*arch;		/* registers to install */
	struct cr_commit	commit;
};

enum cr_obj_type {
	CR_OBJ_FILE = 1,
	CR_OBJ_MM,
	CR_OBJ_FILES,
	CR_OBJ_FS,
	CR_OBJ_SIGHAND,
	CR_OBJ_PIPE,
	CR_OBJ_INODE,		/* checkpoint: a deleted file's, met once */
	CR_OBJ_SHMEM,		/* its inode; at restart, a file made for it */
	CR_OBJ_SOCK,		/* checkpoint: a socket met before its file */
	CR_OBJ_SHM_ATTACH,	/* the file shmat() made */
};

/*
 * One checkpoint() or restart() call, its caller's. The caller alone uses
 * its fields, but for these, which the tasks of the tree share:
 *
 * - ->ref: each parked task, and each task restart() makes while it
 *   restores itself, holds a reference; the caller holds the first.
 * - ->log, ->log_len: under ->log_lock, for any task may give a reason.
 * - The image I/O fields (->pos to ->buf_off), the objects (->obj_hash to
 *   ->last_objref) and the object lists: at restart, one task reads the
 *   image at a time, the one ->reader names, and it hands on through a
 *   completion (cr_task_ctx::ready), which orders what it wrote before
 *   whoever waits for it reads.
 * - ->spawn, ->spawn_done, ->aborted: written by the restarter, read by
 *   the creators that wait on ->spawn_wq for their next task, with
 *   WRITE_ONCE()/READ_ONCE(). A creator killed there sets its
 *   cr_task_ctx::gone, then reads ->spawn; the restarter sets ->spawn,
 *   then reads ->gone: a full barrier on each side makes one of them see
 *   the other, so that no request waits for a dead creator.
 * - ->nr_unparked counts down the tasks to park, atomically; the last one
 *   completes ->all_parked. ->released and ->killed are written once
 *   (WRITE_ONCE()), ->released before ->park_wq is woken, and parked tasks
 *   read them on waking.
 */
struct cr_ctx {
	struct kref		ref;
	bool			restart;
	unsigned long		flags;		/* syscall flags */
	struct file		*file;		/* the image */
	struct file		*logfile;	/* reasons go here, or NULL */
	struct mutex		log_lock;	/* one reason at a time */
	char			*log;		/* reasons, for logfd at the end */
	size_t			log_len;
	loff_t			start;		/* the image's first byte */
	bool			reason_final;	/* restart: its reason stands */
	loff_t			pos;		/* in the image, if seekable */
	u64			nbytes;		/* image bytes so far */
	u32			csum;		/* crc32c of those bytes */
	u64			id;		/* checkpoint: of the image */
	u64			parent;		/* checkpoint: the one it adds to */
	bool			csum_pages;	/* with CR_PAGES data in it */
	char			*buf;		/* image I/O buffer */
	struct bio_vec		*bvec;		/* the pages of one CR_PAGES */
	size_t			buf_len;	/* valid bytes in buf */
	size_t			buf_off;	/* restart: bytes of buf consumed */

	/* Objects shared between tasks: by pointer, and by objref. */
	DECLARE_HASHTABLE(obj_hash, 8);
	struct xarray		objs;
	u32			last_objref;
	bool			in_task;	/* restart: objects may come */
	struct list_head	pipes;		/* checkpoint: their ends */
	struct list_head	shmems;		/* checkpoint: their VMAs */
	struct list_head	unix_ahead;	/* checkpoint: sockets met early */
	struct list_head	unix_creds;	/* restart: SO_PEERCRED to give */
	struct list_head	unix_connects;	/* restart: datagram peers */

	/* The tree, in image order; by pid (the image's, at restart). */
	struct cr_task_ctx	**tasks;
	unsigned int		nr_tasks;
	struct list_head	task_list;	/* every cr_task_ctx made */
	struct xarray		pids;

	/* restart: a creator makes the task ->spawn, until ->spawn_done. */
	wait_queue_head_t	spawn_wq;
	struct cr_task_ctx	*spawn;
	struct cr_task_ctx	*reader;	/* whose records are read */
	bool			spawn_done;
	bool			aborted;
	pid_t			root_pid;	/* the pid restart() asks for */
	struct cr_uts		uts;		/* the tree's UTS namespace */
	struct cr_ipc		ipc;		/* and its IPC namespace */
	struct ipc_namespace	*ipc_ns;	/* checkpoint: the tree's own */
	struct cr_shm_seg	*shm_segs;	/* its SysV shared memory */
	unsigned int		nr_shm;
	struct cr_sysv_sem	*sems;		/* checkpoint: its semaphores */
	unsigned int		nr_sem;
	struct cr_sysv_msq	*msqs;		/* checkpoint: its messages */
	unsigned int		nr_msq;
	struct list_head	mq_names;	/* checkpoint: its POSIX queues */
	bool			in_mm;		/* restart: current has its new mm */

	/* Parking */
	atomic_t		nr_unparked;
	struct completion	all_parked;
	wait_queue_head_t	park_wq;
	bool			released;
	bool			killed;		/* a parked task was killed */

	/* restart: what the image's CPU could do */
	u32			xstate_size;
	bool			vdso_same;	/* the image's vDSO is ours */
};

/**
 * struct cr_record_ops - How restart() makes the object of a record.
 * @type: The record type, an enum cr_type.
 * @restore: Reads the rest of the record and makes its object, with the
 *	reading task's credentials; see cr_read_hdr().
 */
struct cr_record_ops {
	u32	type;
	int	(*restore)(struct cr_ctx *ctx, const struct cr_hdr *hdr);
};

/**
 * struct cr_part - What a part of checkpoint/restart gives the core.
 * @name: Its name.
 * @records: The object records it restores, ended by a zero type; they
 *	may stand before any record of the reading task that refers to
 *	them.
 * @check: checkpoint: once every task is walked, refuses what was met but
 *	cannot be saved as a whole - a pipe with an end outside the tree.
 * @finish: restart: once every task is made and the trailer read.
 * @release: Frees what the part keeps in a context.
 * @has_file: Whether the part saves a file of this kind itself.
 * @write_file: checkpoint: writes such a file, as cr_write_file().
 * @file_kind: The CR_FILE kind the part opens again, or 0.
 * @open_file: restart: opens a file of the CR_FILE record @rec again,
 *	whose path in the image is @path.
 *
 * Each part defines one, and kernel/checkpoint/sys.c lists it; the core
 * calls the hooks, each of which may be NULL, in the order of that list.
 * A socket or a message queue that a part's @has_file claims is supported,
 * and written by the part; cr_file_support() judges the others. Regular
 * files, the path that every open() takes, never ask the parts.
 */
struct cr_part {
	const char			*name;
	const struct cr_record_ops	*records;
	int				(*check)(struct cr_ctx *ctx);
	int				(*finish)(struct cr_ctx *ctx);
	void				(*release)(struct cr_ctx *ctx);
	bool				(*has_file)(const struct file *file);
	int				(*write_file)(struct cr_ctx *ctx,
						      struct task_struct *t,
						      struct file *file,
						      u32 *objref);
	u32				file_kind;
	struct file			*(*open_file)(struct cr_ctx *ctx,
						      const struct cr_file *rec,
						      const char *path);
};

extern const struct cr_part cr_fs_part;		/* fs/checkpoint.c */
extern const struct cr_part cr_mm_part;		/* mm/checkpoint.c */
extern const struct cr_part cr_sysv_part;	/* ipc/checkpoint.c */
extern const struct cr_part cr_mq_part;		/* ipc/mq_checkpoint.c */
extern const struct cr_part cr_unix_part;	/* net/unix/checkpoint.c */

const struct cr_part *cr_file_part(const struct file *file);
const struct cr_part *cr_file_kind_part(u32 kind);

/* kernel/checkpoint/sys.c: context, logging and image I/O */
__printf(3, 4) int cr_err(struct cr_ctx *ctx, int err, const char *fmt, ...);
int cr_write(struct cr_ctx *ctx, const void *buf, size_t len);
int cr_write_rec(struct cr_ctx *ctx, u32 type, const void *rec, size_t len,
		 const void *extra, size_t extra_len);
int cr_write_pages(struct cr_ctx *ctx, struct page **pages, unsigned int nr,
		   bool private);
int cr_read(struct cr_ctx *ctx, void *buf, size_t len);
int cr_read_pages(struct cr_ctx *ctx, struct page **pages, unsigned int nr);
int cr_read_rec(struct cr_ctx *ctx, u32 type, void *rec, size_t len);
int cr_read_rec_var(struct cr_ctx *ctx, u32 type, void *rec, size_t len,
		    size_t *extra_len);
char *cr_read_path(struct cr_ctx *ctx, u32 path_len, size_t extra_len);

/* kernel/checkpoint/support.c: what c/r supports, for the walker and the LSM */
enum cr_support {
	CR_SUPPORTED,		/* saved and restored */
	CR_NOT_YET,		/* refused while held; support is planned */
	CR_UNSUPPORTED,		/* refused, and marks the task that makes it */
};

#define CR_WHY_LEN	64	/* a description of an object's kind */
#define CR_REASON_LEN	96	/* why a task is marked uncheckpointable */

enum cr_support cr_file_support(const struct file *file, char *why);
bool cr_chrdev_supported(dev_t dev);
const char *cr_clone_unsupported(u64 clone_flags);

/* security/checkpoint/lsm.c */
#ifdef CONFIG_SECURITY_CHECKPOINT
bool cr_task_reason(struct task_struct *t, bool process, char *buf);
void cr_lsm_set_active(bool active);
int proc_pid_checkpointable(struct seq_file *m, struct pid_namespace *ns,
			    struct pid *pid, struct task_struct *task);
int proc_tid_checkpointable(struct seq_file *m, struct pid_namespace *ns,
			    struct pid *pid, struct task_struct *task);
int cr_prctl_get_checkpointable(unsigned long arg2, unsigned long arg3,
				unsigned long arg4, unsigned long arg5);
#else
/* Without the LSM no task is marked: the walker alone judges. */
static inline bool cr_task_reason(struct task_struct *t, bool process,
				  char *buf)
{
	return false;
}

static inline void cr_lsm_set_active(bool active)
{
}

static inline int cr_prctl_get_checkpointable(unsigned long arg2,
					      unsigned long arg3,
					      unsigned long arg4,
					      unsigned long arg5)
{
	return -EINVAL;
}
#endif

/* kernel/checkpoint/objhash.c */
u32 cr_obj_lookup(struct cr_ctx *ctx, void *ptr);
int cr_obj_add(struct cr_ctx *ctx, void *ptr, enum cr_obj_type type,
	       u32 *objref);
int cr_obj_add_as(struct cr_ctx *ctx, void *ptr, enum cr_obj_type type,
		  u32 objref);
int cr_obj_insert(struct cr_ctx *ctx, u32 objref, enum cr_obj_type type,
		  void *ptr);
void *cr_obj_find(struct cr_ctx *ctx, u32 objref, enum cr_obj_type type);

/* kernel/checkpoint/restart.c */
const struct cred *cr_as_job(struct cr_ctx *ctx);
void cr_as_restarter(const struct cred *old);

/* kernel/checkpoint/tree.c */
struct cr_task_ctx *cr_tree_find(struct cr_ctx *ctx, pid_t pid);

/* fs/checkpoint.c */
int cr_write_file(struct cr_ctx *ctx, struct task_struct *t,
		  struct file *file, bool mapped, u32 *objref);
int cr_write_files(struct cr_ctx *ctx, struct task_struct *t, u32 objref);
int cr_restore_files(struct cr_ctx *ctx, u32 objref);
int cr_write_fs(struct cr_ctx *ctx, struct task_struct *t, u32 objref);
int cr_restore_fs(struct cr_ctx *ctx, u32 objref, struct path *root);
int cr_check_mapped_file(struct cr_ctx *ctx, struct task_struct *t,
			 struct file *file);
void cr_put_pipe_ends(void *ends);

/* net/unix/checkpoint.c */
#ifdef CONFIG_CHECKPOINT_UNIX
int cr_unlink_socket_file(const char *name);
int cr_chmod_socket_file(const struct path *path, umode_t mode);
#endif

/* ipc/checkpoint.c */
#ifdef CONFIG_CHECKPOINT_SYSVIPC
int cr_snap_sysv(struct cr_ctx *ctx, struct ipc_namespace *ns,
		 struct cr_ipc *rec);
int cr_write_sysv(struct cr_ctx *ctx);
int cr_write_shm_attach(struct cr_ctx *ctx, struct task_struct *t,
			struct file *file, u32 *objref);
bool cr_is_shm_file(struct file *file);
bool cr_sysv_next_id_set(struct ipc_namespace *ns);
int cr_restore_sysv(struct cr_ctx *ctx);
int cr_finish_sysv_shm(struct cr_ctx *ctx);
int cr_write_sem_undo(struct cr_ctx *ctx, struct task_struct *t);
#else
static inline int cr_snap_sysv(struct cr_ctx *ctx, struct ipc_namespace *ns,
			       struct cr_ipc *rec)
{
	return 0;
}

static inline int cr_write_sysv(struct cr_ctx *ctx)
{
	return 0;
}

static inline bool cr_is_shm_file(struct file *file)
{
	return false;	/* then an unnamed shmem file: refused */
}

static inline bool cr_sysv_next_id_set(struct ipc_namespace *ns)
{
	return false;
}

static inline int cr_write_shm_attach(struct cr_ctx *ctx,
				      struct task_struct *t,
				      struct file *file, u32 *objref)
{
	return -EOPNOTSUPP;	/* no shmat() without SYSVIPC */
}

static inline int cr_finish_sysv_shm(struct cr_ctx *ctx)
{
	return 0;
}

static inline int cr_write_sem_undo(struct cr_ctx *ctx, struct task_struct *t)
{
	return 0;
}

/* An image with SysV objects, in a kernel without them. */
static inline int cr_restore_sysv(struct cr_ctx *ctx)
{
	return ctx->ipc.nr_shm || ctx->ipc.nr_sem || ctx->ipc.nr_msq ?
	       cr_err(ctx, -EOPNOTSUPP, "no SysV IPC in this kernel") : 0;
}
#endif

/* ipc/mq_checkpoint.c */
#define CR_MQUEUE_MAGIC	0x19800202	/* ipc/mqueue.c's, not exported */

#ifdef CONFIG_CHECKPOINT_POSIX_MQUEUE
int cr_snap_mq(struct cr_ctx *ctx, struct ipc_namespace *ns);
int cr_write_mqs(struct cr_ctx *ctx);
int cr_restore_mqs(struct cr_ctx *ctx);
#else
static inline int cr_snap_mq(struct cr_ctx *ctx, struct ipc_namespace *ns)
{
	return 0;
}

static inline int cr_write_mqs(struct cr_ctx *ctx)
{
	return 0;
}

/* An image with POSIX message queues, in a kernel without them. */
static inline int cr_restore_mqs(struct cr_ctx *ctx)
{
	return ctx->ipc.nr_mq ?
	       cr_err(ctx, -EOPNOTSUPP, "no POSIX message queues in this kernel") : 0;
}
#endif

/* mm/checkpoint.c */
int cr_write_mm(struct cr_ctx *ctx, struct task_struct *t, u32 objref);
int cr_restore_mm(struct cr_ctx *ctx, u32 objref);
u32 cr_shmem_kind(struct file *file);
int cr_write_shmem(struct cr_ctx *ctx, struct file *file, u32 *objref);
int cr_write_shmem_pages(struct cr_ctx *ctx, struct inode *inode,
			 loff_t size);
int cr_restore_shmem_pages(struct cr_ctx *ctx, struct file *file, u64 size);
#ifdef CONFIG_CHECKPOINT_INCREMENTAL
int cr_track_start(struct cr_ctx *ctx);
void cr_track_end(struct cr_ctx *ctx, int err);
#else
static inline int cr_track_start(struct cr_ctx *ctx)
{
	if (!(ctx->flags & (CHECKPOINT_TRACK | CHECKPOINT_INCREMENTAL)))
		return 0;
	return cr_err(ctx, -EOPNOTSUPP,
		      "this kernel cannot tell the pages written since a checkpoint (no CONFIG_MEM_SOFT_DIRTY)");
}

static inline void cr_track_end(struct cr_ctx *ctx, int err)
{
}
#endif

/* arch/<arch>/checkpoint/ */
int cr_arch_write_cpu(struct cr_ctx *ctx);
int cr_arch_read_cpu(struct cr_ctx *ctx);
const char *cr_arch_task_unsupported(struct task_struct *t);
int cr_arch_write_thread(struct cr_ctx *ctx, struct task_struct *t);
int cr_arch_read_thread(struct cr_ctx *ctx, struct cr_task_ctx *tc);
int cr_arch_restore_thread(struct cr_ctx *ctx, struct cr_task_ctx *tc);
void cr_arch_free_thread(struct cr_task_ctx *tc);
bool cr_arch_vma_is_vdso(struct vm_area_struct *vma, bool *text);
int cr_arch_restore_vdso(struct cr_ctx *ctx, unsigned long addr);

#endif /* _LINUX_CHECKPOINT_H */
