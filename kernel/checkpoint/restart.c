// SPDX-License-Identifier: GPL-2.0
/*
 * restart(): rebuild a process tree from an image.
 *
 * The caller - the restarter - reads the image header and the tree, and
 * has each task made in image order by its creator: the root by itself, a
 * process by its parent, a thread by its process, with kernel_clone() and
 * the clone flags of what it shares with its creator. The new task runs
 * cr_restore_task_fn() before it first returns to user space. That
 * function reads the task's records in the task's own context, so its
 * memory, files and signal state are rebuilt as the task could have built
 * them itself: with its own limits, and with its own credentials - checked
 * against the restarter's - for every path it walks and file it opens;
 * then it makes the tasks it creates, when the restarter asks. Once the
 * whole tree is made and the image's trailer checked, each task takes its
 * process group, root, signal mask and own credentials, and parks on its
 * way out to user space. The restarter installs its registers, as ptrace
 * would, and releases the tasks. Until then no new task has run a single
 * user instruction: on any error every task is killed, each reaps the
 * processes it made, and the restarter reaps the root.
 *
 * The root becomes a child of the restarter; restart() returns its pid.
 * The exit signals are 0 until the tasks are released, so a failed
 * restart sends no SIGCHLD for them.
 */
#include <linux/cred.h>
#include <linux/fs_struct.h>
#include <linux/personality.h>
#include <linux/sched/coredump.h>
#include <linux/sched/user.h>
#include <linux/securebits.h>
#include <linux/resource.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/utsname.h>
#include <linux/wait.h>
#include <uapi/linux/msg.h>
#include <uapi/linux/sem.h>
#include <uapi/linux/shm.h>
#include <uapi/linux/wait.h>
#include <asm/syscall.h>

#include "internal.h"

static int cr_read_header(struct cr_ctx *ctx)
{
	struct cr_header h;
	struct cr_hdr hdr;
	int err;

	/* Raw: whatever the file is, the first bytes say if it is an image. */
	err = cr_read(ctx, &hdr, sizeof(hdr));
	if (!err && (hdr.type != CR_HEADER || hdr.len != sizeof(h)))
		err = -EINVAL;
	if (!err)
		err = cr_read(ctx, &h, sizeof(h));
	if (err && err != -EINVAL)
		return err;	/* a signal, or the read failed */
	if (err || memcmp(h.magic, CR_MAGIC, CR_MAGIC_LEN)) {
		ctx->reason_final = true;
		return cr_err(ctx, -EINVAL, "not a checkpoint image");
	}
	if (h.version != CR_VERSION)
		return cr_err(ctx, -EINVAL, "image format %u, this kernel reads %u",
			      h.version, CR_VERSION);
	if (h.arch != syscall_get_arch(current) || h.page_size != PAGE_SIZE)
		return cr_err(ctx, -EINVAL,
			      "image of another architecture (%#x, %u-byte pages)",
			      h.arch, h.page_size);
	if (h.flags & ~CHECKPOINT_FLAGS_ALL)
		return cr_err(ctx, -EINVAL, "unknown checkpoint() flags %#llx",
			      h.flags);
	if (h.parent)
		return cr_err(ctx, -EINVAL,
			      "an incremental image: restart it merged with its parent images");
	ctx->csum_pages = !(h.flags & CHECKPOINT_NO_PAGE_CSUM);
	return cr_arch_read_cpu(ctx);
}

