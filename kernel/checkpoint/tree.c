// SPDX-License-Identifier: GPL-2.0
/*
 * The shape of a process tree, as checkpoint() writes it and restart()
 * rebuilds it: which task makes which, what they share, and their process
 * groups and sessions. Both sides check it with cr_check_tree_shape():
 * checkpoint() refuses a tree that restart() could not rebuild as it was,
 * and restart() trusts no image.
 */
#include <linux/cred.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "internal.h"

struct cr_task_ctx *cr_task_ctx_alloc(struct cr_ctx *ctx)
{
	struct cr_task_ctx *tc = kzalloc(sizeof(*tc), GFP_KERNEL);

	if (!tc)
		return NULL;
	init_completion(&tc->started);
	init_completion(&tc->ready);
	list_add_tail(&tc->list, &ctx->task_list);
	return tc;
}

/**
 * cr_tree_find() - The task of the tree with a pid.
 * @ctx: A checkpoint or restart context, its tree read or walked.
 * @pid: The pid, as the image has it.
 *
 * Context: Process context, the caller or the task reading the image.
 * Return: The task, or NULL if the tree has none with @pid.
 */
struct cr_task_ctx *cr_tree_find(struct cr_ctx *ctx, pid_t pid)
{
	return pid > 0 ? xa_load(&ctx->pids, pid) : NULL;
}

static bool cr_is_process(const struct cr_tree_task *tt)
{
	return tt->pid == tt->tgid;
}

/*
 * Each object of @tc is its creator's, or its own: then no earlier task
 * may have it. Objrefs are given in the order tasks first hold them.
 */
static const char *cr_check_shared(const struct cr_task_ctx *tc, u32 *last)
{
	static const char * const names[CR_TREE_NR_OBJS] = {
		[CR_TREE_MM] = "memory",
		[CR_TREE_FILES] = "fd table",
		[CR_TREE_FS] = "cwd and root",
		[CR_TREE_SIGHAND] = "signal handlers",
	};
	unsigned int i;

	for (i = 0; i < CR_TREE_NR_OBJS; i++) {
		if (!cr_own(tc, i))
			continue;
		if (tc->tt.obj[i] <= *last)
			return names[i];
		*last = tc->tt.obj[i];
	}
	return NULL;
}

/* A zombie's status, as wait() reports it: an exit, or a signal. */
static bool cr_exit_code_valid(int code)
{
	if (code & 0x7f)
		return !(code & ~0xff) && (code & 0x7f) <= _NSIG;
	return !(code & ~0xff00);
}

static const char *cr_check_zombie(const struct cr_task_ctx *tc)
{
	const struct cr_tree_task *tt = &tc->tt;
	unsigned int i;

	if (!(tt->flags & CR_TREE_ZOMBIE))
		return tt->exit_code || tt->exit_signal ? "is not a zombie" : NULL;
	if (!tc->index || !cr_is_process(tt) ||
	    !cr_exit_code_valid(tt->exit_code) || !valid_signal(tt->exit_signal))
		return "is a zombie that cannot be";
	for (i = 0; i < CR_TREE_NR_OBJS; i++)
		if (cr_own(tc, i))
			return "is a zombie with objects";
	return NULL;
}

