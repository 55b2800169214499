NAME = "0013-signalfd-let-checkpoint-read-and-restart-make-a-signalfd"
SUBJECT = "signalfd: let checkpoint read and restart make a signalfd"
BODY = """
checkpoint() saves the signals a signalfd reads, as its fdinfo shows
them; restart() makes the signalfd again with that mask, without an fd
of its own.

Add signalfd_get_mask() and split signalfd_file_create() out of
do_signalfd4(). No functional change.
"""
OLD_DO = """static int do_signalfd4(int ufd, sigset_t *mask, int flags)
{
	struct signalfd_ctx *ctx;

	/* Check the SFD_* constants for consistency.  */
	BUILD_BUG_ON(SFD_CLOEXEC != O_CLOEXEC);
	BUILD_BUG_ON(SFD_NONBLOCK != O_NONBLOCK);

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;

	sigdelsetmask(mask, sigmask(SIGKILL) | sigmask(SIGSTOP));
	signotset(mask);

	if (ufd == -1) {
		struct file *file;

		ctx = kmalloc(sizeof(*ctx), GFP_KERNEL);
		if (!ctx)
			return -ENOMEM;

		ctx->sigmask = *mask;

		ufd = get_unused_fd_flags(flags & O_CLOEXEC);
		if (ufd < 0) {
			kfree(ctx);
			return ufd;
		}

		file = anon_inode_getfile("[signalfd]", &signalfd_fops, ctx,
				       O_RDWR | (flags & O_NONBLOCK));
		if (IS_ERR(file)) {
			put_unused_fd(ufd);
			kfree(ctx);
			return PTR_ERR(file);
		}
		file->f_mode |= FMODE_NOWAIT;

		fd_install(ufd, file);
	} else {
"""
NEW_DO = """/**
 * signalfd_get_mask - the signals a signalfd reads
 * @file: [in] the signalfd file
 * @mask: [out] the mask, as signalfd() takes it
 *
 * Returns 0, or -EINVAL if @file is not a signalfd.
 */
int signalfd_get_mask(struct file *file, sigset_t *mask)
{
	struct signalfd_ctx *ctx = file->private_data;

	if (file->f_op != &signalfd_fops)
		return -EINVAL;
	*mask = ctx->sigmask;
	signotset(mask);
	return 0;
}

/* A new signalfd file for @sigmask, the signals it does not read. */
static struct file *__signalfd_file_create(const sigset_t *sigmask, int flags)
{
	struct signalfd_ctx *ctx;
	struct file *file;

	ctx = kmalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);

	ctx->sigmask = *sigmask;
	file = anon_inode_getfile("[signalfd]", &signalfd_fops, ctx,
				  O_RDWR | (flags & O_NONBLOCK));
	if (IS_ERR(file)) {
		kfree(ctx);
		return file;
	}
	file->f_mode |= FMODE_NOWAIT;
	return file;
}

/**
 * signalfd_file_create - a new signalfd file, as signalfd4(-1, ...) makes it
 * @mask: the signals it reads
 * @flags: SFD_* flags
 */
struct file *signalfd_file_create(const sigset_t *mask, int flags)
{
	sigset_t sigmask = *mask;

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return ERR_PTR(-EINVAL);
	sigdelsetmask(&sigmask, sigmask(SIGKILL) | sigmask(SIGSTOP));
	signotset(&sigmask);
	return __signalfd_file_create(&sigmask, flags);
}

static int do_signalfd4(int ufd, sigset_t *mask, int flags)
{
	struct signalfd_ctx *ctx;

	/* Check the SFD_* constants for consistency.  */
	BUILD_BUG_ON(SFD_CLOEXEC != O_CLOEXEC);
	BUILD_BUG_ON(SFD_NONBLOCK != O_NONBLOCK);

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;

	sigdelsetmask(mask, sigmask(SIGKILL) | sigmask(SIGSTOP));
	signotset(mask);

	if (ufd == -1) {
		struct file *file;

		ufd = get_unused_fd_flags(flags & O_CLOEXEC);
		if (ufd < 0)
			return ufd;

		file = __signalfd_file_create(mask, flags);
		if (IS_ERR(file)) {
			put_unused_fd(ufd);
			return PTR_ERR(file);
		}
		fd_install(ufd, file);
	} else {
"""
EDITS = [
    ("fs/signalfd.c", OLD_DO, NEW_DO),
    ("include/linux/signalfd.h",
     "extern void signalfd_cleanup(struct sighand_struct *sighand);\n",
     "extern void signalfd_cleanup(struct sighand_struct *sighand);\n"
     "int signalfd_get_mask(struct file *file, sigset_t *mask);\n"
     "struct file *signalfd_file_create(const sigset_t *mask, int flags);\n"),
]
