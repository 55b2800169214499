// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of signal handlers and of the per-thread state around
 * them: the blocked mask, sigaltstack, the syscall restart block, and the
 * user pointers a thread registers with the kernel (rseq, robust futex list,
 * clear_child_tid).
 */
#include <linux/checkpoint.h>
#include <linux/hrtimer.h>
#include <linux/rseq.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/futex.h>
#include <linux/sched/task_stack.h>
#include <asm/syscall.h>

int cr_write_sighand(struct cr_ctx *ctx, struct task_struct *t, u32 objref)
{
	struct sighand_struct *sighand;
	struct cr_sighand *rec;
	unsigned long flags;
	int i, err;

	BUILD_BUG_ON(_NSIG != CR_NSIG);
	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	rec->objref = objref;
	sighand = lock_task_sighand(t, &flags);
	if (!sighand) {
		kfree(rec);
		return cr_err(ctx, -ESRCH, "pid %d has exited", task_pid_vnr(t));
	}
	for (i = 0; i < CR_NSIG; i++) {
		struct sigaction *sa = &sighand->action[i].sa;

		rec->action[i].handler = (unsigned long)sa->sa_handler;
		rec->action[i].flags = sa->sa_flags;
		rec->action[i].restorer = (unsigned long)sa->sa_restorer;
		rec->action[i].mask = sa->sa_mask.sig[0];
	}
	unlock_task_sighand(t, &flags);
	err = cr_write_rec(ctx, CR_SIGHAND, rec, sizeof(*rec), NULL, 0);
	kfree(rec);
	return err;
}

int cr_restore_sighand(struct cr_ctx *ctx, u32 objref)
{
	struct cr_sighand *rec;
	int sig, err;

	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	err = cr_read_rec(ctx, CR_SIGHAND, rec, sizeof(*rec));
	if (!err && rec->objref != objref)
		err = cr_err(ctx, -EINVAL, "signal handlers %u: wrong object",
			     rec->objref);
	for (sig = 1; !err && sig <= CR_NSIG; sig++) {
		struct cr_sigaction *a = &rec->action[sig - 1];
		struct k_sigaction ka = {};

		if (sig_kernel_only(sig)) {
			if (a->handler != (unsigned long)SIG_DFL)
				err = cr_err(ctx, -EINVAL,
					     "a handler for signal %d", sig);
			continue;
		}
		ka.sa.sa_handler = (__sighandler_t)(unsigned long)a->handler;
		ka.sa.sa_flags = a->flags;
		ka.sa.sa_restorer = (__sigrestore_t)(unsigned long)a->restorer;
		ka.sa.sa_mask.sig[0] = a->mask;
		err = do_sigaction(sig, &ka, NULL);
		if (err)
			err = cr_err(ctx, err, "cannot set the handler of signal %d",
				     sig);
	}
	if (!err)
		err = cr_obj_insert(ctx, objref, CR_OBJ_SIGHAND,
				    rcu_access_pointer(current->sighand));
	kfree(rec);
	return err;
}

static clockid_t cr_sleep_clocks[] = {
	CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI,
};

static ktime_t cr_clock_now(clockid_t clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
		return ktime_get_real();
	case CLOCK_BOOTTIME:
		return ktime_get_boottime();
	case CLOCK_TAI:
		return ktime_get_clocktai();
	default:
		return ktime_get();
	}
}

/*
 * A task parked in a syscall that returned -ERESTART_RESTARTBLOCK goes on
 * through restart_syscall() and its restart block. A relative sleep is
 * saved as the time it had left, and goes on for that long after restart:
 * the time between checkpoint and restart does not count, and the clocks of
 * the two machines need not agree.
 */
static int cr_save_restart_block(struct cr_ctx *ctx, struct task_struct *t,
				 struct cr_restart_block *rb)
{
	struct restart_block *r = &t->restart_block;
	struct pt_regs *regs = task_pt_regs(t);

	if (t == current || syscall_get_nr(t, regs) < 0 ||
	    syscall_get_error(t, regs) != -ERESTART_RESTARTBLOCK)
		return 0;

	if (r->fn != hrtimer_nanosleep_restart)
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d is in a syscall that restarts with %ps (not supported)",
			      task_pid_vnr(t), r->fn);
	if (r->nanosleep.type == TT_COMPAT)
		return cr_err(ctx, -EOPNOTSUPP, "pid %d is a compat task",
			      task_pid_vnr(t));
	rb->kind = CR_RESTART_NANOSLEEP;
	rb->clockid = r->nanosleep.clockid;
	rb->remaining_ns = max_t(s64, 0, r->nanosleep.expires -
					 cr_clock_now(rb->clockid));
	if (r->nanosleep.type == TT_NATIVE)
		rb->rmtp = (unsigned long)r->nanosleep.rmtp;
	return 0;
}

