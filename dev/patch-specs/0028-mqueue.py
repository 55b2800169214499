NAME = "0028-mqueue-let-checkpoint-read-queues-and-restart-make-them-again"
SUBJECT = "mqueue: let checkpoint read queues and restart make them again"
BODY = """
checkpoint() saves the POSIX message queues of an IPC namespace that the
checkpointed tree has to itself, with their messages, and restart()
makes them again in the new namespace. That takes four helpers from
ipc/mqueue.c:

- mq_get_attr() tells a queue's attributes, and whether a process asked
  for a notification;
- mq_get_message() copies a queued message, its priority and its text,
  into a kernel buffer, in the order mq_receive() takes them;
- mq_create_kernel() makes a queue in the current IPC namespace, as
  mq_open(O_CREAT | O_EXCL) does, with the same checks, without opening
  it;
- mq_send_kernel() queues a message from a kernel buffer on a queue that
  nobody waits on yet, as mq_send() with O_NONBLOCK would.
"""
AFTER = ["0027-msg.py"]
FUNCS = """#ifdef CONFIG_CHECKPOINT
/**
 * mq_get_attr - a queue's attributes, for checkpoint
 * @inode: the queue's inode
 * @attr: set to its attributes, as mq_getattr() tells them
 *
 * Return: true if a process asked for a notification with mq_notify().
 */
bool mq_get_attr(struct inode *inode, struct mq_attr *attr)
{
\tstruct mqueue_inode_info *info = MQUEUE_I(inode);
\tbool notify;

\tspin_lock(&info->lock);
\t*attr = info->attr;
\tnotify = info->notify_owner;
\tspin_unlock(&info->lock);
\treturn notify;
}

/**
 * mq_get_message - a copy of a queued message, for checkpoint
 * @inode: the queue's inode
 * @n: which message, from 0, in the order mq_receive() takes them
 * @prio: set to its priority
 * @text: set to its text
 * @max: room in @text
 *
 * Return: the length of the text, -ENOENT if the queue has no more
 * messages, or -E2BIG if the text does not fit.
 */
long mq_get_message(struct inode *inode, int n, unsigned int *prio,
\t\t    void *text, size_t max)
{
\tstruct mqueue_inode_info *info = MQUEUE_I(inode);
\tstruct posix_msg_tree_node *leaf;
\tstruct rb_node *node;
\tstruct msg_msg *msg;
\tlong ret = -ENOENT;

\tspin_lock(&info->lock);
\tfor (node = info->msg_tree_rightmost; node; node = rb_prev(node)) {
\t\tleaf = rb_entry(node, struct posix_msg_tree_node, rb_node);
\t\tlist_for_each_entry(msg, &leaf->msg_list, m_list) {
\t\t\tif (n--)
\t\t\t\tcontinue;
\t\t\tif (msg->m_ts > max) {
\t\t\t\tret = -E2BIG;
\t\t\t} else {
\t\t\t\t*prio = msg->m_type;
\t\t\t\tmsg_read_text(text, msg, msg->m_ts);
\t\t\t\tret = msg->m_ts;
\t\t\t}
\t\t\tgoto out;
\t\t}
\t}
out:
\tspin_unlock(&info->lock);
\treturn ret;
}

/**
 * mq_create_kernel - make a queue, for restart
 * @name: its name, without the leading slash
 * @mode: its permission bits
 * @attr: its mq_maxmsg and mq_msgsize
 *
 * In the current IPC namespace, as mq_open(O_CREAT | O_EXCL) would, but
 * without opening it.
 *
 * Return: 0 or an error.
 */
int mq_create_kernel(const char *name, umode_t mode, struct mq_attr *attr)
{
\tstruct vfsmount *mnt = current->nsproxy->ipc_ns->mq_mnt;
\tstruct dentry *root = mnt->mnt_root, *dentry;
\tint err;

\terr = mnt_want_write(mnt);
\tif (err)
\t\treturn err;
\tinode_lock(d_inode(root));
\tdentry = lookup_one_len(name, root, strlen(name));
\tif (IS_ERR(dentry)) {
\t\terr = PTR_ERR(dentry);
\t} else {
\t\terr = d_really_is_positive(dentry) ? -EEXIST :
\t\t      vfs_mkobj(dentry, mode, mqueue_create_attr, attr);
\t\tdput(dentry);
\t}
\tinode_unlock(d_inode(root));
\tmnt_drop_write(mnt);
\treturn err;
}

/**
 * mq_send_kernel - queue a message from a kernel buffer, for restart
 * @inode: the queue's inode, of a queue that nobody waits on
 * @prio: the message's priority
 * @text: its text
 * @len: its length
 *
 * As mq_send() with O_NONBLOCK would.
 *
 * Return: 0 or an error.
 */
int mq_send_kernel(struct inode *inode, unsigned int prio, const void *text,
\t\t   size_t len)
{
\tstruct mqueue_inode_info *info = MQUEUE_I(inode);
\tstruct posix_msg_tree_node *new_leaf;
\tstruct msg_msg *msg;
\tint ret;

\tif (prio >= MQ_PRIO_MAX)
\t\treturn -EINVAL;
\tif (len > info->attr.mq_msgsize)
\t\treturn -EMSGSIZE;
\tmsg = load_msg_kernel(text, len);
\tif (IS_ERR(msg))
\t\treturn PTR_ERR(msg);
\tmsg->m_type = prio;
\tmsg->m_ts = len;
\tnew_leaf = kmalloc(sizeof(*new_leaf), GFP_KERNEL);

\tspin_lock(&info->lock);
\tif (!info->node_cache && new_leaf) {
\t\tINIT_LIST_HEAD(&new_leaf->msg_list);
\t\tinfo->node_cache = new_leaf;
\t\tnew_leaf = NULL;
\t}
\tif (info->attr.mq_curmsgs == info->attr.mq_maxmsg)
\t\tret = -EAGAIN;
\telse
\t\tret = msg_insert(msg, info);
\tspin_unlock(&info->lock);

\tkfree(new_leaf);
\tif (ret)
\t\tfree_msg(msg);
\treturn ret;
}
#endif

"""
DECLS = """#ifdef CONFIG_POSIX_MQUEUE
extern int mq_init_ns(struct ipc_namespace *ns);
#ifdef CONFIG_CHECKPOINT
struct mq_attr;

bool mq_get_attr(struct inode *inode, struct mq_attr *attr);
long mq_get_message(struct inode *inode, int n, unsigned int *prio,
\t\t    void *text, size_t max);
int mq_create_kernel(const char *name, umode_t mode, struct mq_attr *attr);
int mq_send_kernel(struct inode *inode, unsigned int prio, const void *text,
\t\t   size_t len);
#endif
"""
EDITS = [
    ("ipc/mqueue.c",
     "SYSCALL_DEFINE4(mq_open, const char __user *, u_name, int, oflag, umode_t, mode,\n",
     FUNCS + "SYSCALL_DEFINE4(mq_open, const char __user *, u_name, int, oflag, umode_t, mode,\n"),
    ("include/linux/ipc_namespace.h",
     "#ifdef CONFIG_POSIX_MQUEUE\nextern int mq_init_ns(struct ipc_namespace *ns);\n",
     DECLS),
]