/* Find @tc's creator, an earlier task, and check what it inherits. */
static const char *cr_check_creator(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	const struct cr_tree_task *tt = &tc->tt;
	struct cr_task_ctx *c;

	if (tt->flags & ~CR_TREE_ZOMBIE)
		return "has unknown flags";
	if (!tc->index)
		return cr_is_process(tt) && !tt->ppid ? NULL :
		       "is the root, and not a process without a parent";
	c = cr_tree_find(ctx, cr_is_process(tt) ? tt->ppid : tt->tgid);
	if (!c || c->index >= tc->index || !cr_is_process(&c->tt) ||
	    (c->tt.flags & CR_TREE_ZOMBIE))
		return "comes before its parent or process";
	tc->creator = c;
	if (!cr_is_process(tt)) {
		if (ctx->tasks[tc->index - 1]->tt.tgid != tt->tgid)
			return "does not follow its process or its other threads";
		if (tt->ppid != c->tt.ppid || tt->pgid != c->tt.pgid ||
		    tt->sid != c->tt.sid)
			return "is a thread with ids of its own";
		if (cr_own(tc, CR_TREE_MM) || cr_own(tc, CR_TREE_SIGHAND))
			return "is a thread with memory or handlers of its own";
		return NULL;
	}
	if (!(tt->flags & CR_TREE_ZOMBIE) &&
	    (!cr_own(tc, CR_TREE_MM) || !cr_own(tc, CR_TREE_SIGHAND)))
		return "shares its memory or handlers with its parent";
	if (tt->sid != tt->pid && tt->sid != c->tt.sid)
		return "is in another session than its parent";
	return NULL;
}

/*
 * A session leader leads its group; a process is in a group of the tree,
 * led by a process of its session, or in the root's group from outside.
 */
static const char *cr_check_group(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	const struct cr_tree_task *root = &ctx->tasks[0]->tt;
	const struct cr_tree_task *tt = &tc->tt;
	struct cr_task_ctx *g;

	if (!cr_is_process(tt) || tt->pgid == tt->pid)
		return NULL;
	if (tt->sid == tt->pid)
		return "leads a session but not its process group";
	g = cr_tree_find(ctx, tt->pgid);
	if (g)
		return cr_is_process(&g->tt) && g->tt.pgid == g->tt.pid &&
		       g->tt.sid == tt->sid ? NULL :
		       "is in a process group whose leader is not in the tree";
	if (tt->pgid != root->pgid || tt->sid != root->sid ||
	    cr_tree_find(ctx, root->sid))
		return "is in a process group outside the tree";
	return NULL;
}

/*
 * Check ctx->tasks, whose ->tt, ->index and ctx->pids are set, and set
 * each task's creator.
 */
int cr_check_tree_shape(struct cr_ctx *ctx)
{
	u32 last = 0;
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct cr_task_ctx *tc = ctx->tasks[i];
		const char *why, *what;

		why = cr_check_creator(ctx, tc) ?: cr_check_zombie(tc);
		if (!why) {
			what = cr_check_shared(tc, &last);
			if (what)
				return cr_err(ctx, ctx->restart ? -EINVAL : -EOPNOTSUPP,
					      "pid %d shares its %s with a task other than its parent",
					      tc->tt.pid, what);
		}
		why = why ?: cr_check_group(ctx, tc);
		if (why)
			return cr_err(ctx, ctx->restart ? -EINVAL : -EOPNOTSUPP,
				      "pid %d %s", tc->tt.pid, why);
	}
	return 0;
}

void cr_task_ctx_free_all(struct cr_ctx *ctx)
{
	struct cr_task_ctx *tc, *tmp;

	list_for_each_entry_safe(tc, tmp, &ctx->task_list, list) {
		cr_arch_free_thread(tc);
		if (tc->commit.creds)
			abort_creds(tc->commit.creds);
		path_put(&tc->commit.root);
		if (tc->task)
			put_task_struct(tc->task);
		kfree(tc);
	}
	xa_destroy(&ctx->pids);
	kvfree(ctx->tasks);
}

/* Is @tc the last thread of its process, whose records end with CR_SIGNAL? */
bool cr_last_thread(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	return tc->index + 1 == ctx->nr_tasks ||
	       ctx->tasks[tc->index + 1]->tt.tgid != tc->tt.tgid;
}

/* restart: the task made for the image's @pid, if it is made yet. */
struct task_struct *cr_restored_task(struct cr_ctx *ctx, pid_t pid)
{
	struct cr_task_ctx *tc = cr_tree_find(ctx, pid);

	return tc ? READ_ONCE(tc->task) : NULL;
}
