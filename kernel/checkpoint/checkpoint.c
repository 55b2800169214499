// SPDX-License-Identifier: GPL-2.0
/*
 * checkpoint(): park a process tree, write its state to the image, and let
 * it go on (or kill it, with CHECKPOINT_KILL).
 *
 * State that c/r does not support makes checkpoint() fail with a reason on
 * logfd and -EOPNOTSUPP; it never writes an image that would restart into
 * something else. The checks run once before the tasks are parked, to fail
 * without disturbing them, and are authoritative once they are parked.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/ipc_namespace.h>
#include <linux/msg.h>
#include <linux/nsproxy.h>
#include <linux/ptrace.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seccomp.h>
#include <linux/sem.h>
#include <uapi/linux/shm.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <asm/syscall.h>

#include "internal.h"

static bool cr_mm_shared(struct task_struct *t, struct mm_struct *mm)
{
	struct task_struct *p;
	bool shared = false;

	if (atomic_read(&mm->mm_users) <= get_nr_threads(t))
		return false;
	rcu_read_lock();
	for_each_process(p) {
		if (!same_thread_group(p, t) && READ_ONCE(p->mm) == mm) {
			shared = true;
			break;
		}
	}
	rcu_read_unlock();
	return shared;
}

static bool cr_sighand_shared(struct task_struct *t)
{
	struct sighand_struct *sighand;
	bool shared;

	rcu_read_lock();
	sighand = rcu_dereference(t->sighand);
	shared = sighand && refcount_read(&sighand->count) > get_nr_threads(t);
	rcu_read_unlock();
	return shared;
}

/*
 * What @t holds that this version cannot save, or NULL. Called under
 * task_lock(@t); the answer is final only once @t is parked.
 */
static const char *cr_task_unsupported(struct task_struct *t)
{
	const char *why;

	if (t->ptrace || !list_empty(&t->ptraced))
		return "is ptraced or a ptracer";
	why = cr_task_ns_unsupported(t);
	if (why)
		return why;
	if (cr_mm_shared(t, t->mm))
		return "shares its memory with another process";
	if (cr_sighand_shared(t))
		return "shares its signal handlers";
#ifdef CONFIG_SECCOMP
	if (t->seccomp.mode != SECCOMP_MODE_DISABLED)
		return "uses seccomp";
#endif
	if (!cr_sched_policy_supported(t->policy))
		return "has a scheduling policy c/r does not support";
	if (t->flags & (PF_MCE_PROCESS | PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE))
		return "has a machine-check policy or is an I/O flusher";
	return cr_arch_task_unsupported(t);
}

/*
 * A zombie is saved as its exit status, and made again by its parent, to
 * exit at once: one that is not just that is refused.
 */
static const char *cr_zombie_unsupported(struct cr_ctx *ctx,
					 struct cr_task_ctx *tc)
{
	struct task_struct *t = tc->task;

	if (READ_ONCE(t->exit_state) != EXIT_ZOMBIE)
		return "is being reaped";
	if (!tc->index)
		return "is a zombie";
	if (!thread_group_leader(t) || !thread_group_empty(t))
		return "is a process that exited, but not all its threads";
	return NULL;
}

/* Tasks the LSM marked: all of them are named, and nothing is parked. */
static int cr_check_marked(struct cr_ctx *ctx)
{
	char why[CR_REASON_LEN];
	unsigned int i;
	int err = 0;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i]->task;

		if (!t->exit_state && cr_task_reason(t, true, why))
			err = cr_err(ctx, -EOPNOTSUPP, "pid %d is uncheckpointable: %s",
				     task_pid_vnr(t), why);
	}
	return err;
}

static int cr_check_tree(struct cr_ctx *ctx)
{
	unsigned int i;
	int err;

	err = cr_check_marked(ctx);
	if (err)
		return err;
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i]->task;
		const char *why = NULL;
		int err = -EOPNOTSUPP;

		task_lock(t);
		if (t->exit_state) {
			why = cr_zombie_unsupported(ctx, ctx->tasks[i]);
		} else if (t->flags & PF_EXITING) {
			why = "has exited";
			err = -ESRCH;
		} else if (!t->mm || (t->flags & (PF_KTHREAD | PF_USER_WORKER))) {
			why = "is a kernel thread";
			err = -EINVAL;
		} else if (task_is_stopped_or_traced(t)) {
			why = "is stopped";
			err = -EBUSY;
		} else {
			why = cr_task_unsupported(t);
		}
		task_unlock(t);
		if (why)
			return cr_err(ctx, err, "pid %d %s", task_pid_vnr(t), why);
	}
	return 0;
}

