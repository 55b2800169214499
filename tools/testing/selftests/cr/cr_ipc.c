// SPDX-License-Identifier: GPL-2.0
/*
 * SysV IPC in an IPC namespace of the tree's own: shared memory segments,
 * attached or not, removed while attached, with their ids, keys, owners,
 * modes and pages, and their attachments, shared after fork, split by
 * mprotect() and read-only; semaphore arrays with their values, a process
 * waiting in semop(), and SEM_UNDO adjustments of a process and its
 * thread; message queues with their messages and sizes, and a process
 * waiting in msgrcv(). POSIX message queues, open or not, with their
 * attributes and messages, and a process waiting in mq_receive().
 */
#define _GNU_SOURCE
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include "../kselftest_harness.h"
#include "cr_util.h"

#define PAGE		4096
#define A_SIZE		(3 * PAGE + 100)

/* Files a tree's root waits on, besides go. */
struct ipc_files {
	char done[80];		/* the test has looked from outside */
	char step[80];		/* the root has looked, for the tasks that wait */
};

/* What the root saw before checkpoint, to compare with after restart. */
struct shm_seen {
	int id;
	struct shmid_ds ds;
};

static int shm_stat(int id, struct shm_seen *s)
{
	s->id = id;
	return shmctl(id, IPC_STAT, &s->ds);
}

/* The same segment: id, key, owner, mode, size and attachments. */
static int shm_same(const struct shm_seen *s, int id)
{
	struct shm_seen now;

	return shm_stat(id, &now) || now.id != s->id ||
	       now.ds.shm_perm.__key != s->ds.shm_perm.__key ||
	       now.ds.shm_perm.uid != s->ds.shm_perm.uid ||
	       now.ds.shm_perm.gid != s->ds.shm_perm.gid ||
	       now.ds.shm_perm.mode != s->ds.shm_perm.mode ||
	       now.ds.shm_segsz != s->ds.shm_segsz ||
	       now.ds.shm_nattch != s->ds.shm_nattch;
}

static void fill(char *p, size_t len, char c)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = c + i % 23;
}

/* Bytes @from to @len of @p as fill() left them. */
static int filled(const char *p, size_t from, size_t len, char c)
{
	size_t i;

	for (i = from; i < len; i++)
		if (p[i] != (char)(c + i % 23))
			return 0;
	return 1;
}

