// SPDX-License-Identifier: GPL-2.0
/*
 * restart(): rebuild a process tree from an image.
 *
 * The caller - the restarter - reads the image header and the tree, and
 * creates each task as its own child with kernel_clone(), which runs
 * cr_restore_task_fn() in the new task before it first returns to user
 * space. That function reads the task's records in the task's own context,
 * so its memory, files and signal state are rebuilt with the restarter's
 * credentials and limits, as the task could have built them itself; then
 * it takes its own credentials, as far as the restarter may give them,
 * and parks on its way out to user space. The restarter installs its
 * registers, as ptrace would, checks the image's trailer and releases the
 * tasks. Until then no new task has run a single user instruction: on any
 * error the restarter kills and reaps them all.
 *
 * The restored tasks become children of the restarter; restart() returns
 * the pid of the root. Their exit signal is 0 until they are released, so
 * a failed restart sends no SIGCHLD for them.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/personality.h>
#include <linux/sched/coredump.h>
#include <linux/sched/user.h>
#include <linux/securebits.h>
#include <linux/resource.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <uapi/linux/wait.h>
#include <asm/syscall.h>

static int cr_read_header(struct cr_ctx *ctx)
{
	struct cr_header h;
	int err;

	err = cr_read_rec(ctx, CR_HEADER, &h, sizeof(h));
	if (err)
		return err;
	if (memcmp(h.magic, CR_MAGIC, CR_MAGIC_LEN))
		return cr_err(ctx, -EINVAL, "not a checkpoint image");
	if (h.version != CR_VERSION)
		return cr_err(ctx, -EINVAL, "image format %u, this kernel reads %u",
			      h.version, CR_VERSION);
	if (h.arch != syscall_get_arch(current) || h.page_size != PAGE_SIZE)
		return cr_err(ctx, -EINVAL,
			      "image of another architecture (%#x, %u-byte pages)",
			      h.arch, h.page_size);
	return cr_arch_read_cpu(ctx);
}

static int cr_read_tree(struct cr_ctx *ctx)
{
	struct cr_tree_task tt;
	struct cr_tree tree;
	size_t extra;
	int err;

	err = cr_read_rec_var(ctx, CR_TREE, &tree, sizeof(tree), &extra);
	if (err)
		return err;
	if (tree.nr_tasks != 1)
		return cr_err(ctx, -EOPNOTSUPP,
			      "the image holds %u processes (not supported)",
			      tree.nr_tasks);
	if (extra != sizeof(tt))
		return cr_err(ctx, -EINVAL, "bad tree record");
	err = cr_read(ctx, &tt, sizeof(tt));
	if (err)
		return err;
	if (tt.nr_threads != 1)
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has %u threads (not supported)",
			      tt.pid, tt.nr_threads);
	if (tt.ppid)
		return cr_err(ctx, -EINVAL, "the root of the tree has a parent");

	ctx->tasks = kcalloc(tree.nr_tasks, sizeof(*ctx->tasks), GFP_KERNEL);
	if (!ctx->tasks)
		return -ENOMEM;
	ctx->nr_tasks = tree.nr_tasks;
	return 0;
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
 * other ids need CAP_SETUID and CAP_SETGID, as setresuid() and setgroups()
 * do; capabilities are at most the restarter's, as capset() allows; other
 * securebits need CAP_SETPCAP, as PR_SET_SECUREBITS does.
 */
static bool cr_may_set_creds(const struct cred *cur, const struct cred *new)
{
	struct user_namespace *ns = cur->user_ns;

	if (!cr_same_ids(cur, new) &&
	    (!ns_capable(ns, CAP_SETUID) || !ns_capable(ns, CAP_SETGID)))
		return false;
	if (!cap_issubset(new->cap_permitted, cur->cap_permitted) ||
	    !cap_issubset(new->cap_inheritable,
			  cap_combine(cur->cap_inheritable, cur->cap_permitted)) ||
	    !cap_issubset(new->cap_bset, cur->cap_bset))
		return false;
	return new->securebits == cur->securebits ||
	       ns_capable(ns, CAP_SETPCAP);
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

static int cr_restore_rlimits(struct cr_ctx *ctx, const struct cr_task *rec)
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
		err = do_prlimit(current, i, &r, NULL);
		if (err)
			return cr_err(ctx, err, "cannot set rlimit %u", i);
	}
	return 0;
}