static int cr_write_header(struct cr_ctx *ctx)
{
	struct cr_header h = {
		.version = CR_VERSION,
		.arch = syscall_get_arch(current),
		.page_size = PAGE_SIZE,
		.flags = ctx->flags,
		.time_ns = ktime_get_real_ns(),
	};
	int err;

	do {
		ctx->id = get_random_u64();
	} while (!ctx->id);
	err = cr_track_start(ctx);
	if (err)
		return err;
	h.id = ctx->id;
	h.parent = ctx->parent;
	memcpy(h.magic, CR_MAGIC, CR_MAGIC_LEN);
	strscpy(h.release, utsname()->release, sizeof(h.release));
	err = cr_write_rec(ctx, CR_HEADER, &h, sizeof(h), NULL, 0);
	return err ?: cr_arch_write_cpu(ctx);
}

static int cr_obj_ref(struct cr_ctx *ctx, void *ptr, enum cr_obj_type type,
		      u32 *objref)
{
	*objref = cr_obj_lookup(ctx, ptr);
	return *objref ? 0 : cr_obj_add(ctx, ptr, type, objref);
}

/*
 * An fd table or fs_struct must not be shared with a task outside the
 * tree: count its users in the tree, by objref.
 */
static int cr_check_outside(struct cr_ctx *ctx)
{
	unsigned int *users, i;
	int err = 0;

	users = kvcalloc(ctx->last_objref + 1, sizeof(*users), GFP_KERNEL);
	if (!users)
		return -ENOMEM;
	for (i = 0; i < ctx->nr_tasks; i++) {
		if (ctx->tasks[i]->tt.flags & CR_TREE_ZOMBIE)
			continue;
		users[ctx->tasks[i]->tt.obj[CR_TREE_FILES]]++;
		users[ctx->tasks[i]->tt.obj[CR_TREE_FS]]++;
	}
	for (i = 0; !err && i < ctx->nr_tasks; i++) {
		struct cr_task_ctx *tc = ctx->tasks[i];
		const u32 *obj = tc->tt.obj;
		struct task_struct *t = tc->task;
		const char *what = NULL;

		if (cr_own(tc, CR_TREE_FILES) &&
		    atomic_read(&t->files->count) != users[obj[CR_TREE_FILES]])
			what = "fd table";
		else if (cr_own(tc, CR_TREE_FS) &&
			 READ_ONCE(t->fs->users) != users[obj[CR_TREE_FS]])
			what = "cwd and root";
		if (what)
			err = cr_err(ctx, -EOPNOTSUPP,
				     "pid %d shares its %s with a task outside the checkpoint",
				     task_pid_vnr(t), what);
	}
	kvfree(users);
	return err;
}

/*
 * A session led from the tree would come back without its controlling
 * terminal: refuse it. One from outside is the restarter's, with its own.
 */
static int cr_check_ctty(struct cr_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct cr_task_ctx *tc = ctx->tasks[i];

		if (tc->tt.flags & CR_TREE_ZOMBIE ||
		    !xa_load(&ctx->pids, tc->tt.sid) ||
		    !READ_ONCE(tc->task->signal->tty))
			continue;
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has a controlling terminal (not supported)",
			      tc->tt.pid);
	}
	return 0;
}

/* A zombie's status, as wait() would report it; its parent's objects. */
static int cr_fill_zombie(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	struct cr_tree_task *tt = &tc->tt;
	struct task_struct *t = tc->task;
	struct cr_task_ctx *parent = xa_load(&ctx->pids, tt->ppid);

	if (!parent)
		return cr_err(ctx, -ESRCH, "pid %d: its parent left", tt->pid);
	tt->flags = CR_TREE_ZOMBIE;
	tt->exit_code = (t->signal->flags & SIGNAL_GROUP_EXIT) ?
			t->signal->group_exit_code : t->exit_code;
	tt->exit_signal = t->exit_signal;
	memcpy(tt->obj, parent->tt.obj, sizeof(tt->obj));
	return 0;
}

