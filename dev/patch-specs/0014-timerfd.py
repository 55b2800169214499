NAME = "0014-timerfd-let-checkpoint-read-and-restart-make-a-timerfd"
SUBJECT = "timerfd: let checkpoint read and restart make a timerfd"
BODY = """
checkpoint() saves a timerfd's clock, its timer as timerfd_gettime()
tells it, and the expirations not yet read; restart() makes the timerfd
again, sets its timer and gives it back those expirations, without an
fd of its own.

Add timerfd_get_state() and timerfd_set_state(), split
timerfd_file_create() out of timerfd_create() and let settime and
gettime work on a file. No functional change.
"""
OLD_CREATE = """SYSCALL_DEFINE2(timerfd_create, int, clockid, int, flags)
{
	int ufd;
	struct timerfd_ctx *ctx;
	struct file *file;

	/* Check the TFD_* constants for consistency.  */
	BUILD_BUG_ON(TFD_CLOEXEC != O_CLOEXEC);
	BUILD_BUG_ON(TFD_NONBLOCK != O_NONBLOCK);

	if ((flags & ~TFD_CREATE_FLAGS) ||
	    (clockid != CLOCK_MONOTONIC &&
	     clockid != CLOCK_REALTIME &&
	     clockid != CLOCK_REALTIME_ALARM &&
	     clockid != CLOCK_BOOTTIME &&
	     clockid != CLOCK_BOOTTIME_ALARM))
		return -EINVAL;

	if ((clockid == CLOCK_REALTIME_ALARM ||
	     clockid == CLOCK_BOOTTIME_ALARM) &&
	    !capable(CAP_WAKE_ALARM))
		return -EPERM;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
"""
NEW_CREATE = """/**
 * timerfd_file_create - a new timerfd file, as timerfd_create() makes it
 * @clockid: its clock
 * @flags: TFD_* flags
 */
struct file *timerfd_file_create(int clockid, int flags)
{
	struct timerfd_ctx *ctx;
	struct file *file;

	/* Check the TFD_* constants for consistency.  */
	BUILD_BUG_ON(TFD_CLOEXEC != O_CLOEXEC);
	BUILD_BUG_ON(TFD_NONBLOCK != O_NONBLOCK);

	if ((flags & ~TFD_CREATE_FLAGS) ||
	    (clockid != CLOCK_MONOTONIC &&
	     clockid != CLOCK_REALTIME &&
	     clockid != CLOCK_REALTIME_ALARM &&
	     clockid != CLOCK_BOOTTIME &&
	     clockid != CLOCK_BOOTTIME_ALARM))
		return ERR_PTR(-EINVAL);

	if ((clockid == CLOCK_REALTIME_ALARM ||
	     clockid == CLOCK_BOOTTIME_ALARM) &&
	    !capable(CAP_WAKE_ALARM))
		return ERR_PTR(-EPERM);

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
"""
OLD_TAIL = """	ctx->moffs = ktime_mono_to_real(0);

	ufd = get_unused_fd_flags(flags & TFD_SHARED_FCNTL_FLAGS);
	if (ufd < 0) {
		kfree(ctx);
		return ufd;
	}

	file = anon_inode_getfile("[timerfd]", &timerfd_fops, ctx,
				    O_RDWR | (flags & TFD_SHARED_FCNTL_FLAGS));
	if (IS_ERR(file)) {
		put_unused_fd(ufd);
		kfree(ctx);
		return PTR_ERR(file);
	}

	file->f_mode |= FMODE_NOWAIT;
	fd_install(ufd, file);
	return ufd;
}

static int do_timerfd_settime(int ufd, int flags, 
		const struct itimerspec64 *new,
		struct itimerspec64 *old)
{
	struct fd f;
	struct timerfd_ctx *ctx;
	int ret;

	if ((flags & ~TFD_SETTIME_FLAGS) ||
		 !itimerspec64_valid(new))
		return -EINVAL;

	ret = timerfd_fget(ufd, &f);
	if (ret)
		return ret;
	ctx = fd_file(f)->private_data;

	if (isalarm(ctx) && !capable(CAP_WAKE_ALARM)) {
		fdput(f);
		return -EPERM;
	}
"""
NEW_TAIL = """	ctx->moffs = ktime_mono_to_real(0);

	file = anon_inode_getfile("[timerfd]", &timerfd_fops, ctx,
				    O_RDWR | (flags & TFD_SHARED_FCNTL_FLAGS));
	if (IS_ERR(file)) {
		kfree(ctx);
		return file;
	}

	file->f_mode |= FMODE_NOWAIT;
	return file;
}

SYSCALL_DEFINE2(timerfd_create, int, clockid, int, flags)
{
	struct file *file;
	int ufd;

	if (flags & ~TFD_CREATE_FLAGS)
		return -EINVAL;
	ufd = get_unused_fd_flags(flags & TFD_SHARED_FCNTL_FLAGS);
	if (ufd < 0)
		return ufd;
	file = timerfd_file_create(clockid, flags);
	if (IS_ERR(file)) {
		put_unused_fd(ufd);
		return PTR_ERR(file);
	}
	fd_install(ufd, file);
	return ufd;
}

static int timerfd_settime_file(struct file *file, int flags,
				const struct itimerspec64 *new,
				struct itimerspec64 *old)
{
	struct timerfd_ctx *ctx = file->private_data;
	int ret;

	if ((flags & ~TFD_SETTIME_FLAGS) ||
		 !itimerspec64_valid(new))
		return -EINVAL;

	if (isalarm(ctx) && !capable(CAP_WAKE_ALARM))
		return -EPERM;
"""
OLD_SET_END = """	ret = timerfd_setup(ctx, flags, new);

	spin_unlock_irq(&ctx->wqh.lock);
	fdput(f);
	return ret;
}

static int do_timerfd_gettime(int ufd, struct itimerspec64 *t)
{
	struct fd f;
	struct timerfd_ctx *ctx;
	int ret = timerfd_fget(ufd, &f);
	if (ret)
		return ret;
	ctx = fd_file(f)->private_data;

	spin_lock_irq(&ctx->wqh.lock);
	if (ctx->expired && ctx->tintv) {"""
