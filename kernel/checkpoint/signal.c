// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of signal handlers and of the state around them:
 * pending signals, interval timers, and per thread the blocked mask,
 * sigaltstack, the syscall restart block, the scheduling policy, and the
 * user pointers a thread registers with the kernel (rseq, robust futex
 * list, clear_child_tid).
 *
 * Pending signals are queued again at restart by the restored task to
 * itself, with their siginfo, as rt_tgsigqueueinfo() lets any task do.
 */
#include <linux/hrtimer.h>
#include <linux/poll.h>
#include <linux/posix-timers.h>
#include <linux/rseq.h>
#include <linux/security.h>
#include <linux/sched/prio.h>
#include <linux/sched/rt.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/futex.h>
#include <linux/sched/task_stack.h>
#include <linux/time.h>
#include <uapi/linux/sched/types.h>
#include <asm/syscall.h>

#include "internal.h"

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
 * through restart_syscall() and its restart block. A relative sleep, a
 * poll() or a futex wait with a timeout, is saved as the time it had left,
 * and goes on for that long after restart: the time between checkpoint and
 * restart does not count, and the clocks of the two machines need not
 * agree.
 */
static int cr_save_restart_block(struct cr_ctx *ctx, struct task_struct *t,
				 struct cr_restart_block *rb)
{
	struct restart_block *r = &t->restart_block;
	struct pt_regs *regs = task_pt_regs(t);
	bool shared, realtime;
	u32 __user *futex;
	ktime_t expires;

	if (t == current || syscall_get_nr(t, regs) < 0 ||
	    syscall_get_error(t, regs) != -ERESTART_RESTARTBLOCK)
		return 0;

	if (futex_wait_restart_get(r, &futex, &rb->val, &rb->bitset, &shared,
				   &realtime, &expires)) {
		rb->kind = CR_RESTART_FUTEX;
		rb->clockid = realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC;
		rb->remaining_ns = max_t(s64, 0, expires -
						 cr_clock_now(rb->clockid));
		rb->uaddr = (unsigned long)futex;
		rb->flags = shared ? CR_FUTEX_SHARED : 0;
		return 0;
	}
	if (r->fn == do_restart_poll) {
		struct timespec64 end = {
			.tv_sec = r->poll.tv_sec, .tv_nsec = r->poll.tv_nsec,
		};

		rb->kind = CR_RESTART_POLL;
		rb->uaddr = (unsigned long)r->poll.ufds;
		rb->nfds = r->poll.nfds;
		rb->remaining_ns = !r->poll.has_timeout ? -1 :
			max_t(s64, 0, timespec64_to_ns(&end) - ktime_get_ns());
		return 0;
	}
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
		rb->uaddr = (unsigned long)r->nanosleep.rmtp;
	return 0;
}

