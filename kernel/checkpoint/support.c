// SPDX-License-Identifier: GPL-2.0
/*
 * What checkpoint/restart supports: the one table that both the checkpoint
 * walker and the checkpoint LSM consult, so that they cannot disagree.
 *
 * Each kind of object is one of
 *
 *  - CR_SUPPORTED: saved and restored;
 *  - CR_NOT_YET: refused by checkpoint() while a task holds one, but planned,
 *    and common enough (terminals, inotify)
 *    that marking every task that ever made one would make most tasks
 *    uncheckpointable before their support lands;
 *  - CR_UNSUPPORTED: refused, and the task that creates one is marked
 *    uncheckpointable for the rest of its life.
 *
 * A kind moves up this list as its support lands; see
 * Documentation/checkpoint/features.rst.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/magic.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <net/sock.h>

#include "internal.h"

/**
 * cr_chrdev_supported() - Is a character device one restart() reopens?
 * @dev: The device number.
 *
 * Context: Any context.
 * Return: Whether restart() reopens it by its path.
 */
bool cr_chrdev_supported(dev_t dev)
{
	if (MAJOR(dev) != MEM_MAJOR)
		return false;
	switch (MINOR(dev)) {
	case 3:		/* null */
	case 5:		/* zero */
	case 7:		/* full */
	case 8:		/* random */
	case 9:		/* urandom */
	case 11:	/* kmsg, written to only */
		return true;
	}
	return false;
}

static bool cr_chrdev_is_tty(dev_t dev)
{
	switch (MAJOR(dev)) {
	case TTY_MAJOR:
	case TTYAUX_MAJOR:
	case UNIX98_PTY_MASTER_MAJOR ...
	     UNIX98_PTY_MASTER_MAJOR + UNIX98_PTY_MAJOR_COUNT - 1:
	case UNIX98_PTY_SLAVE_MAJOR ...
	     UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT - 1:
		return true;
	}
	return false;
}

/* Anon-inode files, by the name /proc/pid/fd shows: supported, planned. */
static const char * const cr_anon_supported[] = {
	"[eventfd]", "[signalfd]", "[timerfd]", "[eventpoll]",
};

static const char * const cr_anon_not_yet[] = {
	"inotify",
};

static enum cr_support cr_anon_support(const struct file *file)
{
	const char *name = file->f_path.dentry->d_name.name;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cr_anon_supported); i++)
		if (!strcmp(name, cr_anon_supported[i]))
			return CR_SUPPORTED;
	for (i = 0; i < ARRAY_SIZE(cr_anon_not_yet); i++)
		if (!strcmp(name, cr_anon_not_yet[i]))
			return CR_NOT_YET;
	return CR_UNSUPPORTED;
}

static const char * const cr_af_names[AF_MAX] = {
	[AF_UNIX] = "AF_UNIX",	   [AF_INET] = "AF_INET",
	[AF_INET6] = "AF_INET6",   [AF_NETLINK] = "AF_NETLINK",
	[AF_PACKET] = "AF_PACKET", [AF_KEY] = "AF_KEY",
	[AF_ALG] = "AF_ALG",	   [AF_VSOCK] = "AF_VSOCK",
	[AF_XDP] = "AF_XDP",	   [AF_BLUETOOTH] = "AF_BLUETOOTH",
	[AF_CAN] = "AF_CAN",	   [AF_TIPC] = "AF_TIPC",
};

static const char * const cr_sock_types[] = {
	[SOCK_STREAM] = "SOCK_STREAM", [SOCK_DGRAM] = "SOCK_DGRAM",
	[SOCK_RAW] = "SOCK_RAW",       [SOCK_RDM] = "SOCK_RDM",
	[SOCK_SEQPACKET] = "SOCK_SEQPACKET", [SOCK_PACKET] = "SOCK_PACKET",
};

