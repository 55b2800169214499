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
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/nsproxy.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seccomp.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <asm/syscall.h>

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
	if (get_nr_threads(t) > 1)
		return "is multi-threaded";
	if (!list_empty(&t->children))
		return "has child processes";
	if (t->ptrace || !list_empty(&t->ptraced))
		return "is ptraced or a ptracer";
	if (t->nsproxy != current->nsproxy ||
	    task_active_pid_ns(t) != task_active_pid_ns(current) ||
	    task_cred_xxx(t, user_ns) != current_user_ns())
		return "is in other namespaces";
	if (cr_mm_shared(t, t->mm))
		return "shares its memory with another process";
	if (atomic_read(&t->files->count) > 1)
		return "shares its fd table";
	if (READ_ONCE(t->fs->users) > 1)
		return "shares its cwd and root";
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

/* Tasks the LSM marked: all of them are named, and nothing is parked. */
static int cr_check_marked(struct cr_ctx *ctx)
{
	char why[CR_REASON_LEN];
	unsigned int i;
	int err = 0;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i].task;

		if (cr_task_reason(t, true, why))
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
		struct task_struct *t = ctx->tasks[i].task;
		const char *why = NULL;
		int err = -EOPNOTSUPP;

		task_lock(t);
		if (t->flags & PF_EXITING) {
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

	memcpy(h.magic, CR_MAGIC, CR_MAGIC_LEN);
	strscpy(h.release, utsname()->release, sizeof(h.release));
	err = cr_write_rec(ctx, CR_HEADER, &h, sizeof(h), NULL, 0);
	return err ?: cr_arch_write_cpu(ctx);
}

static int cr_write_tree(struct cr_ctx *ctx)
{
	struct cr_tree tree = { .nr_tasks = ctx->nr_tasks };
	struct cr_tree_task *tt;
	unsigned int i;
	int err;

	tt = kcalloc(ctx->nr_tasks, sizeof(*tt), GFP_KERNEL);
	if (!tt)
		return -ENOMEM;
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i].task;

		tt[i].pid = task_pid_vnr(t);
		tt[i].tgid = task_tgid_vnr(t);
		tt[i].ppid = i ? task_ppid_nr_ns(t, task_active_pid_ns(current)) : 0;
		tt[i].nr_threads = get_nr_threads(t);
	}
	err = cr_write_rec(ctx, CR_TREE, &tree, sizeof(tree), tt,
			   ctx->nr_tasks * sizeof(*tt));
	kfree(tt);
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

static int cr_write_task(struct cr_ctx *ctx, struct task_struct *t)
{
	const struct cred *cred = get_task_cred(t);
	struct cr_task *rec;
	u32 *groups = NULL;
	unsigned int i;
	int err = -ENOMEM;

	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		goto out;
	get_task_comm(rec->comm, t);
	rec->personality = t->personality;
	rec->exit_signal = t->exit_signal;
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

	/* Objects get their objrefs here and are written after the task. */
	err = cr_obj_add(ctx, t->mm, CR_OBJ_MM, &rec->mm) ?:
	      cr_obj_add(ctx, t->files, CR_OBJ_FILES, &rec->files) ?:
	      cr_obj_add(ctx, t->fs, CR_OBJ_FS, &rec->fs) ?:
	      cr_obj_add(ctx, rcu_access_pointer(t->sighand), CR_OBJ_SIGHAND,
			 &rec->sighand) ?:
	      cr_write_rec(ctx, CR_TASK, rec, sizeof(*rec), groups,
			   rec->creds.ngroups * sizeof(*groups)) ?:
	      cr_write_mm(ctx, t, rec->mm) ?:
	      cr_write_files(ctx, t, rec->files) ?:
	      cr_write_fs(ctx, t, rec->fs) ?:
	      cr_write_sighand(ctx, t, rec->sighand) ?:
	      cr_write_thread(ctx, t) ?:
	      cr_write_signal(ctx, t);
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

	err = cr_write_header(ctx) ?: cr_write_tree(ctx);
	for (i = 0; !err && i < ctx->nr_tasks; i++)
		err = cr_write_task(ctx, ctx->tasks[i].task);
	if (!err)
		err = cr_check_pipes(ctx) ?: cr_check_shmem(ctx);
	if (err)
		return err;
	trailer.csum = ctx->csum;
	trailer.size = ctx->nbytes;
	return cr_write_rec(ctx, CR_TRAILER, &trailer, sizeof(trailer),
			    NULL, 0) ?: cr_flush(ctx);
}

/* The tree rooted at @pid: for now, one single-threaded process. */
static int cr_collect_tree(struct cr_ctx *ctx, pid_t pid)
{
	struct task_struct *t;

	rcu_read_lock();
	t = pid ? find_task_by_vpid(pid) : current;
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	if (!t)
		return cr_err(ctx, -ESRCH, "no process %d", pid);

	ctx->tasks = kcalloc(1, sizeof(*ctx->tasks), GFP_KERNEL);
	if (!ctx->tasks) {
		put_task_struct(t);
		return -ENOMEM;
	}
	ctx->tasks[0].task = t;
	ctx->nr_tasks = 1;

	if (!thread_group_leader(t))
		return cr_err(ctx, -EINVAL, "%d is a thread, not a process", pid);
	if (t != current && !ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS))
		return cr_err(ctx, -EPERM, "no permission to ptrace pid %d", pid);
	return 0;
}

static int cr_park_tree(struct cr_ctx *ctx)
{
	unsigned int i, n = 0;
	int err;

	for (i = 0; i < ctx->nr_tasks; i++)
		n += ctx->tasks[i].task != current;
	if (!n)
		return 0;
	atomic_set(&ctx->nr_unparked, n);
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i].task;

		if (t == current)
			continue;
		err = cr_park_task(ctx, &ctx->tasks[i], t);
		if (err)
			return cr_err(ctx, err, "pid %d is exiting",
				      task_pid_vnr(t));
	}
	return cr_wait_parked(ctx);
}

/* A task killed while parked must not leave an image behind it. */
static int cr_check_alive(struct cr_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i].task;

		if (t != current &&
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

	err = cr_collect_tree(ctx, pid) ?:
	      cr_check_tree(ctx) ?:
	      cr_park_tree(ctx) ?:
	      cr_check_tree(ctx) ?:
	      cr_write_image(ctx) ?:
	      cr_check_alive(ctx);

	if (!err && (ctx->flags & CHECKPOINT_KILL)) {
		for (i = 0; i < ctx->nr_tasks; i++)
			send_sig(SIGKILL, ctx->tasks[i].task, 1);
	}
	cr_release_parked(ctx);
	for (i = 0; i < ctx->nr_tasks; i++)
		put_task_struct(ctx->tasks[i].task);
	return err;
}
