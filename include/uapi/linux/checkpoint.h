/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Checkpoint/restart: syscall flags and the image format.
 *
 * An image is a stream of records. Each record is a struct cr_hdr followed
 * by hdr.len bytes of payload; there is no padding between records, so an
 * image can be written to and read from a pipe or a socket. The first record
 * is CR_HEADER, the last CR_TRAILER, whose checksum covers every byte before
 * it. All integers are in the byte order of the checkpointing machine, which
 * CR_HEADER's arch field names.
 *
 * Objects that several tasks may share (an mm, an fd table, an open file)
 * are written once, the first time they are met, with an object id (objref)
 * unique in the image; later records refer to them by that id. Object ids
 * start at 1; 0 means "none".
 *
 * See Documentation/checkpoint/image-format.rst.
 */
#ifndef _UAPI_LINUX_CHECKPOINT_H
#define _UAPI_LINUX_CHECKPOINT_H

#include <linux/types.h>

/* checkpoint() flags */
#define CHECKPOINT_KILL		(1UL << 0)	/* kill the tree once saved */
/*
 * Leave the memory pages out of the image's checksum, for an image that
 * goes where corruption is caught otherwise, as a checksummed file system
 * or TCP: on a CPU without CRC32C instructions, computing the checksum
 * is slower than writing the pages. The records stay checksummed.
 */
#define CHECKPOINT_NO_PAGE_CSUM	(1UL << 1)
/*
 * Track the pages the tree writes from now on, for a later image with
 * CHECKPOINT_INCREMENTAL. Not with CHECKPOINT_KILL.
 */
#define CHECKPOINT_TRACK	(1UL << 2)
/*
 * Write only the pages written since the last image taken with
 * CHECKPOINT_TRACK, its "parent": the others are named as being in it.
 * An address space not tracked since then is written whole. Such an
 * image is restarted merged with its parents, oldest first, into one.
 */
#define CHECKPOINT_INCREMENTAL	(1UL << 3)
#define CHECKPOINT_FLAGS_ALL	(CHECKPOINT_KILL | CHECKPOINT_NO_PAGE_CSUM | \
				 CHECKPOINT_TRACK | CHECKPOINT_INCREMENTAL)

/* restart() flags */
#define RESTART_PIDS		(1UL << 0)	/* every task gets its old pid */
/*
 * The image is trusted: open its files with the restarter's credentials,
 * not the job's, as for files the job opened before it dropped its
 * privileges. Needs CAP_SYS_ADMIN.
 */
#define RESTART_TRUSTED		(1UL << 1)
#define RESTART_FLAGS_ALL	(RESTART_PIDS | RESTART_TRUSTED)

/*
 * checkpoint() returns 0 to its caller. A task restarted from an image of
 * itself, taken by checkpoint(0, ...), returns from that checkpoint() call
 * with CHECKPOINT_RESTARTED instead.
 */
#define CHECKPOINT_RESTARTED	1

#define CR_MAGIC		"LinuxCR\n"
#define CR_MAGIC_LEN		8
#define CR_VERSION		5

#define CR_PATH_MAX		4096	/* longest path, with its NUL */
#define CR_PAGES_MAX		256	/* most pages in one CR_PAGES record */