static int cr_read_tree(struct cr_ctx *ctx)
{
	struct cr_tree tree;
	unsigned int i;
	size_t extra;
	int err;

	err = cr_read_rec_var(ctx, CR_TREE, &tree, sizeof(tree), &extra);
	if (err)
		return err;
	if (!tree.nr_tasks || tree.nr_tasks > CR_TASKS_MAX || tree.pad ||
	    extra != tree.nr_tasks * sizeof(struct cr_tree_task))
		return cr_err(ctx, -EINVAL, "bad tree record");
	ctx->tasks = kvcalloc(tree.nr_tasks, sizeof(*ctx->tasks), GFP_KERNEL);
	if (!ctx->tasks)
		return -ENOMEM;
	for (i = 0; i < tree.nr_tasks; i++) {
		struct cr_task_ctx *tc = cr_task_ctx_alloc(ctx);

		if (!tc)
			return -ENOMEM;
		tc->ctx = ctx;
		tc->index = i;
		ctx->tasks[i] = tc;
		ctx->nr_tasks = i + 1;
		err = cr_read(ctx, &tc->tt, sizeof(tc->tt));
		if (err)
			return err;
		if (tc->tt.pid <= 0)
			return cr_err(ctx, -EINVAL, "bad tree record");
		err = xa_insert(&ctx->pids, tc->tt.pid, tc, GFP_KERNEL);
		if (err == -EBUSY)
			return cr_err(ctx, -EINVAL, "pid %d is twice in the tree",
				      tc->tt.pid);
		if (err)
			return err;
	}
	return cr_check_tree_shape(ctx);
}

static int cr_read_uts(struct cr_ctx *ctx)
{
	struct cr_uts *u = &ctx->uts;
	int err;

	BUILD_BUG_ON(sizeof(u->nodename) != sizeof(utsname()->nodename));
	err = cr_read_rec(ctx, CR_UTS, u, sizeof(*u));
	if (!err && (u->own > 1 || u->pad[0] || u->pad[1] ||
		     !memchr(u->nodename, 0, sizeof(u->nodename)) ||
		     !memchr(u->domainname, 0, sizeof(u->domainname))))
		err = cr_err(ctx, -EINVAL, "bad UTS namespace record");
	return err;
}

static int cr_read_ipc(struct cr_ctx *ctx)
{
	int err = cr_read_rec(ctx, CR_IPC, &ctx->ipc, sizeof(ctx->ipc));

	if (!err && (ctx->ipc.own > 1 || ctx->ipc.nr_shm > SHMMNI ||
		     ctx->ipc.nr_sem > SEMMNI || ctx->ipc.nr_msq > MSGMNI ||
		     ctx->ipc.pad ||
		     (!ctx->ipc.own && (ctx->ipc.nr_shm || ctx->ipc.nr_sem ||
					ctx->ipc.nr_msq || ctx->ipc.nr_mq))))
		err = cr_err(ctx, -EINVAL, "bad IPC namespace record");
	return err;
}

/*
 * The root makes the tree's own UTS namespace, as unshare(CLONE_NEWUTS)
 * and sethostname() and setdomainname() would, before any other task.
 */
static int cr_restore_uts(struct cr_ctx *ctx)
{
	struct new_utsname *u;
	int err;

	err = ksys_unshare(CLONE_NEWUTS);
	if (err)
		return cr_err(ctx, err, "cannot make the tree's UTS namespace");
	down_write(&uts_sem);
	u = utsname();
	strscpy_pad(u->nodename, ctx->uts.nodename, sizeof(u->nodename));
	strscpy_pad(u->domainname, ctx->uts.domainname, sizeof(u->domainname));
	uts_proc_notify(UTS_PROC_HOSTNAME);
	uts_proc_notify(UTS_PROC_DOMAINNAME);
	up_write(&uts_sem);
	return 0;
}

/*
 * The root makes the tree's own IPC namespace, as unshare(CLONE_NEWIPC),
 * and its SysV objects and POSIX message queues.
 */
static int cr_restore_ipc(struct cr_ctx *ctx)
{
	int err = ksys_unshare(CLONE_NEWIPC);

	if (err)
		return cr_err(ctx, err, "cannot make the tree's IPC namespace");
	return cr_restore_sysv(ctx) ?: cr_restore_mqs(ctx);
}