static int zero(const char *p, size_t len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

/*
 * The root, in its own IPC namespace:
 * - A, with a key and mode 0640: page 0 and the tail filled, page 1 a
 *   hole, page 2 filled; attached read-write with its middle page made
 *   read-only, and attached again read-only;
 * - B, private, attached and removed;
 * - C, private, filled, detached and given to another owner.
 * Its child inherits the attachments and writes to A after restart.
 * Returns 201 on and up if it cannot set up, else a bit for each check
 * that fails after restart.
 */
static int shm_root(const char *go, key_t key, const struct ipc_files *p)
{
	struct shm_seen a, b, c;
	char *pa, *ra, *pb, *pc;
	int ida, idb, idc, bad = 0;
	pid_t g;

	ida = shmget(key, A_SIZE, IPC_CREAT | IPC_EXCL | 0640);
	idb = shmget(IPC_PRIVATE, 2 * PAGE, IPC_CREAT | 0600);
	idc = shmget(IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
	if (ida < 0 || idb < 0 || idc < 0)
		return 201;
	pa = shmat(ida, NULL, 0);
	ra = shmat(ida, NULL, SHM_RDONLY);
	pb = shmat(idb, NULL, 0);
	pc = shmat(idc, NULL, 0);
	if (pa == (void *)-1 || ra == (void *)-1 || pb == (void *)-1 ||
	    pc == (void *)-1)
		return 202;
	fill(pa, PAGE, 'a');
	fill(pa + 2 * PAGE, A_SIZE - 2 * PAGE, 'A');
	fill(pb, 2 * PAGE, 'b');
	fill(pc, PAGE, 'c');
	if (mprotect(pa + PAGE, PAGE, PROT_READ) || shmdt(pc) ||
	    shmctl(idb, IPC_RMID, NULL))
		return 203;
	/* C given away, as its owner may. */
	if (shm_stat(idc, &c))
		return 204;
	c.ds.shm_perm.uid = 1234;
	c.ds.shm_perm.gid = 5678;
	c.ds.shm_perm.mode = 0604;
	if (shmctl(idc, IPC_SET, &c.ds))
		return 205;

	g = fork();
	if (!g) {
		cr_await(go);
		/* Seen by the root through its own attachment. */
		pa[2 * PAGE] = 'G';
		/* Attached until the root has counted the attachments. */
		cr_await(p->step);
		_exit(0);
	}
	if (shm_stat(ida, &a) || shm_stat(idb, &b) || shm_stat(idc, &c))
		return 206;
	cr_wait_go(go);

	/* B was removed, C given away, before; both still are. */
	if (shm_same(&a, ida))
		bad |= 1 << 0;
	if (shm_same(&b, idb) || !(b.ds.shm_perm.mode & SHM_DEST) ||
	    b.ds.shm_perm.__key)
		bad |= 1 << 1;
	if (shm_same(&c, idc) || c.ds.shm_perm.uid != 1234)
		bad |= 1 << 7;
	close(open(p->step, O_WRONLY | O_CREAT, 0600));
	/* The child may have written A's byte 2 * PAGE already. */
	if (!filled(pa, 0, PAGE, 'a') || !zero(pa + PAGE, PAGE) ||
	    !filled(ra + 2 * PAGE, 1, A_SIZE - 2 * PAGE, 'A') ||
	    !filled(pb, 0, 2 * PAGE, 'b'))
		bad |= 1 << 2;
	pc = shmat(idc, NULL, SHM_RDONLY);
	if (pc == (void *)-1 || !filled(pc, 0, PAGE, 'c'))
		bad |= 1 << 3;
	/* Read-only as before: the page, and the read-only attachment. */
	if (!mprotect(ra, PAGE, PROT_READ | PROT_WRITE) || errno != EACCES ||
	    mprotect(pa + PAGE, PAGE, PROT_READ | PROT_WRITE))
		bad |= 1 << 4;
	if (waitpid(g, NULL, 0) != g || pa[2 * PAGE] != 'G' ||
	    ra[2 * PAGE] != 'G')
		bad |= 1 << 5;
	/* shmdt() takes all three VMAs of the first attachment. */
	if (shmdt(pa) || shm_stat(ida, &a) || a.ds.shm_nattch != 1)
		bad |= 1 << 6;
	cr_await(p->done);
	return bad;
}

/*
 * Run @root, which returns a bit for each check that fails, in a child
 * with an IPC namespace of its own; checkpoint and restart its tree in the
 * middle, and check that the namespace's objects, under @key, are not in
 * the test's.
 */
static void run_in_own_ipc(struct __test_metadata *_metadata, const char *tag,
			   key_t key,
			   int (*root)(const char *go, key_t key,
				       const struct ipc_files *p))
{
	struct ipc_files p;
	struct cr_files f;
	pid_t child, restored;
	int status;

	cr_be_subreaper();
	cr_files_init(&f, tag);
	snprintf(p.done, sizeof(p.done), "%s.done", f.go);
	snprintf(p.step, sizeof(p.step), "%s.step", f.go);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		cr_child_init();
		if (unshare(CLONE_NEWIPC))
			_exit(2);
		_exit(root(f.go, key, &p));
	}
	ASSERT_EQ(cr_wait_child_ready(f.go, child, &status), 0)
		TH_LOG("child: %d", WEXITSTATUS(status));
	restored = cr_checkpoint_restart_tree(&f, child, RESTART_PIDS);
	ASSERT_EQ(restored, child) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(shmget(key, 0, 0), -1);
	EXPECT_EQ(semget(key, 0, 0), -1);
	EXPECT_EQ(msgget(key, 0), -1);
	close(open(p.done, O_WRONLY | O_CREAT, 0600));
	EXPECT_EQ(cr_wait_exit(restored), 0);
	unlink(p.done);
	unlink(p.step);
	cr_files_fini(&f);
}

TEST(sysv_shm_comes_back)
{
	run_in_own_ipc(_metadata, "shm", 0x43530000 + (getpid() & 0xffff),
		       shm_root);
}

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* Until @cond holds, for at most five seconds; @cond is evaluated again and again. */
#define WAIT_FOR(cond) ({						\
	int __i = 0, __ok;						\
	while (!(__ok = (cond)) && __i++ < 500)				\
		usleep(10000);						\
	__ok;								\
})