/* The parked tree's ids and objects, and whether restart can rebuild it. */
static int cr_fill_tree(struct cr_ctx *ctx)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct task_struct *root = ctx->tasks[0]->task;
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < ctx->nr_tasks; i++) {
		struct cr_task_ctx *tc = ctx->tasks[i];
		struct cr_tree_task *tt = &tc->tt;
		struct task_struct *t = tc->task;

		tt->pid = task_pid_vnr(t);
		tt->tgid = task_tgid_vnr(t);
		tt->ppid = same_thread_group(t, root) ? 0 : task_ppid_nr_ns(t, ns);
		tt->pgid = task_pgrp_vnr(t);
		tt->sid = task_session_vnr(t);
		if (t->exit_state) {
			err = cr_fill_zombie(ctx, tc);
			continue;
		}
		err = cr_obj_ref(ctx, t->mm, CR_OBJ_MM, &tt->obj[CR_TREE_MM]) ?:
		      cr_obj_ref(ctx, t->files, CR_OBJ_FILES,
				 &tt->obj[CR_TREE_FILES]) ?:
		      cr_obj_ref(ctx, t->fs, CR_OBJ_FS, &tt->obj[CR_TREE_FS]) ?:
		      cr_obj_ref(ctx, rcu_access_pointer(t->sighand),
				 CR_OBJ_SIGHAND, &tt->obj[CR_TREE_SIGHAND]);
	}
	return err ?: cr_check_tree_shape(ctx) ?: cr_check_outside(ctx) ?:
	       cr_check_ctty(ctx);
}

/*
 * The namespace at @off in struct nsproxy (uts_ns, ipc_ns) of every task
 * of the tree, which must be one.
 */
static void *cr_tree_ns(struct cr_ctx *ctx, size_t off, const char *kind)
{
	void *ns = NULL, *tns;
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i]->task;

		if (ctx->tasks[i]->tt.flags & CR_TREE_ZOMBIE)
			continue;
		task_lock(t);
		tns = *(void **)((char *)t->nsproxy + off);
		task_unlock(t);
		if (ns && tns != ns)
			return ERR_PTR(cr_err(ctx, -EOPNOTSUPP,
					      "pid %d is in another %s namespace than the tree's (not supported)",
					      task_pid_vnr(t), kind));
		ns = tns;
	}
	return ns;
}

/*
 * The tree's UTS namespace, the checkpointer's or its own: one for all of
 * its tasks, which restart makes for the root to share with the others.
 */
static int cr_write_uts(struct cr_ctx *ctx)
{
	struct uts_namespace *ns;
	struct cr_uts rec = {};

	ns = cr_tree_ns(ctx, offsetof(struct nsproxy, uts_ns), "UTS");
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	rec.own = ns != current->nsproxy->uts_ns;
	down_read(&uts_sem);
	strscpy(rec.nodename, ns->name.nodename, sizeof(rec.nodename));
	strscpy(rec.domainname, ns->name.domainname, sizeof(rec.domainname));
	up_read(&uts_sem);
	return cr_write_rec(ctx, CR_UTS, &rec, sizeof(rec), NULL, 0);
}

/*
 * What an IPC namespace of the tree's own, with @nr_saved SysV objects,
 * holds that c/r does not save.
 */
static const char *cr_ipc_unsupported(struct ipc_namespace *ns, u32 nr_saved)
{
	static const int sem_ctls[] = { SEMMSL, SEMMNS, SEMOPM, SEMMNI };
	unsigned int i, in_use = 0;

	for (i = 0; i < ARRAY_SIZE(ns->ids); i++)
		in_use += READ_ONCE(ns->ids[i].in_use);
	if (cr_sysv_next_id_set(ns))
		return "limits other than a new one's";
	if (in_use != nr_saved)
		return "SysV objects made during checkpoint";
	if (IS_ENABLED(CONFIG_SYSVIPC) &&
	    (memcmp(ns->sem_ctls, sem_ctls, sizeof(sem_ctls)) ||
	     ns->msg_ctlmax != MSGMAX || ns->msg_ctlmnb != MSGMNB ||
	     ns->msg_ctlmni != MSGMNI || ns->shm_ctlmax != SHMMAX ||
	     ns->shm_ctlall != SHMALL || ns->shm_ctlmni != SHMMNI ||
	     ns->shm_rmid_forced))
		return "limits other than a new one's";
#ifdef CONFIG_POSIX_MQUEUE
	if (ns->mq_queues_max != DFLT_QUEUESMAX ||
	    ns->mq_msg_max != DFLT_MSGMAX ||
	    ns->mq_msgsize_max != DFLT_MSGSIZEMAX ||
	    ns->mq_msg_default != DFLT_MSG ||
	    ns->mq_msgsize_default != DFLT_MSGSIZE)
		return "limits other than a new one's";
#endif
	return NULL;
}