/* The image's ids, as kuids and kgids of the restarter's namespace. */
static int cr_set_ids(struct cred *new, const struct cr_creds *c)
{
	struct user_namespace *ns = current_user_ns();

	new->uid = make_kuid(ns, c->uid);
	new->euid = make_kuid(ns, c->euid);
	new->suid = make_kuid(ns, c->suid);
	new->fsuid = make_kuid(ns, c->fsuid);
	new->gid = make_kgid(ns, c->gid);
	new->egid = make_kgid(ns, c->egid);
	new->sgid = make_kgid(ns, c->sgid);
	new->fsgid = make_kgid(ns, c->fsgid);
	if (!uid_valid(new->uid) || !uid_valid(new->euid) ||
	    !uid_valid(new->suid) || !uid_valid(new->fsuid) ||
	    !gid_valid(new->gid) || !gid_valid(new->egid) ||
	    !gid_valid(new->sgid) || !gid_valid(new->fsgid))
		return -EINVAL;
	return 0;
}

/* The supplementary groups that follow the CR_TASK, sorted as setgroups() does. */
static int cr_read_groups(struct cr_ctx *ctx, struct cred *new, u32 ngroups)
{
	struct group_info *gi;
	unsigned int i;
	int err = 0;

	gi = groups_alloc(ngroups);
	if (!gi)
		return -ENOMEM;
	for (i = 0; !err && i < ngroups; i++) {
		u32 gid;

		err = cr_read(ctx, &gid, sizeof(gid));
		gi->gid[i] = make_kgid(current_user_ns(), gid);
		if (!err && !gid_valid(gi->gid[i]))
			err = cr_err(ctx, -EINVAL, "bad group %u", gid);
	}
	if (!err) {
		groups_sort(gi);
		set_groups(new, gi);
	}
	put_group_info(gi);
	return err;
}

static bool cr_same_ids(const struct cred *a, const struct cred *b)
{
	unsigned int i;

	if (!uid_eq(a->uid, b->uid) || !uid_eq(a->euid, b->euid) ||
	    !uid_eq(a->suid, b->suid) || !uid_eq(a->fsuid, b->fsuid) ||
	    !gid_eq(a->gid, b->gid) || !gid_eq(a->egid, b->egid) ||
	    !gid_eq(a->sgid, b->sgid) || !gid_eq(a->fsgid, b->fsgid) ||
	    a->group_info->ngroups != b->group_info->ngroups)
		return false;
	for (i = 0; i < a->group_info->ngroups; i++)
		if (!gid_eq(a->group_info->gid[i], b->group_info->gid[i]))
			return false;
	return true;
}

/*
 * restart never gives the tasks more privilege than the restarter has:
 * each field of the image's credentials must be one the restarter could
 * set by the syscall that sets it.
 */
static bool cr_may_set_creds(const struct cred *cur, const struct cred *new)
{
	struct user_namespace *ns = cur->user_ns;
	bool setpcap = ns_capable(ns, CAP_SETPCAP);
	unsigned int locked = (cur->securebits & SECURE_ALL_LOCKS) >> 1;

	/* setresuid(), setresgid(), setfsuid(), setfsgid(), setgroups() */
	if (!cr_same_ids(cur, new) &&
	    (!ns_capable(ns, CAP_SETUID) || !ns_capable(ns, CAP_SETGID)))
		return false;
	/* capset() */
	if (!cap_issubset(new->cap_permitted, cur->cap_permitted) ||
	    !cap_issubset(new->cap_inheritable,
			  cap_combine(cur->cap_inheritable, cur->cap_bset)) ||
	    (!setpcap &&
	     !cap_issubset(new->cap_inheritable,
			   cap_combine(cur->cap_inheritable, cur->cap_permitted))))
		return false;
	/* PR_CAPBSET_DROP: dropping bits under a setuid program is an attack */
	if (!cap_issubset(new->cap_bset, cur->cap_bset) ||
	    (!cap_isidentical(new->cap_bset, cur->cap_bset) && !setpcap))
		return false;
	/* PR_CAP_AMBIENT_RAISE */
	if (!cap_issubset(new->cap_ambient, cur->cap_ambient) &&
	    (cur->securebits & issecure_mask(SECURE_NO_CAP_AMBIENT_RAISE)))
		return false;
	/* PR_SET_SECUREBITS: a locked bit stays, and so does a lock */
	if (new->securebits != cur->securebits &&
	    (!setpcap || (locked & (cur->securebits ^ new->securebits)) ||
	     (cur->securebits & ~new->securebits & SECURE_ALL_LOCKS)))
		return false;
	return true;
}