/* poll()'s restart block: the end of its timeout on the monotonic clock. */
static int cr_restore_poll(struct restart_block *r,
			   const struct cr_restart_block *rb)
{
	struct timespec64 end;

	if (rb->remaining_ns < -1 || rb->clockid || rb->val || rb->bitset ||
	    rb->flags || rb->nfds > INT_MAX)
		return -EINVAL;
	r->poll.ufds = u64_to_user_ptr(rb->uaddr);
	r->poll.nfds = rb->nfds;
	r->poll.has_timeout = rb->remaining_ns >= 0;
	if (r->poll.has_timeout) {
		end = ns_to_timespec64(ktime_get_ns() + rb->remaining_ns);
		r->poll.tv_sec = end.tv_sec;
		r->poll.tv_nsec = end.tv_nsec;
	}
	set_restart_fn(r, do_restart_poll);
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
		if (i == ARRAY_SIZE(cr_sleep_clocks) || rb->remaining_ns < 0 ||
		    rb->nfds || rb->val || rb->bitset || rb->flags)
			break;
		r->nanosleep.clockid = rb->clockid;
		r->nanosleep.expires = ktime_add_ns(cr_clock_now(rb->clockid),
						    rb->remaining_ns);
		r->nanosleep.type = rb->uaddr ? TT_NATIVE : TT_NONE;
		r->nanosleep.rmtp = u64_to_user_ptr(rb->uaddr);
		set_restart_fn(r, hrtimer_nanosleep_restart);
		return 0;
	case CR_RESTART_POLL:
		if (cr_restore_poll(r, rb))
			break;
		return 0;
	case CR_RESTART_FUTEX:
		if ((rb->clockid != CLOCK_REALTIME &&
		     rb->clockid != CLOCK_MONOTONIC) || rb->remaining_ns < 0 ||
		    rb->nfds || (rb->flags & ~CR_FUTEX_SHARED) ||
		    futex_wait_restart_set(r, u64_to_user_ptr(rb->uaddr),
					   rb->val, rb->bitset,
					   rb->flags & CR_FUTEX_SHARED,
					   rb->clockid == CLOCK_REALTIME,
					   ktime_add_ns(cr_clock_now(rb->clockid),
							rb->remaining_ns)) !=
		    -ERESTART_RESTARTBLOCK)
			break;
		return 0;
	}
	return cr_err(ctx, -EINVAL, "bad syscall restart block");
}

static unsigned int cr_count_pending(struct sigpending *p, sigset_t *bare)
{
	struct sigqueue *q;
	unsigned int n = 0;
	int sig;

	*bare = p->signal;
	list_for_each_entry(q, &p->list, list) {
		sigdelset(bare, q->info.si_signo);
		n += !(q->flags & SIGQUEUE_PREALLOC);
	}
	for (sig = 1; sig <= _NSIG; sig++)
		n += sigismember(bare, sig);
	return n;
}

/*
 * The signals pending for @t (@shared: for its process), in queue order,
 * in a new array *@out of *@nr entries. A POSIX timer's own signal is left
 * out: the timer is saved as due, and fires again at restart.
 */
static int cr_save_pending(struct task_struct *t, bool shared,
			   struct cr_siginfo **out, u32 *nr)
{
	struct cr_siginfo *s = NULL;
	unsigned int n, size = 0;
	struct sigpending *p;
	struct sigqueue *q;
	unsigned long flags;
	sigset_t bare;
	int sig;

	BUILD_BUG_ON(sizeof(*s) != sizeof(siginfo_t));
	for (;;) {
		if (!lock_task_sighand(t, &flags)) {
			kvfree(s);
			return -ESRCH;
		}
		p = shared ? &t->signal->shared_pending : &t->pending;
		n = cr_count_pending(p, &bare);
		if (n <= size)
			break;
		/* Signals still come to a parked task: count again. */
		unlock_task_sighand(t, &flags);
		kvfree(s);
		size = n;
		s = kvcalloc(size, sizeof(*s), GFP_KERNEL);
		if (!s)
			return -ENOMEM;
	}
	n = 0;
	list_for_each_entry(q, &p->list, list)
		if (!(q->flags & SIGQUEUE_PREALLOC))
			copy_siginfo_to_external((siginfo_t *)&s[n++], &q->info);
	for (sig = 1; sig <= _NSIG; sig++) {
		kernel_siginfo_t info;

		if (!sigismember(&bare, sig))
			continue;
		clear_siginfo(&info);
		info.si_signo = sig;
		info.si_code = SI_USER;
		copy_siginfo_to_external((siginfo_t *)&s[n++], &info);
	}
	unlock_task_sighand(t, &flags);
	*out = s;
	*nr = n;
	return 0;
}