/* Read and rebuild one task, in its own context. */
static int cr_restore_task(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	struct cred *creds = NULL;
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
		creds = NULL;
		goto out;
	}

	err = -EINVAL;
	if (!valid_signal(rec->exit_signal) ||
	    (rec->personality & PER_MASK) != PER_LINUX ||
	    (rec->flags & ~CR_TASK_NO_NEW_PRIVS)) {
		cr_err(ctx, err, "bad task record");
		goto out;
	}
	tc->exit_signal = rec->exit_signal;
	rec->comm[sizeof(rec->comm) - 1] = '\0';
	set_task_comm(current, rec->comm);
	current->personality = rec->personality;
	if (rec->flags & CR_TASK_NO_NEW_PRIVS)
		task_set_no_new_privs(current);

	err = cr_restore_rlimits(ctx, rec) ?:
	      cr_restore_mm(ctx, rec->mm) ?:
	      cr_restore_files(ctx, rec->files) ?:
	      cr_restore_fs(ctx, rec->fs) ?:
	      cr_restore_sighand(ctx, rec->sighand) ?:
	      cr_restore_thread(ctx, tc) ?:
	      cr_restore_signal(ctx);
	if (!err) {
		cr_commit_creds(creds);
		creds = NULL;
	}
out:
	if (creds)
		abort_creds(creds);
	kfree(rec);
	return err;
}

/* The first code a restored task runs; see the comment at the top. */
static int cr_restore_task_fn(void *arg)
{
	struct cr_task_ctx *tc = arg;
	struct cr_ctx *ctx = tc->ctx;
	int err;

	tc->task = get_task_struct(current);
	complete_all(&tc->started);

	err = cr_restore_task(ctx, tc);
	if (!err)
		err = cr_park_task(ctx, tc, current);
	tc->err = err;
	if (err)
		force_sig(SIGKILL);	/* die before reaching user space */
	complete_all(&tc->ready);
	cr_ctx_put(ctx);
	return 0;
}

static int cr_spawn(struct cr_ctx *ctx, struct cr_task_ctx *tc, pid_t pid)
{
	struct kernel_clone_args args = {
		.flags = CLONE_VM | CLONE_UNTRACED,
		.exit_signal = 0,
		.fn = cr_restore_task_fn,
		.fn_arg = tc,
	};
	pid_t nr;

	if (pid) {
		args.set_tid = &pid;
		args.set_tid_size = 1;
	}
	tc->ctx = ctx;
	init_completion(&tc->started);
	init_completion(&tc->ready);

	kref_get(&ctx->ref);	/* for cr_restore_task_fn() */
	ctx->in_task = true;
	nr = kernel_clone(&args);
	if (nr < 0) {
		ctx->in_task = false;
		cr_ctx_put(ctx);
		if (pid)
			return cr_err(ctx, nr, "cannot create a task with pid %d", pid);
		return cr_err(ctx, nr, "cannot create a task");
	}
	wait_for_completion(&tc->started);

	if (wait_for_completion_killable(&tc->ready))
		return -EINTR;
	ctx->in_task = false;
	return tc->err;
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
	if (t.csum != csum || t.size != size)
		return cr_err(ctx, -EINVAL,
			      "the image is corrupted (checksum mismatch)");
	return 0;
}

/* Kill and reap every task created so far. */
static void cr_abort(struct cr_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].task)
			send_sig(SIGKILL, ctx->tasks[i].task, 1);
	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].task)
			wait_for_completion(&ctx->tasks[i].ready);
	cr_release_parked(ctx);

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i].task;

		if (!t)
			continue;
		/* exit_signal is 0: nobody else waits for it. */
		while (!READ_ONCE(t->exit_state))
			schedule_timeout_uninterruptible(1);
		kernel_wait4(task_pid_vnr(t), NULL, __WALL | WNOHANG, NULL);
	}
}

long do_restart(struct cr_ctx *ctx, pid_t pid)
{
	unsigned int i;
	long ret;

	ret = cr_read_header(ctx) ?: cr_read_tree(ctx);
	if (ret)
		return ret;

	atomic_set(&ctx->nr_unparked, ctx->nr_tasks);
	for (i = 0; !ret && i < ctx->nr_tasks; i++)
		ret = cr_spawn(ctx, &ctx->tasks[i], i ? 0 : pid);
	if (!ret)
		ret = cr_wait_parked(ctx);
	for (i = 0; !ret && i < ctx->nr_tasks; i++)
		ret = cr_arch_restore_thread(ctx, &ctx->tasks[i]);
	if (!ret)
		ret = cr_read_trailer(ctx);
	for (i = 0; !ret && i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->tasks[i].task;

		if ((t->flags & PF_EXITING) || fatal_signal_pending(t))
			ret = cr_err(ctx, -ESRCH, "a restored task was killed");
	}

	if (ret) {
		cr_abort(ctx);
	} else {
		write_lock_irq(&tasklist_lock);
		for (i = 0; i < ctx->nr_tasks; i++)
			ctx->tasks[i].task->exit_signal = ctx->tasks[i].exit_signal;
		write_unlock_irq(&tasklist_lock);
		ret = task_pid_vnr(ctx->tasks[0].task);
		cr_release_parked(ctx);
	}

	for (i = 0; i < ctx->nr_tasks; i++) {
		cr_arch_free_thread(&ctx->tasks[i]);
		if (ctx->tasks[i].task)
			put_task_struct(ctx->tasks[i].task);
	}
	return ret;
}