/*
 * The task's credentials, checked, to be committed once the task is
 * rebuilt - with the restarter's credentials, as it could have done.
 */
static struct cred *cr_read_creds(struct cr_ctx *ctx, const struct cr_creds *c,
				  size_t extra)
{
	struct cred *new;
	int err;

	if (extra != c->ngroups * sizeof(u32) || c->ngroups > NGROUPS_MAX ||
	    (c->cap_inheritable | c->cap_permitted | c->cap_bset) & ~CAP_VALID_MASK ||
	    c->cap_effective & ~c->cap_permitted ||
	    c->cap_ambient & ~(c->cap_permitted & c->cap_inheritable) ||
	    c->securebits & ~(SECURE_ALL_BITS | SECURE_ALL_LOCKS))
		return ERR_PTR(cr_err(ctx, -EINVAL, "bad credentials"));
	new = prepare_creds();
	if (!new)
		return ERR_PTR(-ENOMEM);
	err = cr_set_ids(new, c);
	if (err)
		cr_err(ctx, err, "bad ids in the image");
	else
		err = cr_read_groups(ctx, new, c->ngroups);
	if (err)
		goto fail;
	new->cap_inheritable.val = c->cap_inheritable;
	new->cap_permitted.val = c->cap_permitted;
	new->cap_effective.val = c->cap_effective;
	new->cap_bset.val = c->cap_bset;
	new->cap_ambient.val = c->cap_ambient;
	new->securebits = c->securebits;
	if (!cr_may_set_creds(current_cred(), new)) {
		err = cr_err(ctx, -EPERM,
			     "the image's credentials are not the caller's to give");
		goto fail;
	}
	/* As setresuid() does: the user that RLIMIT_NPROC counts. */
	if (!uid_eq(new->uid, current_uid())) {
		free_uid(new->user);
		new->user = alloc_uid(new->uid);
		if (!new->user) {
			err = -ENOMEM;
			goto fail;
		}
	}
	err = set_cred_ucounts(new);
	if (!err)
		return new;
fail:
	abort_creds(new);
	return ERR_PTR(err);
}

/**
 * cr_as_job() - Take on the credentials of the task whose records are read.
 * @ctx: A restart context.
 *
 * Paths of the image are walked, files opened, deleted files made, AF_UNIX
 * sockets bound as the job itself, with the credentials it will run with:
 * no path of the image leads anywhere the job could not go. The rest of a
 * task - its limits, scheduling, memory locks - is set with the
 * restarter's rights, by the rules of the syscalls that set it. With
 * RESTART_TRUSTED, the restarter's credentials stay.
 *
 * Context: Process context, a restored task reading its records
 * (ctx->in_task).
 * Return: What to give cr_as_restarter().
 */
const struct cred *cr_as_job(struct cr_ctx *ctx)
{
	if (ctx->flags & RESTART_TRUSTED)
		return NULL;
	return override_creds(ctx->reader->commit.creds);
}

/**
 * cr_as_restarter() - Go back to the restarter's credentials.
 * @old: What cr_as_job() returned.
 *
 * Context: Process context, the task that called cr_as_job().
 */
void cr_as_restarter(const struct cred *old)
{
	if (old)
		revert_creds(old);
}

/*
 * Last, as execve() does: commit the task's credentials. commit_creds()
 * makes the mm undumpable and clears the parent-death signal when the ids
 * change; the image's values stand, as the restarter may set them.
 */
static void cr_commit_creds(struct cred *new)
{
	int dumpable = get_dumpable(current->mm);
	int pdeath_signal = current->pdeath_signal;

	commit_creds(new);
	set_dumpable(current->mm, dumpable);
	current->pdeath_signal = pdeath_signal;
}

/*
 * The process's limits, but for RLIMIT_FSIZE, taken last: restart writes
 * deleted files and its reasons with the restarter's.
 */