/* The same array: key, owner, mode and size. */
static int sem_same(int id, const struct semid_ds *before)
{
	struct semid_ds now;
	union semun arg = { .buf = &now };

	return semctl(id, 0, IPC_STAT, arg) ||
	       now.sem_perm.__key != before->sem_perm.__key ||
	       now.sem_perm.uid != before->sem_perm.uid ||
	       now.sem_perm.gid != before->sem_perm.gid ||
	       now.sem_perm.mode != before->sem_perm.mode ||
	       now.sem_nsems != before->sem_nsems;
}

static struct {
	const char *step;	/* the thread's go */
	int id;
	pid_t tid;
} undo;

static void *undo_thread(void *arg)
{
	struct sembuf op = { 2, -1, SEM_UNDO };

	cr_await(undo.step);
	undo.tid = gettid();
	return (void *)(long)semop(undo.id, &op, 1);
}

/*
 * A process that takes 2 from semaphore 1 with SEM_UNDO before checkpoint,
 * and whose thread takes 1 from semaphore 2 after restart, once @step
 * exists, then exits.
 */
static int sem_undoer(const char *go, const char *step, int id)
{
	struct sembuf op = { 1, -2, SEM_UNDO };
	char task[64];
	pthread_t t;
	void *ret;

	undo.step = step;
	undo.id = id;
	if (semop(id, &op, 1) || pthread_create(&t, NULL, undo_thread, NULL))
		return 1;
	cr_await(go);
	if (pthread_join(t, &ret) || ret)
		return 2;
	/* Gone for good: past exit_sem(), which comes after the join. */
	snprintf(task, sizeof(task), "/proc/self/task/%d", undo.tid);
	if (!WAIT_FOR(access(task, F_OK)))
		return 3;
	/* Its exit undid nothing: the adjustments are the process's. */
	return semctl(id, 2, GETVAL) == 32766 ? 0 : 4;
}

/*
 * The root, in its own IPC namespace: A, with a key and mode 0640, at 0,
 * 5 and SEMVMX; B, private, given to another owner; a child that waits in
 * semop() for A's first semaphore, through checkpoint and restart; and a
 * child with SEM_UNDO adjustments to A, undone when it exits after restart.
 * Returns 201 on and up if it cannot set up, else a bit for each check
 * that fails after restart.
 */
static int sem_root(const char *go, key_t key, const struct ipc_files *p)
{
	unsigned short vals[3] = { 0, 5, 32767 }, before[3], now[3];
	struct sembuf take5 = { 1, -5, IPC_NOWAIT }, give = { 0, 1, 0 };
	struct semid_ds da, db;
	union semun arg;
	int ida, idb, status, bad = 0;
	pid_t g, u;

	ida = semget(key, 3, IPC_CREAT | IPC_EXCL | 0640);
	idb = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	arg.array = vals;
	if (ida < 0 || idb < 0 || semctl(ida, 0, SETALL, arg))
		return 201;
	arg.buf = &db;
	if (semctl(idb, 0, IPC_STAT, arg))
		return 202;
	db.sem_perm.uid = 1234;
	db.sem_perm.gid = 5678;
	db.sem_perm.mode = 0604;
	if (semctl(idb, 0, IPC_SET, arg))
		return 203;
	arg.buf = &da;
	if (semctl(ida, 0, IPC_STAT, arg))
		return 204;
	g = fork();
	if (!g) {
		struct sembuf take = { 0, -1, 0 };

		/* No EINTR: the wait goes on after checkpoint and restart. */
		_exit(semop(ida, &take, 1) ? 1 : 0);
	}
	u = fork();
	if (!u)
		_exit(sem_undoer(go, p->step, ida));
	arg.array = before;
	if (!WAIT_FOR(semctl(ida, 0, GETNCNT) == 1) ||
	    !WAIT_FOR(semctl(ida, 1, GETVAL) == 3) ||
	    semctl(ida, 0, GETALL, arg))
		return 205;
	cr_wait_go(go);

	arg.array = now;
	if (sem_same(ida, &da) || semctl(ida, 0, GETALL, arg) ||
	    memcmp(now, before, sizeof(before)))
		bad |= 1 << 0;
	if (sem_same(idb, &db) || semctl(idb, 0, GETVAL) != 0)
		bad |= 1 << 1;
	close(open(p->step, O_WRONLY | O_CREAT, 0600));
	/* The child waits again, and takes what is given. */
	if (!WAIT_FOR(semctl(ida, 0, GETNCNT) == 1) || semop(ida, &give, 1) ||
	    waitpid(g, &status, 0) != g || status ||
	    semctl(ida, 0, GETVAL) != 0)
		bad |= 1 << 2;
	/* Its exit gives back what the undoer and its thread took. */
	if (waitpid(u, &status, 0) != u || status)
		bad |= 1 << 4;
	arg.array = now;
	if (semctl(ida, 0, GETALL, arg) || memcmp(now, vals, sizeof(vals)))
		bad |= 1 << 5;
	if (semop(ida, &take5, 1) || !semop(ida, &take5, 1) || errno != EAGAIN)
		bad |= 1 << 3;
	cr_await(p->done);
	return bad;
}