enum cr_type {
	CR_HEADER = 1,		/* struct cr_header */
	CR_CPU,			/* struct cr_cpu_x86_64 */
	CR_TREE,		/* struct cr_tree, cr_tree_task[nr_tasks] */
	CR_UTS,			/* struct cr_uts */
	CR_IPC,			/* struct cr_ipc */
	CR_SYSV_SHM,		/* struct cr_sysv_shm, then its CR_PAGES */
	CR_SYSV_SEM,		/* struct cr_sysv_sem, __u16 values[nsems] */
	CR_SYSV_MSQ,		/* struct cr_sysv_msq, then its CR_SYSV_MSG */
	CR_SYSV_MSG,		/* struct cr_sysv_msg, text */
	CR_POSIX_MQ,		/* struct cr_posix_mq, name, then CR_POSIX_MSG */
	CR_POSIX_MSG,		/* struct cr_posix_msg, text */
	CR_TASK,		/* struct cr_task */
	CR_FILE,		/* struct cr_file, path */
	CR_PIPE,		/* struct cr_pipe, path, bytes in flight */
	CR_EVENTFD,		/* struct cr_eventfd */
	CR_SIGNALFD,		/* struct cr_signalfd */
	CR_TIMERFD,		/* struct cr_timerfd */
	CR_EPOLL,		/* struct cr_epoll, cr_epoll_item[nr_items] */
	CR_SHMEM,		/* struct cr_shmem, name, then its CR_PAGES */
	CR_SHM_ATTACH,		/* struct cr_shm_attach */
	CR_SEM_UNDO,		/* struct cr_sem_undo, __s16 semadj[nsems] */
	CR_UNIX_PAIR,		/* struct cr_unix_pair, queued messages */
	CR_UNIX_SOCK,		/* struct cr_unix_sock */
	CR_DATA,		/* bytes of a deleted file, after its CR_FILE */
	CR_FDTABLE,		/* struct cr_fdtable, cr_fd[], cr_lock[] */
	CR_FS,			/* struct cr_fs, path of cwd */
	CR_SIGHAND,		/* struct cr_sighand */
	CR_SIGNAL,		/* struct cr_signal, cr_siginfo[nr_pending] */
	CR_MM,			/* struct cr_mm, __u64 auxv[nr_auxv] */
	CR_VMA,			/* struct cr_vma */
	CR_PAGES,		/* struct cr_pages, nr * page_size bytes */
	CR_THREAD,		/* struct cr_thread, cr_siginfo[nr_pending] */
	CR_REGS,		/* struct cr_regs_x86_64 */
	CR_XSTATE,		/* XSAVE buffer, standard (uncompacted) format */
	CR_TRAILER,		/* struct cr_trailer */
	CR_TYPE_MAX
};

struct cr_hdr {
	__u32	type;		/* enum cr_type */
	__u32	len;		/* bytes of payload after this header */
};

struct cr_header {
	__u8	magic[CR_MAGIC_LEN];
	__u32	version;	/* CR_VERSION */
	__u32	arch;		/* AUDIT_ARCH_* of the tasks */
	__u32	page_size;
	__u32	pad;
	__u64	flags;		/* the checkpoint() flags */
	__u64	time_ns;	/* CLOCK_REALTIME when the tasks were frozen */
	char	release[64];	/* kernel release that wrote the image */
	__u64	id;		/* random, never 0: names the image */
	__u64	parent;		/* the id of the image it adds to, or 0 */
};

/* What the x86-64 CPU that wrote the image could do. */
struct cr_cpu_x86_64 {
	__u64	xfeatures;	/* user xstate features enabled (XCR0) */
	__u32	xstate_size;	/* size of a CR_XSTATE buffer */
	__u32	vdso_size;	/* size of the vDSO text image */
	__u32	vdso_csum;	/* crc32 of the vDSO text image */
	__u32	pad;
};

#define CR_TASKS_MAX		16384	/* most tasks (threads) in an image */

struct cr_tree {
	__u32	nr_tasks;	/* tasks in the image, the root first */
	__u32	pad;
};

/*
 * A task of the tree: a process, or a thread of one. A process's threads
 * follow it, and a process comes after its parent. restart() makes each
 * task from its "creator": a thread from its process (the task with pid ==
 * its tgid), a process from its parent process. A task shares its mm,
 * files, fs and sighand either with its creator, by the same objref, or
 * not with any earlier task: then its own records define them.
 *
 * Ids are as seen in the checkpointer's pid namespace. A pgid or sid that
 * is not the pid of a process of the tree is the root's, from outside:
 * the restored tree is in the restarter's.
 */
enum cr_tree_obj {
	CR_TREE_MM,		/* the objref of its CR_MM */
	CR_TREE_FILES,		/* of its CR_FDTABLE */
	CR_TREE_FS,		/* of its CR_FS */
	CR_TREE_SIGHAND,	/* of its CR_SIGHAND */
	CR_TREE_NR_OBJS
};