static int cr_restore_rlimits(struct cr_ctx *ctx, struct cr_task_ctx *tc,
			      const struct cr_task *rec)
{
	unsigned int i;
	int err;

	BUILD_BUG_ON(CR_NLIMITS != RLIM_NLIMITS);
	for (i = 0; i < CR_NLIMITS; i++) {
		struct rlimit r = {
			.rlim_cur = rec->rlim[i].cur,
			.rlim_max = rec->rlim[i].max,
		};

		if (r.rlim_cur > r.rlim_max)
			return cr_err(ctx, -EINVAL, "bad rlimit %u", i);
		if (i == RLIMIT_FSIZE) {
			tc->commit.fsize = r;
			continue;
		}
		err = do_prlimit(current, i, &r, NULL);
		if (err)
			return cr_err(ctx, err, "cannot set rlimit %u", i);
	}
	return 0;
}

/*
 * Read and rebuild one task, in its own context: the objects it does not
 * share with its creator, its thread state, and after the last thread of
 * a process the process's signal state.
 */
static int cr_restore_task(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	const struct cr_tree_task *tt = &tc->tt;
	const u32 *obj = tt->obj;
	bool process = tt->pid == tt->tgid;
	struct cred *creds;
	struct cr_task *rec;
	size_t extra;
	int err;

	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	err = cr_read_rec_var(ctx, CR_TASK, rec, sizeof(*rec), &extra);
	if (err)
		goto out;
	creds = cr_read_creds(ctx, &rec->creds, extra);
	if (IS_ERR(creds)) {
		err = PTR_ERR(creds);
		goto out;
	}
	tc->commit.creds = creds;

	err = -EINVAL;
	if ((process ? !valid_signal(rec->exit_signal) : rec->exit_signal) ||
	    (rec->personality & PER_MASK) != PER_LINUX || rec->pad ||
	    (rec->flags & ~CR_TASK_NO_NEW_PRIVS)) {
		cr_err(ctx, err, "bad task record");
		goto out;
	}
	tc->exit_signal = rec->exit_signal;
	rec->comm[sizeof(rec->comm) - 1] = '\0';
	set_task_comm(current, rec->comm);
	current->personality = rec->personality;
	tc->commit.no_new_privs = rec->flags & CR_TASK_NO_NEW_PRIVS;

	err = process ? cr_restore_rlimits(ctx, tc, rec) : 0;
	if (err)
		goto out;
	/* Objects come only now: see cr_as_job(). */
	ctx->in_task = true;
	if (cr_own(tc, CR_TREE_MM))
		err = cr_restore_mm(ctx, obj[CR_TREE_MM]);
	if (!err && cr_own(tc, CR_TREE_FILES))
		err = cr_restore_files(ctx, obj[CR_TREE_FILES]);
	if (!err && cr_own(tc, CR_TREE_FS))
		err = cr_restore_fs(ctx, obj[CR_TREE_FS], &tc->commit.root);
	if (!err && cr_own(tc, CR_TREE_SIGHAND))
		err = cr_restore_sighand(ctx, obj[CR_TREE_SIGHAND]);
	err = err ?: cr_restore_thread(ctx, tc);
	if (!err && cr_last_thread(ctx, tc))
		err = cr_restore_signal(ctx);
	ctx->in_task = false;
out:
	kfree(rec);
	return err;
}

/* A process's session and group, taken before it makes any child. */
static int cr_restore_session(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	const struct cr_tree_task *tt = &tc->tt;
	int err = 0;

	if (tt->pid != tt->tgid)
		return 0;
	if (tt->sid == tt->pid)
		err = ksys_setsid();
	else if (tt->pgid == tt->pid)
		err = ksys_setpgid(0, 0);
	return err < 0 ? cr_err(ctx, err, "pid %d cannot lead its session or group",
				tt->pid) : 0;
}

/* Kill @t, a child of ours, and reap it: its exit signal is 0. */
static void cr_kill_reap(struct task_struct *t)
{
	pid_t nr = task_pid_vnr(t);

	send_sig(SIGKILL, t, 1);
	while (nr > 0 && !kernel_wait4(nr, NULL, __WALL | WNOHANG, NULL))
		schedule_timeout_uninterruptible(1);
}

/* Kill and reap the processes @tc made, and die before user space. */
static void cr_restore_task_fn_failed(struct cr_ctx *ctx,
				      struct cr_task_ctx *tc)
{
	unsigned int i;