/*
 * The tree's IPC namespace, the checkpointer's or its own: restart makes a
 * new one, with the SysV objects and POSIX message queues of the old.
 */
static int cr_write_ipc(struct cr_ctx *ctx)
{
	struct ipc_namespace *ns;
	struct cr_ipc rec = {};
	const char *why;
	int err;

	ns = cr_tree_ns(ctx, offsetof(struct nsproxy, ipc_ns), "IPC");
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	rec.own = ns != current->nsproxy->ipc_ns;
	if (rec.own) {
		err = cr_snap_sysv(ctx, ns, &rec);
		if (err)
			return err;
		err = cr_snap_mq(ctx, ns);
		if (err < 0)
			return err;
		rec.nr_mq = err;
		why = cr_ipc_unsupported(ns, rec.nr_shm + rec.nr_sem +
					 rec.nr_msq);
		if (why)
			return cr_err(ctx, -EOPNOTSUPP,
				      "the tree's own IPC namespace has %s (not supported yet)",
				      why);
	}
	return cr_write_rec(ctx, CR_IPC, &rec, sizeof(rec), NULL, 0) ?:
	       cr_write_sysv(ctx) ?: cr_write_mqs(ctx);
}

static int cr_write_tree(struct cr_ctx *ctx)
{
	struct cr_tree tree = { .nr_tasks = ctx->nr_tasks };
	struct cr_hdr hdr = {
		.type = CR_TREE,
		.len = sizeof(tree) + ctx->nr_tasks * sizeof(struct cr_tree_task),
	};
	unsigned int i;
	int err;

	err = cr_write(ctx, &hdr, sizeof(hdr)) ?: cr_write(ctx, &tree, sizeof(tree));
	for (i = 0; !err && i < ctx->nr_tasks; i++)
		err = cr_write(ctx, &ctx->tasks[i]->tt, sizeof(struct cr_tree_task));
	return err;
}

static void cr_fill_creds(struct cr_creds *c, const struct cred *cred)
{
	struct user_namespace *ns = current_user_ns();

	c->uid = from_kuid_munged(ns, cred->uid);
	c->euid = from_kuid_munged(ns, cred->euid);
	c->suid = from_kuid_munged(ns, cred->suid);
	c->fsuid = from_kuid_munged(ns, cred->fsuid);
	c->gid = from_kgid_munged(ns, cred->gid);
	c->egid = from_kgid_munged(ns, cred->egid);
	c->sgid = from_kgid_munged(ns, cred->sgid);
	c->fsgid = from_kgid_munged(ns, cred->fsgid);
	c->cap_inheritable = cred->cap_inheritable.val;
	c->cap_permitted = cred->cap_permitted.val;
	c->cap_effective = cred->cap_effective.val;
	c->cap_bset = cred->cap_bset.val;
	c->cap_ambient = cred->cap_ambient.val;
	c->securebits = cred->securebits;
	c->ngroups = cred->group_info->ngroups;
}

/*
 * A task: its own record, the objects it does not share with its creator,
 * its thread state, and after the last thread of a process, the process's
 * signal state.
 */
static int cr_write_task(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	struct task_struct *t = tc->task;
	const struct cred *cred = get_task_cred(t);
	const u32 *obj = tc->tt.obj;
	struct cr_task *rec;
	u32 *groups = NULL;
	unsigned int i;
	int err = -ENOMEM;

	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		goto out;
	get_task_comm(rec->comm, t);
	rec->personality = t->personality;
	rec->exit_signal = thread_group_leader(t) ? t->exit_signal : 0;
	if (task_no_new_privs(t))
		rec->flags |= CR_TASK_NO_NEW_PRIVS;
	cr_fill_creds(&rec->creds, cred);
	groups = kcalloc(rec->creds.ngroups, sizeof(*groups), GFP_KERNEL);
	if (rec->creds.ngroups && !groups)
		goto out;
	for (i = 0; i < rec->creds.ngroups; i++)
		groups[i] = from_kgid_munged(current_user_ns(),
					     cred->group_info->gid[i]);

	task_lock(t->group_leader);
	for (i = 0; i < CR_NLIMITS; i++) {
		rec->rlim[i].cur = t->signal->rlim[i].rlim_cur;
		rec->rlim[i].max = t->signal->rlim[i].rlim_max;
	}
	task_unlock(t->group_leader);

	err = cr_write_rec(ctx, CR_TASK, rec, sizeof(*rec), groups,
			   rec->creds.ngroups * sizeof(*groups)) ?:
	      cr_write_sem_undo(ctx, t);
	if (!err && cr_own(tc, CR_TREE_MM))
		err = cr_write_mm(ctx, t, obj[CR_TREE_MM]);
	if (!err && cr_own(tc, CR_TREE_FILES))
		err = cr_write_files(ctx, t, obj[CR_TREE_FILES]);
	if (!err && cr_own(tc, CR_TREE_FS))
		err = cr_write_fs(ctx, t, obj[CR_TREE_FS]);
	if (!err && cr_own(tc, CR_TREE_SIGHAND))
		err = cr_write_sighand(ctx, t, obj[CR_TREE_SIGHAND]);
	err = err ?: cr_write_thread(ctx, t);
	if (!err && cr_last_thread(ctx, tc))
		err = cr_write_signal(ctx, t);
out:
	kfree(groups);
	kfree(rec);
	put_cred(cred);
	return err;
}