/* Queue @nr saved signals to current, or to its process if @shared. */
static int cr_restore_pending(struct cr_ctx *ctx, u32 nr, size_t extra,
			      bool shared)
{
	struct cr_siginfo s;
	kernel_siginfo_t info;
	unsigned int i;
	int sig, err;

	if (extra != (size_t)nr * sizeof(s))
		return cr_err(ctx, -EINVAL, "bad pending signal count %u", nr);
	for (i = 0; i < nr; i++) {
		err = cr_read(ctx, &s, sizeof(s));
		if (err)
			return err;
		memcpy(&info, &s, sizeof(info));
		sig = info.si_signo;
		if (sig < 1 || !valid_signal(sig) || sig == SIGKILL ||
		    memchr_inv((char *)&s + sizeof(info), 0,
			       sizeof(s) - sizeof(info)))
			return cr_err(ctx, -EINVAL, "bad pending signal %d", sig);
		err = do_send_sig_info(sig, &info, current,
				       shared ? PIDTYPE_TGID : PIDTYPE_PID);
		if (err)
			return cr_err(ctx, err, "cannot queue signal %d", sig);
	}
	return 0;
}

static const u32 cr_sched_policies[] = {
	SCHED_NORMAL, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO, SCHED_RR,
};

/* The scheduling policies c/r saves; the others are refused. */
bool cr_sched_policy_supported(unsigned int policy)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cr_sched_policies); i++)
		if (policy == cr_sched_policies[i])
			return true;
	return false;
}

/* As sched_setattr(2) and prctl(2) would, with their permission checks. */
static int cr_restore_sched(struct cr_ctx *ctx, const struct cr_thread *rec)
{
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = rec->sched_policy,
		.sched_nice = rec->sched_nice,
		.sched_priority = rec->sched_priority,
	};
	int err;

	if (!cr_sched_policy_supported(rec->sched_policy) ||
	    (rec->sched_flags & ~CR_SCHED_RESET_ON_FORK) ||
	    rec->sched_nice < MIN_NICE || rec->sched_nice > MAX_NICE ||
	    (rec->pdeath_signal && !valid_signal(rec->pdeath_signal)) ||
	    rec->pdeath_signal < 0)
		return cr_err(ctx, -EINVAL, "bad scheduling or prctl state");
	if (rec->sched_flags & CR_SCHED_RESET_ON_FORK)
		attr.sched_flags = SCHED_FLAG_RESET_ON_FORK;
	/* As setpriority(2): sched_setattr() sets it for fair policies only. */
	err = -EACCES;
	if (rec->sched_nice >= task_nice(current) ||
	    can_nice(current, rec->sched_nice))
		err = security_task_setnice(current, rec->sched_nice);
	if (!err) {
		set_user_nice(current, rec->sched_nice);
		err = sched_setattr(current, &attr);
	}
	if (err)
		return cr_err(ctx, err,
			      "cannot set scheduling policy %u, nice %d, priority %u",
			      rec->sched_policy, rec->sched_nice,
			      rec->sched_priority);
	if (!rt_or_dl_task_policy(current))
		current->timer_slack_ns = rec->timer_slack_ns;
	current->pdeath_signal = rec->pdeath_signal;
	return 0;
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
		.sched_policy = t->policy,
		.sched_nice = task_nice(t),
		.sched_priority = t->rt_priority,
		.sched_flags = t->sched_reset_on_fork ? CR_SCHED_RESET_ON_FORK : 0,
		.timer_slack_ns = t->timer_slack_ns,
		.pdeath_signal = t->pdeath_signal,
	};
	struct cr_siginfo *pending = NULL;
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
	      cr_save_pending(t, false, &pending, &rec.nr_pending) ?:
	      cr_write_rec(ctx, CR_THREAD, &rec, sizeof(rec), pending,
			   rec.nr_pending * sizeof(*pending));
	kvfree(pending);
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
	size_t extra;
	int err;

	err = cr_read_rec_var(ctx, CR_THREAD, &rec, sizeof(rec), &extra);
	if (err)
		return err;
	if (rec.sas_ss_flags & ~(SS_AUTODISARM | SS_DISABLE))
		return cr_err(ctx, -EINVAL, "bad sigaltstack flags %#x",
			      rec.sas_ss_flags);
	if (rec.robust_list &&
	    rec.robust_list_len != sizeof(struct robust_list_head))
		return cr_err(ctx, -EINVAL, "bad robust list length %llu",
			      rec.robust_list_len);

	/* Taken last: until then the task must be able to fork. */
	siginitset(&tc->commit.blocked, rec.blocked);
	siginitset(&tc->commit.saved_sigmask, rec.saved_sigmask);
	tc->commit.restore_sigmask = rec.restore_sigmask;
	current->sas_ss_sp = rec.sas_ss_sp;
	current->sas_ss_size = rec.sas_ss_size;
	current->sas_ss_flags = rec.sas_ss_flags;
	current->clear_child_tid = u64_to_user_ptr(rec.clear_child_tid);
