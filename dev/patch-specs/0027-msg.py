NAME = "0027-ipc-msg-let-checkpoint-read-message-queues-and-restart-make-them-again"
SUBJECT = "ipc/msg: let checkpoint read message queues and restart make them again"
BODY = """
checkpoint() saves the SysV message queues of an IPC namespace that the
checkpointed tree has to itself, with the messages on them, and
restart() makes them again in the new namespace, under the same ids. As
for shared memory and semaphores, that takes a few helpers:

- msg_next_queue() walks a namespace's queues, telling each as
  msgctl(MSG_STAT_ANY) does;
- msg_get_message() copies a queued message, its type and its text,
  into a kernel buffer, with msg_read_text(), store_msg() for a kernel
  destination;
- msgctl_kernel() is msgctl() on a kernel struct msqid64_ds, for IPC_SET;
- msgget_id() is msgget() that gives the new queue the id asked for;
- msgsnd_kernel() is msgsnd() of a kernel buffer, with load_msg_kernel(),
  load_msg() for a kernel source. do_msgsnd() is split for it: the part
  that queues a loaded message becomes msgsnd_msg().
"""
AFTER = ["0024-shm.py"]
UTIL = """#ifdef CONFIG_CHECKPOINT
struct msg_msg *load_msg_kernel(const void *src, size_t len);
void msg_read_text(void *dest, struct msg_msg *msg, size_t len);
#endif
"""
MSGUTIL = """#ifdef CONFIG_CHECKPOINT
/* load_msg() from a kernel buffer */
struct msg_msg *load_msg_kernel(const void *src, size_t len)
{
\tstruct msg_msg *msg;
\tstruct msg_msgseg *seg;
\tsize_t alen;
\tint err;

\tmsg = alloc_msg(len);
\tif (!msg)
\t\treturn ERR_PTR(-ENOMEM);

\talen = min(len, DATALEN_MSG);
\tmemcpy(msg + 1, src, alen);
\tfor (seg = msg->next; seg; seg = seg->next) {
\t\tlen -= alen;
\t\tsrc = (const char *)src + alen;
\t\talen = min(len, DATALEN_SEG);
\t\tmemcpy(seg + 1, src, alen);
\t}

\terr = security_msg_msg_alloc(msg);
\tif (err) {
\t\tfree_msg(msg);
\t\treturn ERR_PTR(err);
\t}
\treturn msg;
}

/* store_msg() to a kernel buffer */
void msg_read_text(void *dest, struct msg_msg *msg, size_t len)
{
\tstruct msg_msgseg *seg;
\tsize_t alen;

\talen = min(len, DATALEN_MSG);
\tmemcpy(dest, msg + 1, alen);
\tfor (seg = msg->next; seg; seg = seg->next) {
\t\tlen -= alen;
\t\tdest = (char *)dest + alen;
\t\talen = min(len, DATALEN_SEG);
\t\tmemcpy(dest, seg + 1, alen);
\t}
}
#endif

"""
SND_OLD = """static long do_msgsnd(int msqid, long mtype, void __user *mtext,
		size_t msgsz, int msgflg)
{
	struct msg_queue *msq;
	struct msg_msg *msg;
	int err;
	struct ipc_namespace *ns;
	DEFINE_WAKE_Q(wake_q);

	ns = current->nsproxy->ipc_ns;

	if (msgsz > ns->msg_ctlmax || (long) msgsz < 0 || msqid < 0)
		return -EINVAL;
	if (mtype < 1)
		return -EINVAL;

	msg = load_msg(mtext, msgsz);
	if (IS_ERR(msg))
		return PTR_ERR(msg);

	msg->m_type = mtype;
"""
SND_NEW = """/* Queue @msg, of @msgsz bytes, loaded by the caller; freed on error. */
static long msgsnd_msg(int msqid, long mtype, struct msg_msg *msg,
		       size_t msgsz, int msgflg)
{
	struct msg_queue *msq;
	int err;
	struct ipc_namespace *ns;
	DEFINE_WAKE_Q(wake_q);

	ns = current->nsproxy->ipc_ns;

	msg->m_type = mtype;
"""
SND_END_OLD = """	rcu_read_unlock();
	if (msg != NULL)
		free_msg(msg);
	return err;
}
"""
SND_END_NEW = SND_END_OLD + """
static long do_msgsnd(int msqid, long mtype, void __user *mtext,
		      size_t msgsz, int msgflg)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct msg_msg *msg;

	if (msgsz > ns->msg_ctlmax || (long)msgsz < 0 || msqid < 0)
		return -EINVAL;
	if (mtype < 1)
		return -EINVAL;

	msg = load_msg(mtext, msgsz);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return msgsnd_msg(msqid, mtype, msg, msgsz, msgflg);
}

#ifdef CONFIG_CHECKPOINT
/**
 * msg_next_queue - the first queue at or after an index, for checkpoint
 * @ns: the IPC namespace
 * @idx: the index to start at; set to the queue's
 * @ds: filled as msgctl(MSG_STAT_ANY) fills it
 *
 * Return: the queue's id, -ENOENT if there is none, or another error.
 */
int msg_next_queue(struct ipc_namespace *ns, int *idx, struct msqid64_ds *ds)
{
	int id = -ENOENT;

	down_read(&msg_ids(ns).rwsem);
	for (; *idx <= msg_ids(ns).max_idx; ++*idx) {
		id = msgctl_stat(ns, *idx, MSG_STAT_ANY, ds);
		if (id != -EINVAL)
			break;
		id = -ENOENT;
	}
	up_read(&msg_ids(ns).rwsem);
	return id;
}

/**
 * msg_get_message - a copy of a queued message, for checkpoint
 * @ns: the IPC namespace
 * @msqid: the queue's id
 * @n: which message, from 0, the first to be received
 * @mtype: set to its type
 * @text: set to its text
 * @max: room in @text
 *
 * Return: the length of the text, -ENOENT if the queue has no more
 * messages, -E2BIG if the text does not fit, or another error.
 */
long msg_get_message(struct ipc_namespace *ns, int msqid, int n, long *mtype,
		     void *text, size_t max)
{
	struct msg_queue *msq;
	struct msg_msg *msg;
	long ret = -ENOENT;

	rcu_read_lock();
	msq = msq_obtain_object_check(ns, msqid);
	if (IS_ERR(msq)) {
		rcu_read_unlock();
		return PTR_ERR(msq);
	}
	ipc_lock_object(&msq->q_perm);
	if (!ipc_valid_object(&msq->q_perm)) {
		ret = -EIDRM;
		goto out;
	}
	list_for_each_entry(msg, &msq->q_messages, m_list) {
		if (n--)
			continue;
		if (msg->m_ts > max) {
			ret = -E2BIG;
			break;
		}
		*mtype = msg->m_type;
		msg_read_text(text, msg, msg->m_ts);
		ret = msg->m_ts;
		break;
	}
out:
	ipc_unlock_object(&msq->q_perm);
	rcu_read_unlock();
	return ret;
}

/**
 * msgctl_kernel - msgctl() on a kernel buffer, for restart
 * @ns: the IPC namespace
 * @msqid: the queue's id
 * @cmd: IPC_SET or IPC_RMID
 * @ds: read as msgctl() would
 *
 * Return: what msgctl() would return.
 */
long msgctl_kernel(struct ipc_namespace *ns, int msqid, int cmd,
		   struct msqid64_ds *ds)
{
	return msgctl_down(ns, msqid, cmd, &ds->msg_perm, ds->msg_qbytes);
}

/**
 * msgget_id - msgget() that gives the new queue the id @id
 * @key: as for msgget()
 * @msgflg: as for msgget(), with IPC_CREAT and IPC_EXCL
 * @id: the id
 *
 * For restart(), in an IPC namespace that it made and in which no other
 * task runs.
 *
 * Return: @id, -EEXIST if a queue has its index, or another error.
 */
long msgget_id(key_t key, int msgflg, int id)
{
	struct ipc_ids *ids = &msg_ids(current->nsproxy->ipc_ns);
	long ret;

	if ((msgflg & (IPC_CREAT | IPC_EXCL)) != (IPC_CREAT | IPC_EXCL))
		return -EINVAL;
	ret = ipc_next_id(ids, id) ?: ksys_msgget(key, msgflg);
	ids->next_id = -1;
	return ret < 0 || ret == id ? ret : -EEXIST;
}

/**
 * msgsnd_kernel - msgsnd() of a kernel buffer, for restart
 * @msqid: the queue's id
 * @mtype: the message's type
 * @text: its text
 * @msgsz: its length
 *
 * As msgsnd() with IPC_NOWAIT.
 *
 * Return: what msgsnd() would return.
 */
long msgsnd_kernel(int msqid, long mtype, const void *text, size_t msgsz)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct msg_msg *msg;

	if (msgsz > ns->msg_ctlmax || msqid < 0 || mtype < 1)
		return -EINVAL;
	msg = load_msg_kernel(text, msgsz);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return msgsnd_msg(msqid, mtype, msg, msgsz, IPC_NOWAIT);
}
#endif
"""
HDR = """
#if defined(CONFIG_SYSVIPC) && defined(CONFIG_CHECKPOINT)
struct ipc_namespace;

int msg_next_queue(struct ipc_namespace *ns, int *idx, struct msqid64_ds *ds);
long msg_get_message(struct ipc_namespace *ns, int msqid, int n, long *mtype,
\t\t     void *text, size_t max);
long msgctl_kernel(struct ipc_namespace *ns, int msqid, int cmd,
\t\t   struct msqid64_ds *ds);
long msgget_id(key_t key, int msgflg, int id);
long msgsnd_kernel(int msqid, long mtype, const void *text, size_t msgsz);
#endif
"""
EDITS = [
    ("include/linux/msg.h", "\t/* the actual message follows immediately */\n};\n",
     "\t/* the actual message follows immediately */\n};\n" + HDR),
    ("ipc/msg.c", SND_OLD, SND_NEW),
    ("ipc/msg.c", SND_END_OLD, SND_END_NEW),
    ("ipc/util.h", "extern int store_msg(void __user *dest, struct msg_msg *msg, size_t len);\n",
     "extern int store_msg(void __user *dest, struct msg_msg *msg, size_t len);\n" + UTIL),
    ("ipc/msgutil.c", "int store_msg(void __user *dest, struct msg_msg *msg, size_t len)\n",
     MSGUTIL + "int store_msg(void __user *dest, struct msg_msg *msg, size_t len)\n"),
]