static int cr_write_image(struct cr_ctx *ctx)
{
	struct cr_trailer trailer = {};
	unsigned int i;
	int err;

	err = cr_write_header(ctx) ?: cr_write_tree(ctx) ?: cr_write_uts(ctx) ?:
	      cr_write_ipc(ctx);
	for (i = 0; !err && i < ctx->nr_tasks; i++)
		if (!(ctx->tasks[i]->tt.flags & CR_TREE_ZOMBIE))
			err = cr_write_task(ctx, ctx->tasks[i]);
	if (!err)
		err = cr_parts_check(ctx);
	if (err)
		return err;
	trailer.csum = ctx->csum;
	trailer.size = ctx->nbytes;
	return cr_write_rec(ctx, CR_TRAILER, &trailer, sizeof(trailer),
			    NULL, 0) ?: cr_flush(ctx);
}

/* Add process @p, and then its other threads, to @found. */
static bool cr_found_process(struct task_struct *p, struct task_struct **found,
			     unsigned int *n)
{
	struct task_struct *t;

	if (*n == CR_TASKS_MAX)
		return false;
	found[(*n)++] = get_task_struct(p);
	for_each_thread(p, t) {
		if (t == p)
			continue;
		if (*n == CR_TASKS_MAX)
			return false;
		found[(*n)++] = get_task_struct(t);
	}
	return true;
}

/*
 * Process @root, its threads, and its descendants, each process after its
 * parent, each thread after its process, in @found; their number, or
 * -E2BIG if there are too many.
 */
static int cr_find_tree(struct task_struct *root, struct task_struct **found)
{
	unsigned int n = 0, i;
	bool ok;

	read_lock(&tasklist_lock);
	ok = cr_found_process(root, found, &n);
	for (i = 0; ok && i < n; i++) {
		struct task_struct *c;

		list_for_each_entry(c, &found[i]->children, sibling) {
			ok = cr_found_process(c, found, &n);
			if (!ok)
				break;
		}
	}
	read_unlock(&tasklist_lock);
	if (ok)
		return n;
	for (i = 0; i < n; i++)
		put_task_struct(found[i]);
	return -E2BIG;
}

/*
 * Make ctx->tasks the tree rooted at @root as it is now. A task already
 * in the tree keeps its cr_task_ctx, and its park; *@nr_new is the number
 * of tasks new to it. A task that left the tree since is an error.
 */
