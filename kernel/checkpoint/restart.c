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
 * the task parks on its way out to user space. The restarter installs its
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

/* restart never gives the tasks more privilege than the restarter has. */
static int cr_check_creds(struct cr_ctx *ctx, const struct cr_creds *c,
			  size_t extra)
{
	const struct cred *cred = current_cred();
	struct cr_creds now;
	unsigned int i;
	int err;

	cr_fill_creds(&now, cred);
	if (memcmp(c, &now, sizeof(now)) ||
	    extra != c->ngroups * sizeof(u32))
		return cr_err(ctx, -EPERM,
			      "the image's credentials differ from the caller's (restoring others is not supported)");
	for (i = 0; i < c->ngroups; i++) {
		u32 gid;

		err = cr_read(ctx, &gid, sizeof(gid));
		if (err)
			return err;
		if (gid != from_kgid_munged(current_user_ns(),
					    cred->group_info->gid[i]))
			return cr_err(ctx, -EPERM,
				      "the image's groups differ from the caller's");
	}
	return 0;
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
	struct cr_task *rec;
	size_t extra;
	int err;

	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	err = cr_read_rec_var(ctx, CR_TASK, rec, sizeof(*rec), &extra) ?:
	      cr_check_creds(ctx, &rec->creds, extra);
	if (err)
		goto out;

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
out:
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