	for (i = tc->index + 1; i < ctx->nr_tasks; i++) {
		struct cr_task_ctx *c = ctx->tasks[i];
		struct task_struct *t = READ_ONCE(c->task);

		if (c->creator == tc && c->tt.pid == c->tt.tgid && t)
			cr_kill_reap(t);
	}
	force_sig(SIGKILL);
}

static int cr_restore_task_fn(void *arg);

/*
 * Make @tc, from its creator - current - with what it shares with it, and
 * the pid asked for. On failure, @tc is ready with its error.
 */
static int cr_spawn(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	struct kernel_clone_args args = {
		.flags = CLONE_VM | CLONE_UNTRACED,
		.exit_signal = 0,
		.fn = cr_restore_task_fn,
		.fn_arg = tc,
	};
	pid_t pid = 0, nr;

	if (ctx->flags & RESTART_PIDS)
		pid = tc->tt.pid;
	else if (!tc->index)
		pid = ctx->root_pid;
	if (pid) {
		args.set_tid = &pid;
		args.set_tid_size = 1;
	}
	if (!cr_own(tc, CR_TREE_FILES))
		args.flags |= CLONE_FILES;
	if (!cr_own(tc, CR_TREE_FS))
		args.flags |= CLONE_FS;
	/* As pthread_create(): SEM_UNDO adjustments are the process's. */
	if (tc->tt.pid != tc->tt.tgid)
		args.flags |= CLONE_THREAD | CLONE_SIGHAND | CLONE_SYSVSEM;

	kref_get(&ctx->ref);	/* for cr_restore_task_fn() */
	nr = kernel_clone(&args);
	if (nr < 0) {
		cr_ctx_put(ctx);
		if (fatal_signal_pending(current))
			tc->err = -EINTR;	/* killed: see cr_task_err() */
		else if (nr == -EEXIST)
			tc->err = cr_err(ctx, nr, "pid %d is in use", pid);
		else
			tc->err = cr_err(ctx, nr, "cannot create a task for pid %d",
					 tc->tt.pid);
		complete_all(&tc->ready);
		return tc->err;
	}
	wait_for_completion(&tc->started);
	return 0;
}

/* The task the restarter asks @tc to make now, if any. */
static struct cr_task_ctx *cr_spawn_asked(struct cr_ctx *ctx,
					  struct cr_task_ctx *tc)
{
	struct cr_task_ctx *child = READ_ONCE(ctx->spawn);

	return child && child->creator == tc ? child : NULL;
}

/*
 * @tc, killed, makes no more tasks: fail the one the restarter asked it
 * for, if any. The restarter looks at ->gone after it asks (see
 * cr_make_task()), so one of the two sees the other.
 */
static void cr_serve_killed(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	struct cr_task_ctx *child;

	WRITE_ONCE(tc->gone, true);
	smp_mb();	/* ->gone before ctx->spawn, against cr_make_task() */
	child = cr_spawn_asked(ctx, tc);
	if (child) {
		child->err = -ESRCH;
		complete_all(&child->ready);
	}
}

/* Make the tasks @tc creates, as the restarter asks, one at a time. */
static int cr_serve(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	struct cr_task_ctx *child;

	for (;;) {
		if (wait_event_killable(ctx->spawn_wq,
					READ_ONCE(ctx->spawn_done) ||
					cr_spawn_asked(ctx, tc))) {
			cr_serve_killed(ctx, tc);
			return -EINTR;
		}
		if (READ_ONCE(ctx->spawn_done))
			return READ_ONCE(ctx->aborted) ? -ECANCELED : 0;
		child = cr_spawn_asked(ctx, tc);
		WRITE_ONCE(ctx->spawn, NULL);
		cr_spawn(ctx, child);
	}
}

/*
 * Join the group led by a process of the tree, made after us maybe, or the
 * root's from outside - which may not be visible here: pgid 0.
 */