static int cr_collect(struct cr_ctx *ctx, struct task_struct *root,
		      unsigned int *nr_new)
{
	struct cr_task_ctx **tasks;
	struct task_struct **found;
	unsigned int i, old = 0;
	int n, err = 0;

	found = kvcalloc(CR_TASKS_MAX, sizeof(*found), GFP_KERNEL);
	if (!found)
		return -ENOMEM;
	n = cr_find_tree(root, found);
	if (n < 0) {
		kvfree(found);
		return cr_err(ctx, n, "the tree has more than %u tasks",
			      CR_TASKS_MAX);
	}
	tasks = kvcalloc(n, sizeof(*tasks), GFP_KERNEL);
	if (!tasks)
		err = -ENOMEM;
	*nr_new = 0;
	for (i = 0; !err && i < n; i++) {
		pid_t nr = task_pid_vnr(found[i]);
		struct cr_task_ctx *tc = xa_load(&ctx->pids, nr);

		if (tc && tc->task == found[i]) {
			old++;
		} else if (tc) {
			err = cr_err(ctx, -ESRCH, "a task of the tree exited");
		} else {
			tc = cr_task_ctx_alloc(ctx);
			if (!tc) {
				err = -ENOMEM;
				break;
			}
			tc->task = get_task_struct(found[i]);
			err = xa_insert(&ctx->pids, nr, tc, GFP_KERNEL);
			*nr_new += found[i] != current && !found[i]->exit_state;
		}
		if (!err) {
			tc->index = i;
			tasks[i] = tc;
		}
	}
	if (!err && old != ctx->nr_tasks)
		err = cr_err(ctx, -ESRCH, "a task of the tree exited");
	for (i = 0; i < n; i++)
		put_task_struct(found[i]);
	kvfree(found);
	if (err) {
		kvfree(tasks);
		return err;
	}
	kvfree(ctx->tasks);
	ctx->tasks = tasks;
	ctx->nr_tasks = n;
	return 0;
}

/* checkpoint needs to be able to ptrace every task it walks. */
static int cr_may_checkpoint(struct cr_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i]->task;

		if (t != current && !ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS))
			return cr_err(ctx, -EPERM, "no permission to ptrace pid %d",
				      task_pid_vnr(t));
	}
	return 0;
}

/* Park the tasks of ctx->tasks not parked yet, and wait for all of them. */
static int cr_park_new(struct cr_ctx *ctx, unsigned int nr_new)
{
	unsigned int i;
	int err;

	reinit_completion(&ctx->all_parked);
	atomic_set(&ctx->nr_unparked, nr_new);
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct cr_task_ctx *tc = ctx->tasks[i];

		if (tc->task == current || tc->park.ctx || tc->task->exit_state)
			continue;
		err = cr_park_task(ctx, tc, tc->task);
		if (err)
			return cr_err(ctx, err, "pid %d is exiting",
				      task_pid_vnr(tc->task));
	}
	return cr_wait_parked(ctx);
}

#define CR_PARK_ROUNDS	16

/*
 * Find the tree and park it. A task may fork or clone until it is parked:
 * look again until no task is new. Checks that fail before the first
 * parking leave the tree undisturbed.
 */
static int cr_freeze_tree(struct cr_ctx *ctx, pid_t pid)
{
	struct task_struct *root;
	unsigned int round, nr_new;
	int err;

	rcu_read_lock();
	root = pid ? find_task_by_vpid(pid) : current->group_leader;
	if (root)
		get_task_struct(root);
	rcu_read_unlock();
	if (!root)
		return cr_err(ctx, -ESRCH, "no process %d", pid);
	if (!thread_group_leader(root)) {
		err = cr_err(ctx, -EINVAL, "%d is a thread, not a process", pid);
		goto out;
	}

	for (round = 0; round < CR_PARK_ROUNDS; round++) {
		err = cr_collect(ctx, root, &nr_new) ?: cr_may_checkpoint(ctx);
		if (!err && !round)
			err = cr_check_tree(ctx);
		if (err || !nr_new)
			break;
		err = cr_park_new(ctx, nr_new);
		if (err)
			break;
	}
	if (!err && round == CR_PARK_ROUNDS)
		err = cr_err(ctx, -EAGAIN, "the tree kept changing while being parked");
out:
	put_task_struct(root);
	return err;
}

/* A task killed while parked must not leave an image behind it. */
static int cr_check_alive(struct cr_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i]->task;

		if (t != current && !(ctx->tasks[i]->tt.flags & CR_TREE_ZOMBIE) &&
		    ((t->flags & PF_EXITING) || fatal_signal_pending(t)))
			return cr_err(ctx, -ESRCH, "pid %d was killed",
				      task_pid_vnr(t));
	}
	return 0;
}

long do_checkpoint(struct cr_ctx *ctx, pid_t pid)
{
	unsigned int i;
	int err;

	err = cr_freeze_tree(ctx, pid) ?:
	      cr_check_tree(ctx) ?:
	      cr_fill_tree(ctx) ?:
	      cr_write_image(ctx) ?:
	      cr_check_alive(ctx);
	cr_track_end(ctx, err);

	if (!err && (ctx->flags & CHECKPOINT_KILL)) {
		for (i = 0; i < ctx->nr_tasks; i++)
			send_sig(SIGKILL, ctx->tasks[i]->task, 1);
	}
	cr_release_parked(ctx);
	return err;
}