#ifdef CONFIG_FUTEX
	current->robust_list = u64_to_user_ptr(rec.robust_list);
#endif
	return cr_restore_pending(ctx, rec.nr_pending, extra, false) ?:
	       cr_restore_sched(ctx, &rec) ?:
	       cr_restore_rseq(ctx, &rec) ?:
	       cr_restore_restart_block(ctx, &rec.restart) ?:
	       cr_arch_read_thread(ctx, tc);
}

/* The clocks of the POSIX timers c/r supports: hrtimer ones. */
static bool cr_timer_clock_supported(clockid_t clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC ||
	       clock == CLOCK_BOOTTIME || clock == CLOCK_TAI;
}

static bool cr_timer_notify_supported(int notify)
{
	return notify == SIGEV_SIGNAL || notify == SIGEV_THREAD ||
	       notify == (SIGEV_SIGNAL | SIGEV_THREAD_ID);
}

static const char *__cr_timer_state(struct task_struct *t,
				    struct k_itimer *timr,
				    struct cr_posix_timer *st)
{
	struct hrtimer *hrt = &timr->it.real.timer;
	struct task_struct *target;

	if (timr->it_signal != t->signal)
		return "being deleted";
	if (!cr_timer_clock_supported(timr->it_clock))
		return "on a CPU-time or alarm clock";
	if (!cr_timer_notify_supported(timr->it_sigev_notify))
		return "with SIGEV_NONE";
	if (timr->it_sigev_notify & SIGEV_THREAD_ID) {
		target = pid_task(timr->it_pid, PIDTYPE_PID);
		if (!target || !same_thread_group(target, t))
			return "aimed at a thread that exited";
		st->tid = task_pid_vnr(target);
	}
	st->id = timr->it_id;
	st->clockid = timr->it_clock;
	st->notify = timr->it_sigev_notify;
	st->signo = timr->sigq->info.si_signo;
	st->value = (unsigned long)timr->sigq->info.si_value.sival_ptr;
	st->interval_ns = ktime_to_ns(timr->it_interval);
	if (hrtimer_active(hrt))
		st->value_ns = max_t(s64, 1, hrtimer_expires_remaining(hrt));
	/*
	 * Its signal queued, or taken but the timer not yet rearmed: it is
	 * due, and fires again as soon as it is made. Its signal was not
	 * saved with the others.
	 */
	if (!list_empty(&timr->sigq->list) ||
	    (timr->it_requeue_pending & REQUEUE_PENDING))
		st->value_ns = 1;
	st->overrun_last = timr->it_overrun_last;
	return NULL;
}

/* Timer @timr of @t, read under its lock, in @st; or why not. */
static const char *cr_timer_state(struct task_struct *t, struct k_itimer *timr,
				  struct cr_posix_timer *st)
{
	unsigned long flags;
	const char *why;

	spin_lock_irqsave(&timr->it_lock, flags);
	why = __cr_timer_state(t, timr, st);
	spin_unlock_irqrestore(&timr->it_lock, flags);
	return why;
}