NEW_SET_END = """	ret = timerfd_setup(ctx, flags, new);

	spin_unlock_irq(&ctx->wqh.lock);
	return ret;
}

static int do_timerfd_settime(int ufd, int flags,
			      const struct itimerspec64 *new,
			      struct itimerspec64 *old)
{
	struct fd f;
	int ret;

	ret = timerfd_fget(ufd, &f);
	if (ret)
		return ret;
	ret = timerfd_settime_file(fd_file(f), flags, new, old);
	fdput(f);
	return ret;
}

/* The timer of @ctx, locked, as timerfd_gettime() tells it. */
static void timerfd_gettime_locked(struct timerfd_ctx *ctx,
				   struct itimerspec64 *t)
{
	if (ctx->expired && ctx->tintv) {"""
OLD_GET_END = """	t->it_value = ktime_to_timespec64(timerfd_get_remaining(ctx));
	t->it_interval = ktime_to_timespec64(ctx->tintv);
	spin_unlock_irq(&ctx->wqh.lock);
	fdput(f);
	return 0;
}
"""
NEW_GET_END = """	t->it_value = ktime_to_timespec64(timerfd_get_remaining(ctx));
	t->it_interval = ktime_to_timespec64(ctx->tintv);
}

static int do_timerfd_gettime(int ufd, struct itimerspec64 *t)
{
	struct fd f;
	struct timerfd_ctx *ctx;
	int ret = timerfd_fget(ufd, &f);

	if (ret)
		return ret;
	ctx = fd_file(f)->private_data;

	spin_lock_irq(&ctx->wqh.lock);
	timerfd_gettime_locked(ctx, t);
	spin_unlock_irq(&ctx->wqh.lock);
	fdput(f);
	return 0;
}

/**
 * timerfd_get_state - a timerfd's clock, timer and expirations
 * @file: [in] the timerfd file
 * @clockid: [out] its clock
 * @flags: [out] the TFD_TIMER_* flags its timer was last set with
 * @t: [out] its timer, as timerfd_gettime() tells it
 * @ticks: [out] the expirations not yet read
 *
 * Returns 0, or -EINVAL if @file is not a timerfd.
 */
int timerfd_get_state(struct file *file, int *clockid, int *flags,
		      struct itimerspec64 *t, u64 *ticks)
{
	struct timerfd_ctx *ctx = file->private_data;

	if (file->f_op != &timerfd_fops)
		return -EINVAL;
	spin_lock_irq(&ctx->wqh.lock);
	timerfd_gettime_locked(ctx, t);
	/* Queued but due: say so, as a zero timer is a disarmed one. */
	if (!timespec64_to_ns(&t->it_value) &&
	    hrtimer_is_queued(isalarm(ctx) ? &ctx->t.alarm.timer : &ctx->t.tmr))
		t->it_value.tv_nsec = 1;
	*clockid = ctx->clockid;
	*flags = ctx->settime_flags;
	*ticks = ctx->ticks;
	spin_unlock_irq(&ctx->wqh.lock);
	return 0;
}

/**
 * timerfd_set_state - set a new timerfd's timer and expirations not read
 * @file: the timerfd file, from timerfd_file_create()
 * @flags: TFD_TIMER_* flags, as timerfd_settime() takes them
 * @t: the timer, as timerfd_settime() takes it
 * @ticks: the expirations not yet read
 */
int timerfd_set_state(struct file *file, int flags,
		      const struct itimerspec64 *t, u64 ticks)
{
	struct timerfd_ctx *ctx = file->private_data;
	struct itimerspec64 old;
	int ret;

	if (file->f_op != &timerfd_fops)
		return -EINVAL;
	ret = timerfd_settime_file(file, flags, t, &old);
	if (ret || !ticks)
		return ret;
	spin_lock_irq(&ctx->wqh.lock);
	ctx->ticks = ticks;
	wake_up_locked_poll(&ctx->wqh, EPOLLIN);
	spin_unlock_irq(&ctx->wqh.lock);
	return 0;
}
"""
EDITS = [
    ("fs/timerfd.c", OLD_CREATE, NEW_CREATE),
    ("fs/timerfd.c", OLD_TAIL, NEW_TAIL),
    ("fs/timerfd.c", OLD_SET_END, NEW_SET_END),
    ("fs/timerfd.c", OLD_GET_END, NEW_GET_END),
    ("include/linux/timerfd.h",
     "#define TFD_SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)\n",
     "#define TFD_SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)\n\n"
     "struct file;\n"
     "struct itimerspec64;\n\n"
     "struct file *timerfd_file_create(int clockid, int flags);\n"
     "int timerfd_get_state(struct file *file, int *clockid, int *flags,\n"
     "\t\t      struct itimerspec64 *t, u64 *ticks);\n"
     "int timerfd_set_state(struct file *file, int flags,\n"
     "\t\t      const struct itimerspec64 *t, u64 ticks);\n"),
]
