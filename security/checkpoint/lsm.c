// SPDX-License-Identifier: GPL-2.0
/*
 * The checkpoint LSM: a one-way, per-task "uncheckpointable" flag.
 *
 * Its hooks mark a task the moment it creates state that checkpoint/restart
 * will not save - an unsupported kind of file, socket or device, a ptrace
 * relationship, a new namespace - with the first reason. The mark is never
 * cleared: not by closing the file, not by execve(); a child forked later
 * inherits it. What is supported is decided by kernel/checkpoint/support.c,
 * which the checkpoint walker uses as well.
 *
 * The LSM never denies anything. checkpoint() refuses a marked task up
 * front, before quiescing any task; /proc/<pid>/checkpointable and
 * prctl(PR_GET_CHECKPOINTABLE) tell the reason beforehand.
 */
#include <linux/checkpoint.h>
#include <linux/lsm_hooks.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <uapi/linux/lsm.h>

struct cr_lsm_task {
	spinlock_t	lock;		/* serialises marking */
	bool		marked;		/* set once, with a release */
	bool		in_cr;		/* in checkpoint() or restart(); own use */
	char		reason[CR_REASON_LEN];	/* fixed once marked */
};

static struct lsm_blob_sizes cr_blob_sizes __ro_after_init = {
	.lbs_task = sizeof(struct cr_lsm_task),
};

static struct cr_lsm_task *cr_lsm(const struct task_struct *t)
{
	return t->security + cr_blob_sizes.lbs_task;
}

static __printf(2, 3) void cr_mark(struct task_struct *t, const char *fmt, ...)
{
	struct cr_lsm_task *c = cr_lsm(t);
	va_list args;

	if (READ_ONCE(c->marked))
		return;
	spin_lock(&c->lock);
	if (!c->marked) {
		va_start(args, fmt);
		vsnprintf(c->reason, sizeof(c->reason), fmt, args);
		va_end(args);
		/* Pairs with cr_reason(): the reason is written first. */
		smp_store_release(&c->marked, true);
	}
	spin_unlock(&c->lock);
}

static const char *cr_reason(const struct task_struct *t)
{
	const struct cr_lsm_task *c = cr_lsm(t);

	/* Pairs with cr_mark(): a marked task's reason is complete. */
	return smp_load_acquire(&c->marked) ? c->reason : NULL;
}

/**
 * cr_task_reason - why a task, or its whole process, cannot be checkpointed
 * @t: the task
 * @process: look at every thread of @t's process
 * @buf: CR_REASON_LEN bytes for the first reason found
 *
 * Return: true if @t (or a thread of its process) is marked.
 */
bool cr_task_reason(struct task_struct *t, bool process, char *buf)
{
	const char *why = NULL;
	struct task_struct *p;

	rcu_read_lock();
	if (process) {
		for_each_thread(t, p) {
			why = cr_reason(p);
			if (why)
				break;
		}
	} else {
		why = cr_reason(t);
	}
	if (why)
		strscpy(buf, why, CR_REASON_LEN);
	rcu_read_unlock();
	return why;
}

/**
 * cr_lsm_set_active() - Tell the LSM that current acts for c/r.
 * @active: Whether it starts or ends.
 *
 * checkpoint() and restart() act for their caller: the ptrace access check
 * of a target and the tasks that restart() creates are not the caller's own
 * state, and do not mark it.
 *
 * Context: Process context, current.
 */
void cr_lsm_set_active(bool active)
{
	cr_lsm(current)->in_cr = active;
}

static int cr_task_alloc(struct task_struct *task, unsigned long clone_flags)
{
	struct cr_lsm_task *c = cr_lsm(task), *parent = cr_lsm(current);
	const char *ns, *why;

	spin_lock_init(&c->lock);
	if (parent->in_cr)
		return 0;	/* restored from an image of unmarked tasks */
	ns = cr_clone_unsupported(clone_flags);
	if (ns)
		cr_mark(current, "clone(%s)", ns);
	why = cr_reason(current);
	if (why) {
		strscpy(c->reason, why, sizeof(c->reason));
		c->marked = true;	/* @task is not visible yet */
	}
	return 0;
}

/* Like Yama, take every ptrace-attach access check as an attach. */
static int cr_ptrace_access_check(struct task_struct *child, unsigned int mode)
{
	if (!(mode & PTRACE_MODE_ATTACH) || cr_lsm(current)->in_cr)
		return 0;
	cr_mark(current, "ptrace-attached to pid %d", task_pid_vnr(child));
	cr_mark(child, "ptrace-attached by pid %d", task_pid_vnr(current));
	return 0;
}

static int cr_ptrace_traceme(struct task_struct *parent)
{
	cr_mark(current, "ptrace-attached by its parent (PTRACE_TRACEME)");
	cr_mark(parent, "ptrace-attached to child pid %d",
		task_pid_vnr(current));
	return 0;
}

