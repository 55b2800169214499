NAME = "0011-eventfd-let-checkpoint-read-and-restart-make-an-eventfd"
SUBJECT = "eventfd: let checkpoint read and restart make an eventfd"
BODY = """
checkpoint() saves an eventfd's counter and its EFD_SEMAPHORE mode
without reading it, which would reset the counter under the task; its
fdinfo shows the same. restart() makes the eventfd again with the full
64-bit counter, which eventfd2(2) cannot set.

Add eventfd_get_state(), which reads both under the wait queue lock,
and split eventfd_file_create() out of do_eventfd(), with stubs for
kernels without CONFIG_EVENTFD. No functional change.
"""
OLD_DO = """static int do_eventfd(unsigned int count, int flags)
{
	struct eventfd_ctx *ctx;
	struct file *file;
	int fd;

	/* Check the EFD_* constants for consistency.  */
	BUILD_BUG_ON(EFD_CLOEXEC != O_CLOEXEC);
	BUILD_BUG_ON(EFD_NONBLOCK != O_NONBLOCK);
	BUILD_BUG_ON(EFD_SEMAPHORE != (1 << 0));

	if (flags & ~EFD_FLAGS_SET)
		return -EINVAL;

	ctx = kmalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;

	kref_init(&ctx->kref);
	init_waitqueue_head(&ctx->wqh);
	ctx->count = count;
	ctx->flags = flags;
	ctx->id = ida_alloc(&eventfd_ida, GFP_KERNEL);

	flags &= EFD_SHARED_FCNTL_FLAGS;
	flags |= O_RDWR;
	fd = get_unused_fd_flags(flags);
	if (fd < 0)
		goto err;

	file = anon_inode_getfile("[eventfd]", &eventfd_fops, ctx, flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto err;
	}

	file->f_mode |= FMODE_NOWAIT;
	fd_install(fd, file);
	return fd;
err:
	eventfd_free_ctx(ctx);
	return fd;
}
"""
NEW_DO = """/**
 * eventfd_get_state - an eventfd's counter and flags
 * @file: [in] the eventfd file
 * @cnt: [out] the counter
 * @flags: [out] its EFD_* flags
 *
 * Returns 0, or -EINVAL if @file is not an eventfd.
 */
int eventfd_get_state(struct file *file, __u64 *cnt, unsigned int *flags)
{
	struct eventfd_ctx *ctx = file->private_data;

	if (file->f_op != &eventfd_fops)
		return -EINVAL;
	spin_lock_irq(&ctx->wqh.lock);
	*cnt = ctx->count;
	spin_unlock_irq(&ctx->wqh.lock);
	*flags = ctx->flags;
	return 0;
}

/**
 * eventfd_file_create - a new eventfd file, as eventfd2() makes it
 * @count: the counter's first value
 * @flags: EFD_* flags
 */
struct file *eventfd_file_create(__u64 count, int flags)
{
	struct eventfd_ctx *ctx;
	struct file *file;

	/* Check the EFD_* constants for consistency.  */
	BUILD_BUG_ON(EFD_CLOEXEC != O_CLOEXEC);
	BUILD_BUG_ON(EFD_NONBLOCK != O_NONBLOCK);
	BUILD_BUG_ON(EFD_SEMAPHORE != (1 << 0));

	if (flags & ~EFD_FLAGS_SET)
		return ERR_PTR(-EINVAL);

	ctx = kmalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);

	kref_init(&ctx->kref);
	init_waitqueue_head(&ctx->wqh);
	ctx->count = count;
	ctx->flags = flags;
	ctx->id = ida_alloc(&eventfd_ida, GFP_KERNEL);

	flags &= EFD_SHARED_FCNTL_FLAGS;
	flags |= O_RDWR;
	file = anon_inode_getfile("[eventfd]", &eventfd_fops, ctx, flags);
	if (IS_ERR(file)) {
		eventfd_free_ctx(ctx);
		return file;
	}
	file->f_mode |= FMODE_NOWAIT;
	return file;
}

static int do_eventfd(unsigned int count, int flags)
{
	struct file *file;
	int fd;

	if (flags & ~EFD_FLAGS_SET)
		return -EINVAL;
	fd = get_unused_fd_flags((flags & EFD_SHARED_FCNTL_FLAGS) | O_RDWR);
	if (fd < 0)
		return fd;
	file = eventfd_file_create(count, flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}
"""
EDITS = [
    ("fs/eventfd.c", OLD_DO, NEW_DO),
    ("include/linux/eventfd.h",
     "void eventfd_ctx_do_read(struct eventfd_ctx *ctx, __u64 *cnt);\n\nstatic inline bool eventfd_signal_allowed(void)\n",
     "void eventfd_ctx_do_read(struct eventfd_ctx *ctx, __u64 *cnt);\n"
     "int eventfd_get_state(struct file *file, __u64 *cnt, unsigned int *flags);\n"
     "struct file *eventfd_file_create(__u64 count, int flags);\n\n"
     "static inline bool eventfd_signal_allowed(void)\n"),
    ("include/linux/eventfd.h",
     "static inline struct eventfd_ctx *eventfd_ctx_fdget(int fd)\n{\n\treturn ERR_PTR(-ENOSYS);\n}\n",
     "static inline struct eventfd_ctx *eventfd_ctx_fdget(int fd)\n{\n\treturn ERR_PTR(-ENOSYS);\n}\n\n"
     "static inline int eventfd_get_state(struct file *file, __u64 *cnt,\n"
     "\t\t\t\t    unsigned int *flags)\n{\n\treturn -EINVAL;\n}\n\n"
     "static inline struct file *eventfd_file_create(__u64 count, int flags)\n"
     "{\n\treturn ERR_PTR(-EOPNOTSUPP);\n}\n"),
]