/* accept() makes the file of its socket before the socket has its sock. */
static int cr_sock_family(const struct socket *sock)
{
	if (sock->sk)
		return sock->sk->sk_family;
	return sock->ops ? sock->ops->family : AF_UNSPEC;
}

static void cr_describe_socket(const struct socket *sock, char *buf)
{
	int family = cr_sock_family(sock);
	unsigned int type = sock->type;
	int n;

	if (family > AF_UNSPEC && family < AF_MAX && cr_af_names[family])
		n = scnprintf(buf, CR_WHY_LEN, "socket(%s, ", cr_af_names[family]);
	else
		n = scnprintf(buf, CR_WHY_LEN, "socket(%d, ", family);
	if (type < ARRAY_SIZE(cr_sock_types) && cr_sock_types[type])
		snprintf(buf + n, CR_WHY_LEN - n, "%s)", cr_sock_types[type]);
	else
		snprintf(buf + n, CR_WHY_LEN - n, "%u)", type);
}

/**
 * cr_file_support() - How c/r treats the kind of a file.
 * @file: The file.
 * @why: If not NULL and the kind is not supported, a CR_WHY_LEN buffer
 *	that gets the kind, as /proc/pid/fd would show it where that is
 *	clear.
 *
 * This judges only the kind. The walker refuses some instances of a
 * supported kind as well (a deleted or locked file, say).
 *
 * Context: Any context that holds a reference to @file.
 * Return: CR_SUPPORTED, CR_NOT_YET or CR_UNSUPPORTED.
 */
enum cr_support cr_file_support(const struct file *file, char *why)
{
	struct inode *inode = file_inode(file);
	enum cr_support s = CR_UNSUPPORTED;
	const char *what = NULL;

	switch (inode->i_sb->s_magic) {
	case ANON_INODE_FS_MAGIC:
		s = cr_anon_support(file);
		if (why && s != CR_SUPPORTED)
			snprintf(why, CR_WHY_LEN, "anon_inode:%s",
				 file->f_path.dentry->d_name.name);
		return s;
	case PID_FS_MAGIC:
		what = "a pidfd";
		goto out;
	case NSFS_MAGIC:
		what = "a namespace file";
		goto out;
	case SECRETMEM_MAGIC:
		what = "a memfd_secret() file";
		goto out;
	case HUGETLBFS_MAGIC:
		what = "a hugetlbfs file";
		goto out;
	case CR_MQUEUE_MAGIC:
		if (cr_file_part(file))
			return CR_SUPPORTED;	/* the walker refuses some */
		what = "a POSIX message queue";
		goto out;
	}

	switch (inode->i_mode & S_IFMT) {
	case S_IFCHR:
		/* A reader of /dev/kmsg has a position that would be lost. */
		if (cr_chrdev_supported(inode->i_rdev) &&
		    !(MINOR(inode->i_rdev) == 11 && (file->f_mode & FMODE_READ)))
			return CR_SUPPORTED;
		if (cr_chrdev_is_tty(inode->i_rdev))
			s = CR_NOT_YET;
		if (why)
			snprintf(why, CR_WHY_LEN, "character device %u:%u",
				 MAJOR(inode->i_rdev), MINOR(inode->i_rdev));
		return s;
	case S_IFBLK:
		if (why)
			snprintf(why, CR_WHY_LEN, "block device %u:%u",
				 MAJOR(inode->i_rdev), MINOR(inode->i_rdev));
		return s;
	case S_IFSOCK:
		/* A pseudo file: file_open() cannot open a socket inode. */
		if (cr_file_part(file))
			return CR_SUPPORTED;	/* the walker refuses some */
		if (why)
			cr_describe_socket(SOCKET_I(inode), why);
		return s;
	case S_IFDIR:
	case S_IFIFO:
	case S_IFREG:
		return CR_SUPPORTED;
	default:
		what = "a file of an unknown kind";
		break;
	}
out:
	if (why)
		strscpy(why, what, CR_WHY_LEN);
	return s;
}