/*
 * @t's POSIX timers, read once its pending signals are saved: a timer
 * that fired meanwhile is due, and its signal is not in the image.
 */
static int cr_save_timers(struct cr_ctx *ctx, struct task_struct *t,
			  struct cr_signal *rec, struct cr_posix_timer **out)
{
	struct k_itimer **timers, *timr;
	struct sighand_struct *sighand;
	const char *why = NULL;
	unsigned long flags;
	unsigned int n = 0, i;

	if (hlist_empty(&t->signal->posix_timers))
		return 0;
	timers = kvcalloc(CR_TIMERS_MAX, sizeof(*timers), GFP_KERNEL);
	*out = kvcalloc(CR_TIMERS_MAX, sizeof(**out), GFP_KERNEL);
	if (!timers || !*out) {
		kvfree(timers);
		return -ENOMEM;
	}
	/* Freed after a grace period, if the process exited meanwhile. */
	rcu_read_lock();
	sighand = rcu_dereference(t->sighand);	/* @t is parked: not NULL */
	spin_lock_irqsave(&sighand->siglock, flags);
	hlist_for_each_entry(timr, &t->signal->posix_timers, list) {
		if (n == CR_TIMERS_MAX) {
			why = "beyond the 1024th";
			break;
		}
		timers[n++] = timr;
	}
	rec->next_timer_id = t->signal->next_posix_timer_id;
	spin_unlock_irqrestore(&sighand->siglock, flags);
	/* The timer's lock nests outside the siglock: take it alone. */
	for (i = 0; !why && i < n; i++)
		why = cr_timer_state(t, timers[i], &(*out)[i]);
	rcu_read_unlock();
	kvfree(timers);
	if (why)
		return cr_err(ctx, -EOPNOTSUPP,
			      "pid %d has a POSIX timer %s (not supported)",
			      task_pid_vnr(t), why);
	/* The list has the newest first; restart makes them in id order. */
	for (i = 0; i < n / 2; i++)
		swap((*out)[i], (*out)[n - 1 - i]);
	rec->nr_timers = n;
	return 0;
}

/* Make the @nr POSIX timers that follow again, with their ids. */
static int cr_restore_timers(struct cr_ctx *ctx, u32 nr, u32 next_id)
{
	struct task_struct *target;
	struct cr_posix_timer st;
	s64 prev = -1;
	unsigned int i;
	int err;

	for (i = 0; i < nr; i++) {
		struct itimerspec64 spec;
		sigevent_t ev = {};
		timer_t id;

		err = cr_read(ctx, &st, sizeof(st));
		if (err)
			return err;
		if (st.id <= prev || !cr_timer_clock_supported(st.clockid) ||
		    !cr_timer_notify_supported(st.notify) ||
		    st.value_ns > KTIME_MAX || st.interval_ns > KTIME_MAX ||
		    st.overrun_last < -1 || st.pad)
			return cr_err(ctx, -EINVAL, "bad POSIX timer record");
		prev = st.id;
		ev.sigev_notify = st.notify;
		ev.sigev_signo = st.signo;
		ev.sigev_value.sival_ptr = (void __user *)(unsigned long)st.value;
		if (st.notify & SIGEV_THREAD_ID) {
			target = cr_restored_task(ctx, st.tid);
			if (!target || !same_thread_group(target, current))
				return cr_err(ctx, -EINVAL,
					      "POSIX timer %d aimed at thread %d, not in the process",
					      st.id, st.tid);
			ev.sigev_notify_thread_id = task_pid_vnr(target);
		}
		spec.it_value = ns_to_timespec64(st.value_ns);
		spec.it_interval = ns_to_timespec64(st.interval_ns);
		/* timer_create() tries this id first; the process has no other. */
		current->signal->next_posix_timer_id = st.id;
		err = posix_timer_restore(st.clockid, &ev, &spec,
					  st.overrun_last, &id);
		if (!err && id != st.id)
			err = -EBUSY;
		if (err)
			return cr_err(ctx, err, "cannot make POSIX timer %d again",
				      st.id);
	}
	current->signal->next_posix_timer_id = next_id;
	return 0;
}