static int cr_join_group(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	struct task_struct *g = cr_restored_task(ctx, tc->tt.pgid);
	struct pid *pgrp;
	bool joined;
	pid_t nr;
	int err;

	if (!g)
		g = ctx->tasks[0]->task;
	rcu_read_lock();
	pgrp = task_pgrp(g);
	joined = pgrp == task_pgrp(current);
	nr = pid_vnr(pgrp);
	rcu_read_unlock();
	if (joined)
		return 0;
	err = nr ? ksys_setpgid(0, nr) : -ESRCH;
	return err ? cr_err(ctx, err, "pid %d cannot join its process group",
			    tc->tt.pid) : 0;
}

/*
 * Last, once the tree is made: for the root, the SysV segments that were
 * removed while attached; the file size limit, the process group,
 * which may be led by a task made after this one, the root, the signal
 * mask and the credentials, which are the restarter's until now, as
 * execve() commits them last.
 */
static int cr_commit(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	const struct cr_tree_task *tt = &tc->tt;
	struct cr_commit *c = &tc->commit;
	int err;

	if (!tc->index && ctx->ipc.own) {
		err = cr_finish_sysv_shm(ctx);
		if (err)
			return err;
	}
	if (tt->pid == tt->tgid) {
		err = do_prlimit(current, RLIMIT_FSIZE, &c->fsize, NULL);
		if (err)
			return cr_err(ctx, err, "cannot set rlimit %u", RLIMIT_FSIZE);
	}
	if (tt->pid == tt->tgid && tt->pgid != tt->pid) {
		err = cr_join_group(ctx, tc);
		if (err)
			return err;
	}
	if (c->root.dentry)
		set_fs_root(current->fs, &c->root);
	if (c->no_new_privs)
		task_set_no_new_privs(current);
	set_current_blocked(&c->blocked);
	if (c->restore_sigmask) {
		current->saved_sigmask = c->saved_sigmask;
		set_restore_sigmask();
	} else {
		clear_restore_sigmask();
	}
	cr_commit_creds(c->creds);
	c->creds = NULL;
	return 0;
}

/* Counted as parked: the restarter sees ->err. */
static void cr_done_unparked(struct cr_ctx *ctx, struct cr_task_ctx *tc,
			     int err)
{
	tc->err = err;
	if (atomic_dec_and_test(&ctx->nr_unparked))
		complete(&ctx->all_parked);
}

/* The first code a restored task runs; see the comment at the top. */
static int cr_restore_task_fn(void *arg)
{
	struct cr_task_ctx *tc = arg;
	struct cr_ctx *ctx = tc->ctx;
	sigset_t all;
	int err;

	WRITE_ONCE(tc->task, get_task_struct(current));
	complete_all(&tc->started);

	/* Until the tree is made, no signal may keep a creator from fork. */
	sigfillset(&all);
	set_current_blocked(&all);
	err = cr_restore_session(ctx, tc);
	if (!err && !tc->index && ctx->uts.own)
		err = cr_restore_uts(ctx);
	if (!err && !tc->index && ctx->ipc.own)
		err = cr_restore_ipc(ctx);
	if (!err && (tc->tt.flags & CR_TREE_ZOMBIE)) {
		/* Its parent reaps it once released, as it would have. */
		tc->exit_signal = tc->tt.exit_signal;
		complete_all(&tc->ready);
		cr_done_unparked(ctx, tc, 0);
		cr_ctx_put(ctx);
		do_exit(tc->tt.exit_code);
	}
	if (!err)
		err = cr_restore_task(ctx, tc);
	tc->err = err;
	complete_all(&tc->ready);
	if (!err) {
		err = cr_serve(ctx, tc) ?: cr_commit(ctx, tc) ?:
		      cr_park_task(ctx, tc, current);
		if (err)
			cr_done_unparked(ctx, tc, err);
	}
	if (err)
		cr_restore_task_fn_failed(ctx, tc);
	cr_ctx_put(ctx);
	return 0;
}

static int cr_read_trailer(struct cr_ctx *ctx)
{
	u32 csum = ctx->csum;
	u64 size = ctx->nbytes;
	struct cr_trailer t;
	int err;

	err = cr_read_rec(ctx, CR_TRAILER, &t, sizeof(t));
	if (err)
		return err;
	ctx->reason_final = true;
	if (t.csum != csum || t.size != size)
		return cr_err(ctx, -EINVAL,
			      "the image is corrupted (checksum mismatch)");
	return 0;
}