/* Is @t in another namespace of this kind than the caller? */
static bool cr_other_mnt(struct task_struct *t)
{
	return t->nsproxy->mnt_ns != current->nsproxy->mnt_ns;
}

static bool cr_other_pid(struct task_struct *t)
{
	return task_active_pid_ns(t) != task_active_pid_ns(current) ||
	       t->nsproxy->pid_ns_for_children !=
	       current->nsproxy->pid_ns_for_children;
}

static bool cr_other_net(struct task_struct *t)
{
	return t->nsproxy->net_ns != current->nsproxy->net_ns;
}

static bool cr_other_user(struct task_struct *t)
{
	return task_cred_xxx(t, user_ns) != current_user_ns();
}

static bool cr_other_cgroup(struct task_struct *t)
{
	return t->nsproxy->cgroup_ns != current->nsproxy->cgroup_ns;
}

static bool cr_other_time(struct task_struct *t)
{
	return t->nsproxy->time_ns != current->nsproxy->time_ns ||
	       t->nsproxy->time_ns_for_children !=
	       current->nsproxy->time_ns_for_children;
}

/*
 * Namespaces. A tree may have UTS and IPC namespaces of its own, saved
 * with it. Of every other kind, its tasks must be in the caller's: a task
 * in another is refused, and one that makes another is marked, but for a
 * pid namespace, which is planned - restart() into a new one works.
 */
static const struct {
	u64			flag;
	const char		*clone;		/* the LSM's reason */
	const char		*other;		/* the walker's */
	enum cr_support		support;
	bool			(*differs)(struct task_struct *t);
} cr_namespaces[] = {
	{ CLONE_NEWUTS, "CLONE_NEWUTS", NULL, CR_SUPPORTED, NULL },
	{ CLONE_NEWIPC, "CLONE_NEWIPC", NULL, CR_SUPPORTED, NULL },
	{ CLONE_NEWPID, "CLONE_NEWPID", "is in another pid namespace",
	  CR_NOT_YET, cr_other_pid },
	{ CLONE_NEWNS, "CLONE_NEWNS", "is in another mount namespace",
	  CR_UNSUPPORTED, cr_other_mnt },
	{ CLONE_NEWNET, "CLONE_NEWNET", "is in another network namespace",
	  CR_UNSUPPORTED, cr_other_net },
	{ CLONE_NEWUSER, "CLONE_NEWUSER", "is in another user namespace",
	  CR_UNSUPPORTED, cr_other_user },
	{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "is in another cgroup namespace",
	  CR_UNSUPPORTED, cr_other_cgroup },
	{ CLONE_NEWTIME, "CLONE_NEWTIME", "is in another time namespace",
	  CR_UNSUPPORTED, cr_other_time },
};

/**
 * cr_clone_unsupported() - Does a clone() or unshare() make what c/r will
 *	never save?
 * @clone_flags: Its flags.
 *
 * Context: Any context.
 * Return: The first such namespace's flag, as "CLONE_NEWNS", or NULL.
 */
const char *cr_clone_unsupported(u64 clone_flags)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cr_namespaces); i++)
		if (cr_namespaces[i].support == CR_UNSUPPORTED &&
		    (clone_flags & cr_namespaces[i].flag))
			return cr_namespaces[i].clone;
	return NULL;
}

/**
 * cr_task_ns_unsupported() - Is a task in a namespace c/r does not save?
 * @t: The task, task_lock()ed.
 *
 * Context: Process context, the checkpointer, with @t's task_lock() held.
 * Return: Why not, as "is in another mount namespace", or NULL.
 */
const char *cr_task_ns_unsupported(struct task_struct *t)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cr_namespaces); i++)
		if (cr_namespaces[i].differs && cr_namespaces[i].differs(t))
			return cr_namespaces[i].other;
	return NULL;
}