/* cr_tree_task.flags */
#define CR_TREE_ZOMBIE		(1U << 0)	/* exited, not reaped */

/*
 * A zombie is a process of one thread, with no records of its own; it
 * shares every object with its parent.
 */
struct cr_tree_task {
	__s32	pid;
	__s32	tgid;		/* its process: pid for a process */
	__s32	ppid;		/* its parent process; 0 for the root */
	__s32	pgid;
	__s32	sid;
	__u32	flags;		/* CR_TREE_* */
	__u32	obj[CR_TREE_NR_OBJS];	/* by enum cr_tree_obj */
	__s32	exit_code;	/* a zombie's status, as wait() reports it */
	__s32	exit_signal;	/* a zombie's */
};

#define CR_UTS_LEN		65	/* a name with its NUL */

/*
 * The tree's UTS namespace: the checkpointer's (own == 0), or one of its
 * own, shared by all of its tasks, with these names.
 */
struct cr_uts {
	__u32	own;
	char	nodename[CR_UTS_LEN];		/* as sethostname() sets it */
	char	domainname[CR_UTS_LEN];		/* setdomainname() */
	__u8	pad[2];
};

/*
 * The tree's IPC namespace: the checkpointer's, or its own, which must
 * have the limits of a new one. restart() makes it for the root to share
 * with the others. Its SysV shared memory segments, semaphore arrays and
 * message queues follow, then its POSIX message queues.
 */
struct cr_ipc {
	__u32	own;
	__u32	nr_shm;		/* CR_SYSV_SHM records after this one */
	__u32	nr_sem;		/* CR_SYSV_SEM records after those */
	__u32	nr_msq;		/* CR_SYSV_MSQ records after those */
	__u32	nr_mq;		/* CR_POSIX_MQ records after those */
	__u32	pad;
};

/* cr_sysv_shm.flags */
#define CR_SYSV_SHM_DEST	(1U << 0)	/* IPC_RMID, still attached */
#define CR_SYSV_SHM_LOCKED	(1U << 1)	/* shmctl(SHM_LOCK) */
#define CR_SYSV_SHM_NORESERVE	(1U << 2)	/* shmget(SHM_NORESERVE) */

/*
 * A SysV shared memory segment of the tree's own IPC namespace, as
 * shmctl(IPC_STAT) tells it, then the pages that hold data, as CR_PAGES
 * records whose addr is the byte offset, ended by one with nr == 0.
 */
struct cr_sysv_shm {
	__s32	id;		/* shmid, which restart() gives it again */
	__s32	key;		/* IPC_PRIVATE once removed */
	__u32	uid;		/* owner, in the checkpointer's user ns */
	__u32	gid;
	__u32	mode;		/* permission bits */
	__u32	flags;		/* CR_SYSV_SHM_* */
	__u64	size;		/* shm_segsz */
};

/*
 * A SysV semaphore array of the tree's own IPC namespace, as
 * semctl(IPC_STAT) tells it, then its values as semctl(GETALL) does.
 */
struct cr_sysv_sem {
	__s32	id;		/* semid, which restart() gives it again */
	__s32	key;
	__u32	uid;		/* owner, in the checkpointer's user ns */
	__u32	gid;
	__u32	mode;		/* permission bits */
	__u32	nsems;		/* __u16 values after this struct */
};

/*
 * A SysV message queue of the tree's own IPC namespace, as
 * msgctl(IPC_STAT) tells it, then its messages in the order msgrcv()
 * takes them, a CR_SYSV_MSG record each.
 */
struct cr_sysv_msq {
	__s32	id;		/* msqid, which restart() gives it again */
	__s32	key;
	__u32	uid;		/* owner, in the checkpointer's user ns */
	__u32	gid;
	__u32	mode;		/* permission bits */
	__u32	nr_msgs;	/* CR_SYSV_MSG records after this one */
	__u64	qbytes;		/* msg_qbytes */
};

/* A queued message: its type, then len bytes of text. */
struct cr_sysv_msg {
	__s64	mtype;
	__u32	len;
	__u32	pad;
};