/*
 * The error of restored task @tc, once ready: its signals are blocked, so
 * -EINTR means it was killed, as does -ESRCH from a killed creator.
 */
static int cr_task_err(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	if (tc->err == -EINTR ||
	    (tc->err == -ESRCH && tc->creator && READ_ONCE(tc->creator->gone)))
		return cr_err(ctx, -ESRCH, "a restored task was killed");
	return tc->err;
}

/* Have task @tc made, by its creator or by us for the root, and read. */
static int cr_make_task(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	ctx->reader = tc;
	tc->ctx = ctx;
	if (tc->creator) {
		WRITE_ONCE(ctx->spawn, tc);
		smp_mb();	/* pairs with cr_serve_killed() */
		if (READ_ONCE(tc->creator->gone))
			return cr_err(ctx, -ESRCH, "a restored task was killed");
		wake_up_all(&ctx->spawn_wq);
	} else {
		cr_spawn(ctx, tc);
	}
	if (wait_for_completion_killable(&tc->ready))
		return -EINTR;
	return cr_task_err(ctx, tc);
}

/* Every task is parked, or failed to commit. */
static int cr_check_parked(struct cr_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct cr_task_ctx *tc = ctx->tasks[i];

		if (tc->err)
			return cr_task_err(ctx, tc);
		if (tc->tt.flags & CR_TREE_ZOMBIE)
			continue;
		if ((tc->task->flags & PF_EXITING) ||
		    fatal_signal_pending(tc->task))
			return cr_err(ctx, -ESRCH, "a restored task was killed");
	}
	return 0;
}

/*
 * Kill every task made so far. A task killed before it parks reaps the
 * processes it made; we reap the root.
 */
static void cr_abort(struct cr_ctx *ctx)
{
	struct task_struct *root = READ_ONCE(ctx->tasks[0]->task);
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = READ_ONCE(ctx->tasks[i]->task);

		if (t)
			send_sig(SIGKILL, t, 1);
	}
	cr_release_parked(ctx);
	if (root)
		cr_kill_reap(root);
}

long do_restart(struct cr_ctx *ctx, pid_t pid)
{
	unsigned int i;
	long ret;

	ctx->root_pid = pid;
	ret = cr_read_header(ctx) ?: cr_read_tree(ctx) ?: cr_read_uts(ctx) ?:
	      cr_read_ipc(ctx);
	if (ret)
		return ret;

	atomic_set(&ctx->nr_unparked, ctx->nr_tasks);
	for (i = 0; !ret && i < ctx->nr_tasks; i++)
		ret = cr_make_task(ctx, ctx->tasks[i]);
	if (!ret)
		ret = cr_read_trailer(ctx) ?: cr_parts_finish(ctx);
	WRITE_ONCE(ctx->aborted, !!ret);
	WRITE_ONCE(ctx->spawn_done, true);
	wake_up_all(&ctx->spawn_wq);

	if (!ret)
		ret = cr_wait_parked(ctx) ?: cr_check_parked(ctx);
	for (i = 0; !ret && i < ctx->nr_tasks; i++)
		if (!(ctx->tasks[i]->tt.flags & CR_TREE_ZOMBIE))
			ret = cr_arch_restore_thread(ctx, ctx->tasks[i]);
	/* Killed up to here, we leave nothing; from here on, the tree lives. */
	if (!ret && fatal_signal_pending(current))
		ret = -EINTR;
	if (ret) {
		cr_abort(ctx);
		return ret;
	}

	write_lock_irq(&tasklist_lock);
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct cr_task_ctx *tc = ctx->tasks[i];

		if (tc->tt.pid == tc->tt.tgid)
			tc->task->exit_signal = tc->exit_signal;
	}
	write_unlock_irq(&tasklist_lock);
	ret = task_pid_vnr(ctx->tasks[0]->task);
	cr_release_parked(ctx);
	return ret;
}