TEST(sysv_sem_comes_back)
{
	run_in_own_ipc(_metadata, "sem", 0x43550000 + (getpid() & 0xffff),
		       sem_root);
}

#define MSG_BIG		8192	/* MSGMAX */

struct big_msg {
	long mtype;
	char text[MSG_BIG];
};

/* The same queue: key, owner, mode, size and messages queued. */
static int msq_same(int id, const struct msqid_ds *before)
{
	struct msqid_ds now;

	return msgctl(id, IPC_STAT, &now) ||
	       now.msg_perm.__key != before->msg_perm.__key ||
	       now.msg_perm.uid != before->msg_perm.uid ||
	       now.msg_perm.gid != before->msg_perm.gid ||
	       now.msg_perm.mode != before->msg_perm.mode ||
	       now.msg_qbytes != before->msg_qbytes ||
	       now.msg_qnum != before->msg_qnum ||
	       now.__msg_cbytes != before->__msg_cbytes;
}

/* The state letter of process @pid, as /proc/pid/stat tells it. */
static char proc_state(pid_t pid)
{
	char path[64], line[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	p = p ? strrchr(line, ')') : NULL;
	return p && p[1] == ' ' ? p[2] : 0;
}

/* The next message of @id is of type @type, @len bytes of fill(@c). */
static int msg_is(int id, long type, size_t len, char c)
{
	static struct big_msg m;
	ssize_t n = msgrcv(id, &m, sizeof(m.text), 0, IPC_NOWAIT);

	return n == (ssize_t)len && m.mtype == type &&
	       filled(m.text, 0, len, c);
}

static int msg_send(int id, long type, size_t len, char c)
{
	static struct big_msg m;

	m.mtype = type;
	fill(m.text, len, c);
	return msgsnd(id, &m, len, IPC_NOWAIT);
}

/*
 * The root, in its own IPC namespace: A, with a key and mode 0640, grown
 * to hold more than a new queue may, with two full-size messages, an empty
 * one and a short one; B, private, given away, with a message; and a child
 * that waits in msgrcv() for a type no message has yet. Returns 201 on and
 * up if it cannot set up, else a bit for each check that fails after
 * restart.
 */
static int msg_root(const char *go, key_t key, const struct ipc_files *p)
{
	struct msqid_ds da, db;
	int ida, idb, status, bad = 0;
	pid_t g;

	ida = msgget(key, IPC_CREAT | IPC_EXCL | 0640);
	idb = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (ida < 0 || idb < 0 || msgctl(ida, IPC_STAT, &da) ||
	    msgctl(idb, IPC_STAT, &db))
		return 201;
	da.msg_qbytes = 3 * MSG_BIG;
	db.msg_perm.uid = 1234;
	db.msg_perm.gid = 5678;
	db.msg_perm.mode = 0604;
	if (msgctl(ida, IPC_SET, &da) || msgctl(idb, IPC_SET, &db))
		return 202;
	if (msg_send(ida, 1, MSG_BIG, 'a') || msg_send(ida, 2, MSG_BIG, 'b') ||
	    msg_send(ida, 1, 0, 0) || msg_send(ida, 3, 5, 'c') ||
	    msg_send(idb, 7, 1, 'd'))
		return 203;
	g = fork();
	if (!g) {
		struct big_msg m;

		/* No EINTR: the wait goes on after checkpoint and restart. */
		_exit(msgrcv(ida, &m, sizeof(m.text), 9, 0) == 2 &&
		      filled(m.text, 0, 2, 'g') ? 0 : 1);
	}
	/* The child sleeps, and has nothing else to sleep in. */
	if (msgctl(ida, IPC_STAT, &da) || msgctl(idb, IPC_STAT, &db) ||
	    !WAIT_FOR(proc_state(g) == 'S'))
		return 204;
	cr_wait_go(go);

	if (msq_same(ida, &da))
		bad |= 1 << 0;
	if (msq_same(idb, &db))
		bad |= 1 << 1;
	if (!msg_is(ida, 1, MSG_BIG, 'a') || !msg_is(ida, 2, MSG_BIG, 'b') ||
	    !msg_is(ida, 1, 0, 0) || !msg_is(ida, 3, 5, 'c') ||
	    !msg_is(idb, 7, 1, 'd'))
		bad |= 1 << 2;
	if (msg_send(ida, 9, 2, 'g') || waitpid(g, &status, 0) != g || status)
		bad |= 1 << 3;
	cr_await(p->done);
	return bad;
}

TEST(sysv_msg_comes_back)
{
	run_in_own_ipc(_metadata, "msg", 0x43560000 + (getpid() & 0xffff),
		       msg_root);
}

/* The next message on @q has priority @prio and text @text, @len bytes. */
static int mq_is(mqd_t q, unsigned int prio, const char *text, size_t len)
{
	static char buf[128];
	unsigned int p;
	ssize_t n = mq_receive(q, buf, sizeof(buf), &p);

	return n == (ssize_t)len && p == prio && !memcmp(buf, text, len);
}

/*
 * The root, in its own IPC namespace: /cr-a, 5 messages of up to 100
 * bytes, given to another owner, open read-write and read-only without
 * blocking, with messages of three priorities, an empty one and a
 * full-size one; /cr-b, mode 0600,
 * with a message and no process that has it open; and a child waiting in
 * mq_receive() on the empty /cr-c.
 */
static int mq_root(const char *go, key_t key, const struct ipc_files *p)
{
	struct mq_attr attr = { .mq_maxmsg = 5, .mq_msgsize = 100 }, now;
	char big[100];
	struct stat st;
	mqd_t qa, qr, qb, qc;
	int status, bad = 0;
	pid_t g;

	fill(big, sizeof(big), 'q');
	qa = mq_open("/cr-a", O_CREAT | O_EXCL | O_RDWR, 0640, &attr);
	qb = mq_open("/cr-b", O_CREAT | O_EXCL | O_WRONLY, 0600, &attr);
	qc = mq_open("/cr-c", O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	if (qa < 0 || qb < 0 || qc < 0)
		return 201;
	if (mq_send(qa, "one", 3, 1) || mq_send(qa, "five", 4, 5) ||
	    mq_send(qa, "uno", 3, 1) || mq_send(qa, "", 0, 0) ||
	    mq_send(qa, big, sizeof(big), 5) || mq_send(qb, "b", 1, 7) ||
	    mq_close(qb) || fchown(qa, 1000, 1001))
		return 202;
	qr = mq_open("/cr-a", O_RDONLY | O_NONBLOCK);
	if (qr < 0)
		return 203;
	g = fork();
	if (!g) {
		char buf[100];

		/* No EINTR: the wait goes on after checkpoint and restart. */
		_exit(mq_receive(qc, buf, sizeof(buf), NULL) == 1 ? 0 : 1);
	}
	if (!WAIT_FOR(proc_state(g) == 'S'))
		return 204;
	cr_wait_go(go);

	if (mq_getattr(qa, &now) || now.mq_maxmsg != 5 ||
	    now.mq_msgsize != 100 || now.mq_curmsgs != 5 || now.mq_flags ||
	    mq_getattr(qr, &now) || now.mq_flags != O_NONBLOCK)
		bad |= 1 << 0;
	if (!mq_is(qr, 5, "five", 4) || !mq_is(qr, 5, big, sizeof(big)) ||
	    !mq_is(qr, 1, "one", 3) || !mq_is(qr, 1, "uno", 3) ||
	    !mq_is(qr, 0, "", 0) || mq_receive(qr, big, 100, NULL) != -1 ||
	    errno != EAGAIN)
		bad |= 1 << 1;
	qb = mq_open("/cr-b", O_RDONLY | O_NONBLOCK);
	if (qb < 0 || fstat(qb, &st) || (st.st_mode & 0777) != 0600 ||
	    !mq_is(qb, 7, "b", 1))
		bad |= 1 << 2;
	if (mq_send(qc, "c", 1, 0) || waitpid(g, &status, 0) != g || status)
		bad |= 1 << 3;
	if (fstat(qa, &st) || st.st_uid != 1000 || st.st_gid != 1001)
		bad |= 1 << 4;
	cr_await(p->done);
	return bad;
}

TEST(posix_mq_comes_back)
{
	run_in_own_ipc(_metadata, "mq", 0x43570000 + (getpid() & 0xffff),
		       mq_root);
}

/* A queue that a process asked to be notified by is refused. */
TEST(posix_mq_notify_refused)
{
	struct cr_files f;
	pid_t child;

	cr_files_init(&f, "mq-notify");
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		struct sigevent ev = {
			.sigev_notify = SIGEV_SIGNAL,
			.sigev_signo = SIGUSR1,
		};
		mqd_t q;

		cr_child_init();
		if (unshare(CLONE_NEWIPC))
			_exit(2);
		q = mq_open("/cr-n", O_CREAT | O_RDWR, 0600, NULL);
		if (q < 0 || mq_notify(q, &ev))
			_exit(3);
		cr_wait_go(f.go);
		_exit(CR_OK);
	}
	EXPECT_EQ(cr_refused(_metadata, &f, child,
			     "has an mq_notify() registration"),
		  CR_OK);
	cr_files_fini(&f);
}

/*
 * A segment that a process outside the tree also attached is refused: the
 * tree is a child of the process that made and attached it.
 */
TEST(sysv_shm_attached_outside_refused)
{
	char pidfile[80];
	struct cr_files f;
	pid_t child, inner = 0;
	FILE *pf;
	long ret;

	cr_files_init(&f, "shm-out");
	snprintf(pidfile, sizeof(pidfile), "%s.pid", f.go);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		int id;

		cr_child_init();
		if (unshare(CLONE_NEWIPC))
			_exit(2);
		id = shmget(IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
		if (id < 0 || shmat(id, NULL, 0) == (void *)-1)
			_exit(3);
		inner = fork();
		if (!inner) {
			cr_wait_go(f.go);
			_exit(CR_OK);
		}
		pf = fopen(pidfile, "w");
		if (!pf || fprintf(pf, "%d\n", inner) < 0 || fclose(pf))
			_exit(4);
		_exit(cr_wait_exit(inner));
	}
	cr_wait_ready(f.go);
	cr_await(pidfile);
	usleep(100000);
	pf = fopen(pidfile, "r");
	ASSERT_NE(pf, NULL);
	ASSERT_EQ(fscanf(pf, "%d", &inner), 1);
	fclose(pf);
	ret = sys_checkpoint(inner, f.img, CHECKPOINT_KILL, f.logfd);
	EXPECT_EQ(ret, -1);
	EXPECT_EQ(errno, EOPNOTSUPP);
	EXPECT_NE(strstr(cr_log(&f), "is attached outside the checkpointed tasks"),
		  NULL) TH_LOG("%s", cr_log(&f));
	cr_go(f.go);
	EXPECT_EQ(cr_wait_exit(child), CR_OK);
	unlink(pidfile);
	cr_files_fini(&f);
}

TEST_HARNESS_MAIN