/* The process-wide state of @t's signal_struct, after its threads. */
int cr_write_signal(struct cr_ctx *ctx, struct task_struct *t)
{
	struct cr_hdr hdr = { .type = CR_SIGNAL };
	struct cr_posix_timer *timers = NULL;
	struct cr_siginfo *pending = NULL;
	struct cr_signal rec = {};
	struct itimerspec64 v;
	int which, err = 0;

	read_lock(&tasklist_lock);	/* keeps t->sighand */
	if (!rcu_access_pointer(t->sighand))
		err = -ESRCH;
	for (which = 0; !err && which < ARRAY_SIZE(rec.itimer); which++) {
		err = do_getitimer_task(t, which, &v);
		rec.itimer[which].value_ns = timespec64_to_ns(&v.it_value);
		rec.itimer[which].interval_ns = timespec64_to_ns(&v.it_interval);
	}
	if (t->signal->is_child_subreaper)
		rec.flags |= CR_SIGNAL_CHILD_SUBREAPER;
	read_unlock(&tasklist_lock);
	if (err)
		return cr_err(ctx, err, "pid %d has exited", task_pid_vnr(t));

	err = cr_save_pending(t, true, &pending, &rec.nr_pending) ?:
	      cr_save_timers(ctx, t, &rec, &timers);
	hdr.len = sizeof(rec) + rec.nr_pending * sizeof(*pending) +
		  rec.nr_timers * sizeof(*timers);
	if (!err)
		err = cr_write(ctx, &hdr, sizeof(hdr)) ?:
		      cr_write(ctx, &rec, sizeof(rec)) ?:
		      cr_write(ctx, pending, rec.nr_pending * sizeof(*pending)) ?:
		      cr_write(ctx, timers, rec.nr_timers * sizeof(*timers));
	kvfree(pending);
	kvfree(timers);
	return err;
}

int cr_restore_signal(struct cr_ctx *ctx)
{
	struct itimerspec64 v;
	struct cr_signal rec;
	size_t extra;
	int which, err;

	BUILD_BUG_ON(ITIMER_REAL != 0 || ITIMER_VIRTUAL != 1 || ITIMER_PROF != 2);
	err = cr_read_rec_var(ctx, CR_SIGNAL, &rec, sizeof(rec), &extra);
	if (err)
		return err;
	if ((rec.flags & ~CR_SIGNAL_CHILD_SUBREAPER) ||
	    rec.nr_timers > CR_TIMERS_MAX || rec.next_timer_id > INT_MAX ||
	    extra < (size_t)rec.nr_timers * sizeof(struct cr_posix_timer))
		return cr_err(ctx, -EINVAL, "bad signal record");
	for (which = 0; which < ARRAY_SIZE(rec.itimer); which++) {
		const struct cr_itimer *it = &rec.itimer[which];

		if (it->value_ns > KTIME_MAX || it->interval_ns > KTIME_MAX)
			return cr_err(ctx, -EINVAL, "bad interval timer %d", which);
		v.it_value = ns_to_timespec64(it->value_ns);
		v.it_interval = ns_to_timespec64(it->interval_ns);
		err = do_setitimer(which, &v, NULL);
		if (err)
			return cr_err(ctx, err, "cannot set interval timer %d",
				      which);
	}
	current->signal->is_child_subreaper =
		!!(rec.flags & CR_SIGNAL_CHILD_SUBREAPER);
	extra -= rec.nr_timers * sizeof(struct cr_posix_timer);
	return cr_restore_pending(ctx, rec.nr_pending, extra, true) ?:
	       cr_restore_timers(ctx, rec.nr_timers, rec.next_timer_id);
}