static void cr_file_made(struct file *file, const char *verb)
{
	char why[CR_WHY_LEN];

	if (READ_ONCE(cr_lsm(current)->marked) ||
	    cr_file_support(file, NULL) != CR_UNSUPPORTED)
		return;
	cr_file_support(file, why);
	cr_mark(current, "%s %s", verb, why);
}

static int cr_file_open(struct file *file)
{
	cr_file_made(file, "opened");
	return 0;
}

static void cr_file_alloc_pseudo(struct file *file)
{
	cr_file_made(file, "created");
}

static int cr_file_receive(struct file *file)
{
	cr_file_made(file, "received");
	return 0;
}

static int cr_userns_create(const struct cred *cred)
{
	if (!cr_lsm(current)->in_cr)
		cr_mark(current, "created a user namespace");
	return 0;
}

/**
 * cr_prctl_get_checkpointable() - prctl(PR_GET_CHECKPOINTABLE, ...).
 * @arg2: A user buffer for the reason, or 0.
 * @arg3: Its length.
 * @arg4: Zero.
 * @arg5: Zero.
 *
 * prctl(PR_GET_CHECKPOINTABLE, buf, len, 0, 0) tells whether the calling
 * process is marked, and why, in @buf of @len bytes.
 *
 * Context: Process context, current; may sleep.
 * Return: 1 if it can be checkpointed, 0 if not, or a negative errno.
 */
int cr_prctl_get_checkpointable(unsigned long arg2, unsigned long arg3,
				unsigned long arg4, unsigned long arg5)
{
	char why[CR_REASON_LEN] = "";
	bool marked;
	size_t len;

	if (arg4 || arg5 || (arg2 && !arg3))
		return -EINVAL;
	marked = cr_task_reason(current, true, why);
	if (arg2) {
		len = min_t(size_t, strlen(why), arg3 - 1);
		why[len] = '\0';
		if (copy_to_user((char __user *)arg2, why, len + 1))
			return -EFAULT;
	}
	return !marked;
}

static int cr_show(struct seq_file *m, struct task_struct *task, bool process)
{
	char why[CR_REASON_LEN];

	if (!ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS))
		return -EACCES;
	if (cr_task_reason(task, process, why))
		seq_printf(m, "no: %s\n", why);
	else
		seq_puts(m, "yes\n");
	return 0;
}

/**
 * proc_pid_checkpointable() - Show /proc/<pid>/checkpointable.
 * @m: The seq_file.
 * @ns: The pid namespace of /proc.
 * @pid: The process's pid.
 * @task: The process.
 *
 * "yes", or "no: " and the reason a thread of it is marked.
 *
 * Context: Process context; may sleep.
 * Return: 0.
 */
int proc_pid_checkpointable(struct seq_file *m, struct pid_namespace *ns,
			    struct pid *pid, struct task_struct *task)
{
	return cr_show(m, task, true);
}

/**
 * proc_tid_checkpointable() - Show /proc/<pid>/task/<tid>/checkpointable.
 * @m: The seq_file.
 * @ns: The pid namespace of /proc.
 * @pid: The thread's pid.
 * @task: The thread.
 *
 * As proc_pid_checkpointable(), for one thread.
 *
 * Context: Process context; may sleep.
 * Return: 0.
 */
int proc_tid_checkpointable(struct seq_file *m, struct pid_namespace *ns,
			    struct pid *pid, struct task_struct *task)
{
	return cr_show(m, task, false);
}

static struct security_hook_list cr_hooks[] __ro_after_init = {
	LSM_HOOK_INIT(task_alloc, cr_task_alloc),
	LSM_HOOK_INIT(ptrace_access_check, cr_ptrace_access_check),
	LSM_HOOK_INIT(ptrace_traceme, cr_ptrace_traceme),
	LSM_HOOK_INIT(file_open, cr_file_open),
	LSM_HOOK_INIT(file_alloc_pseudo, cr_file_alloc_pseudo),
	LSM_HOOK_INIT(file_receive, cr_file_receive),
	LSM_HOOK_INIT(userns_create, cr_userns_create),
};

static const struct lsm_id cr_lsmid = {
	.name = "checkpoint",
	.id = LSM_ID_CHECKPOINT,
};

static int __init cr_lsm_init(void)
{
	spin_lock_init(&cr_lsm(current)->lock);
	security_add_hooks(cr_hooks, ARRAY_SIZE(cr_hooks), &cr_lsmid);
	return 0;
}

/*
 * Always on when built: the walker does not depend on the mark, but the
 * answers of /proc and prctl would be wrong without it. It denies nothing.
 */
DEFINE_LSM(checkpoint) = {
	.name = "checkpoint",
	.order = LSM_ORDER_LAST,
	.blobs = &cr_blob_sizes,
	.init = cr_lsm_init,
};