/*
 * A POSIX message queue of the tree's own IPC namespace, as mq_getattr()
 * and fstat() tell it; its name without the slash, with its NUL, follows,
 * then its messages in the order mq_receive() takes them, a CR_POSIX_MSG
 * record each.
 */
struct cr_posix_mq {
	__u32	mode;		/* permission bits */
	__u32	uid;		/* owner, in the checkpointer's user ns */
	__u32	gid;
	__u32	name_len;	/* bytes of name after this struct, with NUL */
	__s64	maxmsg;		/* mq_maxmsg */
	__s64	msgsize;	/* mq_msgsize */
	__u32	nr_msgs;	/* CR_POSIX_MSG records after this one */
	__u32	pad;
};

/* A message on a POSIX queue: its priority, then len bytes of text. */
struct cr_posix_msg {
	__u32	prio;
	__u32	len;
};

/*
 * A process's SEM_UNDO adjustments to one array of the tree's own IPC
 * namespace, which its exit would make: one record per array, after its
 * leader's CR_TASK. Its threads share them.
 */
struct cr_sem_undo {
	__s32	semid;
	__u32	nsems;		/* __s16 adjustments after this struct */
};

/* cr_shm_attach.flags */
#define CR_SHM_ATTACH_RDONLY	(1U << 0)	/* shmat(SHM_RDONLY) */

/*
 * One shmat() of a segment: what its VMAs map, in one mm or, after fork,
 * in several. It comes after the CR_MM of the first, before its VMAs.
 */
struct cr_shm_attach {
	__u32	objref;
	__s32	id;		/* the segment's */
	__u32	flags;		/* CR_SHM_ATTACH_* */
	__u32	pad;
};

struct cr_rlimit {
	__u64	cur;
	__u64	max;
};

#define CR_NLIMITS		16

/* cr_task.flags */
#define CR_TASK_NO_NEW_PRIVS	(1U << 0)

/* Credentials, as seen in the checkpointer's user namespace. */
struct cr_creds {
	__u32	uid, euid, suid, fsuid;
	__u32	gid, egid, sgid, fsgid;
	__u64	cap_inheritable, cap_permitted, cap_effective;
	__u64	cap_bset, cap_ambient;
	__u32	securebits;
	__u32	ngroups;	/* __u32 gids after struct cr_task */
};

struct cr_task {
	char	comm[16];
	__u32	personality;
	__s32	exit_signal;
	__u32	flags;		/* CR_TASK_* */
	__u32	pad;
	struct cr_creds creds;
	struct cr_rlimit rlim[CR_NLIMITS];
};

enum cr_file_kind {
	CR_FILE_REG = 1,	/* regular file, reopened by path */
	CR_FILE_CHR,		/* character device, reopened by path */
	CR_FILE_PIPE,		/* an end of a pipe(2); no path */
	CR_FILE_FIFO,		/* a FIFO, reopened by path */
	CR_FILE_DIR,		/* a directory, reopened by path */
	CR_FILE_DELETED,	/* a regular file deleted while open */
	CR_FILE_SHMEM,		/* a memfd or shared anonymous memory; no path */
	CR_FILE_MQUEUE,		/* a POSIX message queue; path: its name */
};

#define CR_DATA_MAX		(64U << 10)	/* most bytes in a CR_DATA */
#define CR_DELETED_MAX		(256ULL << 20)	/* largest deleted file */

struct cr_file {
	__u32	objref;
	__u32	kind;		/* enum cr_file_kind */
	__u32	flags;		/* O_* flags */
	__u32	mode;		/* i_mode */
	__u64	pos;		/* offset, or a directory's readdir position */
	__u64	size;		/* i_size: must match at restart for mappings */
	__s64	mtime_sec;
	__u32	mtime_nsec;
	__u32	rdev;		/* new_encode_dev() of a device's number */
	__u32	path_len;	/* bytes of path after this struct, with NUL */
	__u32	mapped;		/* mapped: size and mtime must not change */
	__u32	obj;		/* objref of the CR_PIPE of a pipe or FIFO, */
				/* or of the CR_SHMEM of a shmem file */
	__u32	pad;
};

