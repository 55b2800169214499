// SPDX-License-Identifier: GPL-2.0
/*
 * Parking tasks for checkpoint and restart.
 *
 * A task to be checkpointed is sent a TWA_SIGNAL task work. Like a signal,
 * that wakes it from an interruptible sleep or kicks it out of user space;
 * unlike a signal, nothing is queued, no stop or wait status is reported
 * and nothing is visible to the task's parent. The work runs at the top of
 * get_signal(), before any pending signal is dequeued and before an
 * interrupted syscall is set up for restarting, and sleeps there until the
 * checkpointer releases it. The task then goes on exactly as if it had been
 * interrupted by a signal that it ignores, as after SIGSTOP and SIGCONT.
 *
 * A task being restarted parks at the same place, on its first way out to
 * user space, while the restarter installs its registers; so it finishes
 * its return to user space as the checkpointed task would have.
 *
 * SIGKILL wakes a parked task, but does not let it go: the checkpointer or
 * restarter reads and writes its mm, files, fs, registers and the rest
 * while it sleeps, and exit would take them away under it. So a killed
 * task stays parked, as the threads of a dumping process wait for the core
 * dump to be written, and sets ctx->killed for whoever parked it to give up
 * at its next step and release it; it then dies on its way to user space.
 */
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/task_work.h>

#include "internal.h"

static void cr_park_work(struct callback_head *work)
{
	struct cr_park *park = container_of(work, struct cr_park, work);
	struct cr_ctx *ctx = park->ctx;
	DEFINE_WAIT(wait);

	for (;;) {
		bool killed = fatal_signal_pending(current);

		/* Killed, it would not sleep TASK_KILLABLE: not a hang either. */
		prepare_to_wait(&ctx->park_wq, &wait,
				killed ? TASK_IDLE : TASK_KILLABLE);
		if (!park->parked) {
			park->parked = true;
			if (atomic_dec_and_test(&ctx->nr_unparked))
				complete(&ctx->all_parked);
		}
		if (killed && !READ_ONCE(ctx->killed))
			WRITE_ONCE(ctx->killed, true);
		/* Run from exit_task_work(): there is nothing left to read. */
		if (READ_ONCE(ctx->released) || (current->flags & PF_EXITING))
			break;
		schedule();
	}
	finish_wait(&ctx->park_wq, &wait);
	cr_ctx_put(ctx);
}

/**
 * cr_park_task() - Ask a task to park on its way to user space.
 * @ctx: The context; ctx->nr_unparked must count the task already.
 * @tc: The task's context, whose park it uses.
 * @task: The task.
 *
 * Queues a task work that parks @task until cr_release_parked(); the work
 * holds a reference on @ctx until it has run or has been cancelled.
 *
 * Context: Process context.
 * Return: 0, or -ESRCH if @task is exiting.
 */
int cr_park_task(struct cr_ctx *ctx, struct cr_task_ctx *tc,
		 struct task_struct *task)
{
	int err;

	tc->park.ctx = ctx;
	tc->park.parked = false;
	init_task_work(&tc->park.work, cr_park_work);
	kref_get(&ctx->ref);
	err = task_work_add(task, &tc->park.work, TWA_SIGNAL);
	if (err) {
		tc->park.ctx = NULL;
		cr_ctx_put(ctx);	/* never the last reference */
	}
	return err;
}

static int cr_wait_inactive(struct cr_ctx *ctx, struct task_struct *t)
{
	/* Like ptrace: its registers and FPU state must be in memory. */
	while (!wait_task_inactive(t, TASK_KILLABLE)) {
		if ((t->flags & PF_EXITING) || fatal_signal_pending(t))
			return cr_err(ctx, -ESRCH, "pid %d is exiting",
				      task_pid_vnr(t));
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/**
 * cr_wait_parked() - Wait until every task asked to park is parked.
 * @ctx: The context.
 *
 * Waits until every task of ctx->tasks with a queued park work is parked
 * and off its CPU, so that its registers and FPU state are in memory. A
 * task that stops (SIGSTOP, ptrace) before it parks would keep us
 * waiting: give up instead.
 *
 * Context: Process context, the checkpointer or restarter; sleeps.
 * Return: 0; -EBUSY if a task is stopped, -ESRCH if one is exiting, or
 * -EINTR if the caller is killed.
 */
int cr_wait_parked(struct cr_ctx *ctx)
{
	unsigned int i;
	long ret;
	int err;

	for (;;) {
		ret = wait_for_completion_killable_timeout(&ctx->all_parked,
							   HZ / 10);
		if (ret < 0)
			return -EINTR;
		if (ret > 0)
			break;
		for (i = 0; i < ctx->nr_tasks; i++) {
			struct task_struct *t = ctx->tasks[i]->task;

			if (ctx->tasks[i]->park.ctx && !READ_ONCE(ctx->tasks[i]->park.parked) &&
			    task_is_stopped_or_traced(t))
				return cr_err(ctx, -EBUSY, "pid %d is stopped",
					      task_pid_vnr(t));
		}
	}

	for (i = 0; i < ctx->nr_tasks; i++) {
		if (!ctx->tasks[i]->park.ctx)
			continue;
		err = cr_wait_inactive(ctx, ctx->tasks[i]->task);
		if (err)
			return err;
	}
	return 0;
}

/**
 * cr_release_parked() - Let every parked task go on.
 * @ctx: The context.
 *
 * Wakes every parked task, and cancels the park works that have not run
 * yet. A task killed while parked dies on its way to user space.
 *
 * Context: Process context, the checkpointer or restarter.
 */
void cr_release_parked(struct cr_ctx *ctx)
{
	unsigned int i;

	WRITE_ONCE(ctx->released, true);
	wake_up_all(&ctx->park_wq);

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct cr_task_ctx *tc = ctx->tasks[i];

		if (tc->park.ctx && task_work_cancel(tc->task, &tc->park.work))
			cr_ctx_put(ctx);	/* not the last reference */
	}
}