static int cr_restore_restart_block(struct cr_ctx *ctx,
				    const struct cr_restart_block *rb)
{
	struct restart_block *r = &current->restart_block;
	int i;

	switch (rb->kind) {
	case CR_RESTART_NONE:
		r->fn = do_no_restart_syscall;
		return 0;
	case CR_RESTART_NANOSLEEP:
		for (i = 0; i < ARRAY_SIZE(cr_sleep_clocks); i++)
			if (rb->clockid == cr_sleep_clocks[i])
				break;
		if (i == ARRAY_SIZE(cr_sleep_clocks) || rb->remaining_ns < 0)
			break;
		r->nanosleep.clockid = rb->clockid;
		r->nanosleep.expires = ktime_add_ns(cr_clock_now(rb->clockid),
						    rb->remaining_ns);
		r->nanosleep.type = rb->rmtp ? TT_NATIVE : TT_NONE;
		r->nanosleep.rmtp = u64_to_user_ptr(rb->rmtp);
		set_restart_fn(r, hrtimer_nanosleep_restart);
		return 0;
	}
	return cr_err(ctx, -EINVAL, "bad syscall restart block");
}

int cr_write_thread(struct cr_ctx *ctx, struct task_struct *t)
{
	struct cr_thread rec = {
		.tid = task_pid_vnr(t),
		.blocked = t->blocked.sig[0],
		.saved_sigmask = t->saved_sigmask.sig[0],
		.restore_sigmask = test_tsk_restore_sigmask(t),
		.sas_ss_sp = t->sas_ss_sp,
		.sas_ss_size = t->sas_ss_size,
		.sas_ss_flags = t->sas_ss_flags,
		.clear_child_tid = (unsigned long)t->clear_child_tid,
	};
	int err;

#ifdef CONFIG_RSEQ
	rec.rseq = (unsigned long)t->rseq;
	rec.rseq_len = t->rseq_len;
	rec.rseq_sig = t->rseq_sig;
#endif
#ifdef CONFIG_FUTEX
	rec.robust_list = (unsigned long)t->robust_list;
	rec.robust_list_len = sizeof(struct robust_list_head);
#ifdef CONFIG_COMPAT
	if (t->compat_robust_list)
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has a compat robust list",
			      task_pid_vnr(t));
#endif
#endif
	/* A self-checkpoint returns from checkpoint(), not into a restart. */
	if (t == current)
		rec.restore_sigmask = 0;

	err = cr_save_restart_block(ctx, t, &rec.restart) ?:
	      cr_write_rec(ctx, CR_THREAD, &rec, sizeof(rec), NULL, 0);
	return err ?: cr_arch_write_thread(ctx, t);
}

static int cr_restore_rseq(struct cr_ctx *ctx, const struct cr_thread *rec)
{
	if (!rec->rseq && !rec->rseq_len)
		return 0;
#ifdef CONFIG_RSEQ
	/* As rseq(2) checks a registration. */
	if (rec->rseq_len >= 32 && rec->rseq_len <= PAGE_SIZE &&
	    IS_ALIGNED(rec->rseq, 32) &&
	    access_ok(u64_to_user_ptr(rec->rseq), rec->rseq_len)) {
		current->rseq = u64_to_user_ptr(rec->rseq);
		current->rseq_len = rec->rseq_len;
		current->rseq_sig = rec->rseq_sig;
		rseq_set_notify_resume(current);
		return 0;
	}
#endif
	return cr_err(ctx, -EINVAL, "bad rseq registration");
}

int cr_restore_thread(struct cr_ctx *ctx, struct cr_task_ctx *tc)
{
	struct cr_thread rec;
	sigset_t set;
	int err;

	err = cr_read_rec(ctx, CR_THREAD, &rec, sizeof(rec));
	if (err)
		return err;
	if (rec.sas_ss_flags & ~(SS_AUTODISARM | SS_DISABLE))
		return cr_err(ctx, -EINVAL, "bad sigaltstack flags %#x",
			      rec.sas_ss_flags);
	if (rec.robust_list &&
	    rec.robust_list_len != sizeof(struct robust_list_head))
		return cr_err(ctx, -EINVAL, "bad robust list length %llu",
			      rec.robust_list_len);

	siginitset(&set, rec.blocked);
	set_current_blocked(&set);
	if (rec.restore_sigmask) {
		siginitset(&current->saved_sigmask, rec.saved_sigmask);
		set_restore_sigmask();
	}
	current->sas_ss_sp = rec.sas_ss_sp;
	current->sas_ss_size = rec.sas_ss_size;
	current->sas_ss_flags = rec.sas_ss_flags;
	current->clear_child_tid = u64_to_user_ptr(rec.clear_child_tid);
#ifdef CONFIG_FUTEX
	current->robust_list = u64_to_user_ptr(rec.robust_list);
#endif
	return cr_restore_rseq(ctx, &rec) ?:
	       cr_restore_restart_block(ctx, &rec.restart) ?:
	       cr_arch_read_thread(ctx, tc);
}