enum cr_pipe_kind {
	CR_PIPE_ANON = 1,	/* made by pipe(2) */
	CR_PIPE_FIFO,		/* a FIFO, opened by path */
};

#define CR_PIPE_DATA_MAX	(1U << 20)	/* most bytes in flight */

/*
 * A pipe or FIFO, before the first CR_FILE of its ends, and the bytes in
 * it. All of its ends must be in the image.
 */
struct cr_pipe {
	__u32	objref;
	__u32	kind;		/* enum cr_pipe_kind */
	__u32	size;		/* capacity, as F_GETPIPE_SZ tells */
	__u32	nr_bytes;	/* bytes in flight, after the path */
	__u32	path_len;	/* a FIFO's path with its NUL; 0 for a pipe */
	__u32	pad;
};

enum cr_shmem_kind {
	CR_SHMEM_ANON = 1,	/* behind mmap(MAP_SHARED | MAP_ANONYMOUS) */
	CR_SHMEM_MEMFD,		/* made by memfd_create() */
};

/* cr_shmem.flags */
#define CR_SHMEM_NORESERVE	(1U << 0)	/* not charged to overcommit */

/*
 * The memory behind memfds and shared anonymous mappings, before the first
 * CR_FILE of it. The name (a memfd's, without "memfd:") follows, with its
 * NUL; then the pages that hold data, as CR_PAGES records whose addr is
 * the byte offset in the file, ended by one with nr == 0.
 */
struct cr_shmem {
	__u32	objref;
	__u32	kind;		/* enum cr_shmem_kind */
	__u32	flags;		/* CR_SHMEM_* */
	__u32	seals;		/* F_SEAL_*, as F_GET_SEALS tells */
	__u32	mode;		/* i_mode */
	__u32	name_len;	/* bytes of name after this struct, with NUL */
	__u64	size;		/* i_size */
};

/*
 * The anon-inode files c/r supports - eventfd, signalfd, timerfd - are
 * file objects each defined by a record of its own, as a CR_FILE defines
 * one. Each record begins with a struct cr_anon.
 */
struct cr_anon {
	__u32	objref;
	__u32	flags;		/* O_* flags: O_RDWR, O_NONBLOCK */
};

struct cr_eventfd {
	struct cr_anon anon;
	__u32	semaphore;	/* EFD_SEMAPHORE mode */
	__u32	pad;
	__u64	count;
};

struct cr_signalfd {
	struct cr_anon anon;
	__u64	mask;		/* the signals it reads: bit n - 1 for signal n */
};

/* A timer is saved as the time it had left, as TFD_TIMER_ABSTIME ones too. */
struct cr_timerfd {
	struct cr_anon anon;
	__s32	clockid;
	__u32	pad;
	__s64	value_ns;	/* time left until it expires, 0: disarmed */
	__s64	interval_ns;	/* 0: one-shot */
	__u64	ticks;		/* expirations not yet read */
};

#define CR_EPOLL_ITEMS_MAX	16384	/* most files one epoll file watches */

/* An epoll file, after the CR_FILEs of the files it watches. */
struct cr_epoll {
	struct cr_anon anon;
	__u32	nr_items;	/* struct cr_epoll_item follow */
	__u32	pad;
};

struct cr_epoll_item {
	__u32	file;		/* objref of the CR_FILE it watches */
	__s32	fd;		/* the fd that file was added as */
	__u32	events;		/* EPOLL* */
	__u32	pad;
	__u64	data;
};

#define CR_UNIX_DATA_MAX	(4U << 20)	/* most bytes queued to a socket */
#define CR_UNIX_MSGS_MAX	4096		/* most messages queued to one end */

#define CR_UNIX_ADDR_BOUND	1	/* its own, from bind() */
#define CR_UNIX_ADDR_ACCEPTED	2	/* its listener's, from accept() */

/* One AF_UNIX socket, and what it has to read. */
struct cr_unix_end {
	__u32	objref;		/* of its file; 0: not yet accepted */
	__u32	flags;		/* O_* flags: O_RDWR, O_NONBLOCK */
	__u32	shutdown;	/* 1: no more reading, 2: no more sending */
	__u32	sndbuf;		/* SO_SNDBUF, if set; 0: the default */
	__u32	rcvbuf;		/* SO_RCVBUF, if set; 0: the default */
	__s32	peer_pid;	/* SO_PEERCRED pid: a process of the tree */
	__u32	nr_msgs;	/* messages queued to it, after the record */
	__u32	nr_bytes;	/* their bytes */
	__u32	addr_kind;	/* 0: no address, or CR_UNIX_ADDR_* */
	__u32	addr_len;	/* bytes of sun_path: a path with its NUL */
	__u32	mode;		/* a path's socket file: its permissions */
	char	sun_path[108];	/* an absolute path, or "\0" and a name */
};

/*
 * Two connected AF_UNIX sockets, from socketpair(), or from connect() and
 * accept(), with both of their files, met at the first of them. The
 * messages queued to end[0], then those queued to end[1], follow: each a
 * __u32 length and its bytes. A stream's partly read message is its
 * unread part. SO_PEERCRED is the credentials of its peer_pid's process,
 * whose euid and egid it must have.
 *
 * A connection not yet accepted names its listener, written before it:
 * end[0] is the socket that called connect(), end[1] the one accept()
 * will return, which has no file yet. Connections follow their listener
 * in the order accept() takes them.
 */
struct cr_unix_pair {
	__u32	type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	__u32	listener;	/* objref of its CR_UNIX_SOCK, if not accepted */
	struct cr_unix_end end[2];
};

#define CR_UNIX_LISTENING	(1U << 0)

/*
 * An AF_UNIX socket that is not connected - made, bound or listening - or
 * a datagram socket connected to one that is not connected back. The
 * datagrams queued to a datagram socket follow, each a struct
 * cr_unix_dgram and its bytes.
 */
struct cr_unix_sock {
	__u32	type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	__u32	flags;		/* CR_UNIX_LISTENING */
	__u32	backlog;	/* of listen() */
	__u32	peer;		/* objref of the socket it sends to, or 0 */
	struct cr_unix_end end;
};

/* A datagram queued to a socket, and the address of the one that sent it. */
struct cr_unix_dgram {
	__u32	len;		/* its bytes, after this */
	__u32	addr_len;	/* bytes of sun_path; 0: an unbound sender */
	char	sun_path[108];
};

#define CR_FD_CLOEXEC		(1U << 0)

struct cr_fd {
	__s32	fd;
	__u32	flags;		/* CR_FD_* */
	__u32	file;		/* objref of the CR_FILE */
	__u32	pad;
};

enum cr_lock_kind {
	CR_LOCK_POSIX = 1,	/* fcntl(F_SETLK): the fd table's */
	CR_LOCK_OFD,		/* fcntl(F_OFD_SETLK): the open file's */
	CR_LOCK_FLOCK,		/* flock(): the open file's */
};

#define CR_FDS_MAX		(1U << 20)	/* most open files of one fd table */
#define CR_LOCKS_MAX		1024	/* most locks of one fd table */

/* A lock held, through the open file at an fd of the table. */
struct cr_lock {
	__s32	fd;
	__u32	kind;		/* enum cr_lock_kind */
	__u32	type;		/* F_RDLCK or F_WRLCK */
	__u32	pad;
	__s64	start;		/* first byte */
	__s64	end;		/* last byte; LLONG_MAX: to the end of file */
};

struct cr_fdtable {
	__u32	objref;
	__u32	nr_fds;		/* struct cr_fd follow, fds ascending */
	__u32	nr_locks;	/* then struct cr_lock */
	__u32	pad;
};

/* The cwd, then the root, as the checkpointer sees them, follow. */
struct cr_fs {
	__u32	objref;
	__u32	umask;
	__u32	path_len;	/* bytes of the cwd's path, with its NUL */
	__u32	root_len;	/* bytes of the root's path, with its NUL */
};

struct cr_sigaction {
	__u64	handler;
	__u64	flags;
	__u64	restorer;
	__u64	mask;
};

#define CR_NSIG			64

struct cr_sighand {
	__u32	objref;
	__u32	pad;
	struct cr_sigaction action[CR_NSIG];	/* signal n at [n - 1] */
};

struct cr_mm {
	__u32	objref;
	__u32	nr_vmas;	/* CR_VMA records follow, ascending */
	__u64	start_code, end_code;
	__u64	start_data, end_data;
	__u64	start_brk, brk;
	__u64	start_stack;
	__u64	arg_start, arg_end;
	__u64	env_start, env_end;
	__u64	vdso;		/* address of the vDSO text, 0: none */
	__u32	exe_file;	/* objref of the CR_FILE behind /proc/pid/exe */
	__u32	nr_auxv;	/* __u64 auxv words after this struct */
	__u32	dumpable;	/* SUID_DUMP_*, as PR_GET_DUMPABLE tells */
	__u32	parent;		/* its objref in the parent image, or 0 */
};

/* cr_vma.flags */
#define CR_VMA_GROWSDOWN	(1U << 0)
#define CR_VMA_NORESERVE	(1U << 1)
#define CR_VMA_DONTFORK		(1U << 2)	/* madvise(MADV_DONTFORK) */
#define CR_VMA_WIPEONFORK	(1U << 3)	/* madvise(MADV_WIPEONFORK) */
#define CR_VMA_DONTDUMP		(1U << 4)	/* madvise(MADV_DONTDUMP) */
#define CR_VMA_LOCKED		(1U << 5)	/* mlock() */
#define CR_VMA_LOCKONFAULT	(1U << 6)	/* mlock2(MLOCK_ONFAULT) */
#define CR_VMA_SHARED		(1U << 7)	/* MAP_SHARED; pages in the file */
#define CR_VMA_SYSV_SHM		(1U << 8)	/* shmat(); file: a CR_SHM_ATTACH */

struct cr_vma {
	__u64	start;
	__u64	end;
	__u64	pgoff;		/* in pages, for file mappings */
	__u32	prot;		/* PROT_* */
	__u32	flags;		/* CR_VMA_* */
	__u32	file;		/* objref of the CR_FILE, 0: anonymous */
	__u32	pad;
};

/*
 * Private pages of the mm, after all of its VMAs. Pages not written are
 * zero (anonymous memory) or come from the mapped file. A record with
 * nr == 0 ends the list.
 */
/* cr_pages.flags */
#define CR_PAGES_PARENT		(1U << 0)	/* as in the parent: no data */

/*
 * nr pages at addr, or, in an incremental image, nr pages that are as the
 * parent image has them: each of those either in the parent's own
 * CR_PAGES of this mm (cr_mm.parent), or left out of it (zero).
 */
struct cr_pages {
	__u64	addr;
	__u32	nr;
	__u32	flags;		/* CR_PAGES_* */
};

/* cr_thread.restart kinds: what restart_syscall() goes on with */
enum cr_restart_kind {
	CR_RESTART_NONE = 0,
	CR_RESTART_NANOSLEEP,	/* a relative nanosleep() or clock_nanosleep() */
	CR_RESTART_POLL,	/* poll() */
	CR_RESTART_FUTEX,	/* futex(FUTEX_WAIT*) with a timeout */
};

#define CR_FUTEX_SHARED		(1U << 0)	/* not FUTEX_PRIVATE_FLAG */

struct cr_restart_block {
	__u32	kind;		/* enum cr_restart_kind */
	__s32	clockid;	/* nanosleep, futex: the timeout's clock */
	__s64	remaining_ns;	/* time left at checkpoint; poll: -1, none */
	__u64	uaddr;		/* nanosleep: the remaining time's, or 0; */
				/* poll: the pollfd array's; futex: its */
	__u32	nfds;		/* poll: entries in the array */
	__u32	val;		/* futex: the value waited on */
	__u32	bitset;		/* futex */
	__u32	flags;		/* futex: CR_FUTEX_* */
};

/*
 * A pending signal: a siginfo_t as rt_tgsigqueueinfo() takes it, in the
 * order the signals were queued. A standard signal pending without a
 * queued siginfo is saved as SI_USER from pid 0, as it would be delivered.
 */
struct cr_siginfo {
	__u64	raw[16];
};

/* cr_thread.sched_flags */
#define CR_SCHED_RESET_ON_FORK	(1U << 0)

struct cr_thread {
	__s32	tid;
	__u32	nr_pending;	/* struct cr_siginfo follow */
	__u64	blocked;	/* blocked signals, bit n - 1 for signal n */
	__u64	saved_sigmask;	/* blocked to restore after sigsuspend() */
	__u32	restore_sigmask;
	__u32	pad3;
	__u64	sas_ss_sp;	/* sigaltstack */
	__u64	sas_ss_size;
	__u32	sas_ss_flags;
	__u32	rseq_len;	/* rseq registration; 0: none */
	__u64	rseq;
	__u32	rseq_sig;
	__u32	pad2;
	__u64	clear_child_tid;
	__u64	robust_list;
	__u64	robust_list_len;
	struct cr_restart_block restart;
	__u32	sched_policy;	/* SCHED_NORMAL, _BATCH, _IDLE, _FIFO, _RR */
	__s32	sched_nice;
	__u32	sched_priority;	/* of a real-time policy */
	__u32	sched_flags;	/* CR_SCHED_* */
	__u64	timer_slack_ns;
	__s32	pdeath_signal;
	__u32	pad4;
};

/*
 * x86-64 general registers in struct user_regs_struct order. They are saved
 * as the task had them on its way back to user space, before the kernel
 * handled a pending signal or restarted an interrupted syscall, so restart
 * finishes that work exactly as the original task would have.
 */
struct cr_regs_x86_64 {
	__u64	r15, r14, r13, r12, bp, bx, r11, r10;
	__u64	r9, r8, ax, cx, dx, si, di, orig_ax;
	__u64	ip, cs, flags, sp, ss, fs_base, gs_base;
	__u64	ds, es, fs, gs;
};

struct cr_itimer {
	__u64	value_ns;	/* time left; 0: disarmed */
	__u64	interval_ns;
};

/* cr_signal.flags */
#define CR_SIGNAL_CHILD_SUBREAPER	(1U << 0)

/*
 * The process-wide signal state, after the process's threads: the
 * interval timers (alarm() is ITIMER_REAL) and the signals pending for
 * the whole process. A timer goes on at restart with the time it had
 * left; the time between checkpoint and restart does not count.
 */
#define CR_TIMERS_MAX		1024	/* most POSIX timers of a process */

/*
 * A POSIX timer (timer_create()) on CLOCK_REALTIME, _MONOTONIC, _BOOTTIME
 * or _TAI, saved as the time it had left, as itimers are.
 */
struct cr_posix_timer {
	__s32	id;		/* its timer_t */
	__s32	clockid;
	__s32	notify;		/* SIGEV_SIGNAL, SIGEV_THREAD, or */
				/* SIGEV_SIGNAL | SIGEV_THREAD_ID */
	__s32	signo;
	__u64	value;		/* sigev_value */
	__u64	value_ns;	/* time left; 0: disarmed */
	__u64	interval_ns;
	__s64	overrun_last;	/* as timer_getoverrun() tells */
	__s32	tid;		/* SIGEV_THREAD_ID: the thread it signals */
	__u32	pad;
};

struct cr_signal {
	struct cr_itimer itimer[3];	/* ITIMER_REAL, _VIRTUAL, _PROF */
	__u32	flags;		/* CR_SIGNAL_* */
	__u32	nr_pending;	/* struct cr_siginfo follow */
	__u32	nr_timers;	/* then struct cr_posix_timer, ids ascending */
	__u32	next_timer_id;	/* the id timer_create() tries first */
};

struct cr_trailer {
	__u32	csum;		/* crc32c of every byte before this record */
	__u32	pad;
	__u64	size;		/* bytes before this record */
};

#endif /* _UAPI_LINUX_CHECKPOINT_H */
