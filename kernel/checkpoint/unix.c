// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of AF_UNIX socket pairs.
 *
 * A socketpair() is saved whole when the first of its two files is met:
 * both files get their objrefs then - the peer's ahead of its file, which
 * a later fd table or task meets - and the messages queued to each socket
 * are copied without being taken. Both files must be met in the tree, or
 * a process outside that holds one would lose its peer. restart() makes
 * the pair again with socketpair()'s checks, sends each message again
 * from the other end, takes the buffer sizes and shutdowns again, and
 * gives each socket its SO_PEERCRED back: the process that made the pair,
 * with the credentials that process is restored with.
 *
 * Sockets bound to an address, listening or connected to one, file
 * descriptors in flight and options c/r does not save are refused.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <net/af_unix.h>
#include <net/sock.h>

/* checkpoint: a socket whose file got its objref ahead, with its peer. */
struct cr_unix_peer {
	struct list_head	list;
	struct sock		*sk;
	u32			objref;
	bool			met;	/* its file is in the tree */
};

/* What a socket has set that c/r does not save, or NULL. */
static const char *cr_unix_options(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;

	if (test_bit(SOCK_PASSCRED, &sock->flags) ||
	    test_bit(SOCK_PASSPIDFD, &sock->flags) ||
	    test_bit(SOCK_PASSSEC, &sock->flags))
		return "an AF_UNIX socket with SO_PASSCRED or SO_PASSSEC";
	if (READ_ONCE(sk->sk_peek_off) >= 0 ||
	    READ_ONCE(sk->sk_rcvtimeo) != MAX_SCHEDULE_TIMEOUT ||
	    READ_ONCE(sk->sk_sndtimeo) != MAX_SCHEDULE_TIMEOUT ||
	    rcu_access_pointer(sk->sk_filter) || READ_ONCE(sk->sk_mark) ||
	    READ_ONCE(sk->sk_priority) || sock_flag(sk, SOCK_LINGER))
		return "an AF_UNIX socket with options c/r does not save";
#if IS_ENABLED(CONFIG_AF_UNIX_OOB)
	if (READ_ONCE(unix_sk(sk)->oob_skb))
		return "an AF_UNIX socket with out-of-band data";
#endif
	return NULL;
}

/* Why the socket behind @sock cannot be saved; under its state lock. */
static const char *cr_unix_unsupported(struct socket *sock)
{
	struct sock *sk = sock->sk, *peer = unix_peer(sk);

	if (sock->type != SOCK_STREAM && sock->type != SOCK_DGRAM &&
	    sock->type != SOCK_SEQPACKET)
		return "an AF_UNIX socket of another type";
	if (unix_sk(sk)->addr)
		return "a bound AF_UNIX socket (not supported yet)";
	if (!peer || unix_peer(peer) != sk)
		return "an AF_UNIX socket that is not of a socketpair()";
	if (sock_flag(peer, SOCK_DEAD))
		return "a socketpair() whose other end is closed";
	return cr_unix_options(sk);
}

/*
 * The messages queued to @sk, each a __u32 length and its bytes, in a new
 * buffer *@data. A stream's message is what is left of it to read.
 */
static const char *cr_unix_queue(struct sock *sk, struct cr_unix_end *e,
				 char **data)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	bool stream = sk->sk_type == SOCK_STREAM;
	size_t n = 0, off = 0;
	struct sk_buff *skb;
	u32 msgs = 0;

	spin_lock(&q->lock);
	skb_queue_walk(q, skb) {
		if (UNIXCB(skb).fp) {
			spin_unlock(&q->lock);
			return "an AF_UNIX socket with file descriptors in flight";
		}
		n += sizeof(u32) + skb->len - (stream ? UNIXCB(skb).consumed : 0);
		msgs++;
	}
	spin_unlock(&q->lock);
	if (n - msgs * sizeof(u32) > CR_UNIX_DATA_MAX || msgs > CR_UNIX_MSGS_MAX)
		return "an AF_UNIX socket with more than 4 MiB queued";
	e->nr_msgs = msgs;
	e->nr_bytes = n - msgs * sizeof(u32);
	if (!n)
		return NULL;
	*data = kvmalloc(n, GFP_KERNEL);
	if (!*data)
		return "an AF_UNIX socket (out of memory)";

	spin_lock(&q->lock);
	skb_queue_walk(q, skb) {
		u32 skip = stream ? UNIXCB(skb).consumed : 0;
		u32 len = skb->len - skip;

		if (off + sizeof(len) + len > n ||
		    skb_copy_bits(skb, skip, *data + off + sizeof(len), len))
			break;
		memcpy(*data + off, &len, sizeof(len));
		off += sizeof(len) + len;
	}
	spin_unlock(&q->lock);
	return off == n ? NULL : "an AF_UNIX socket whose queue changed";
}

/*
 * One end: its file's flags, shutdowns, buffer sizes, and SO_PEERCRED,
 * which must be the credentials of a process of the tree that is written
 * by now (at most @writer), as restart gives it.
 */
static const char *cr_unix_end(struct cr_ctx *ctx, struct cr_task_ctx *writer,
			       struct sock *sk, struct cr_unix_end *e)
{
	const struct cred *peer_cred, *cred;
	struct cr_task_ctx *maker;
	const char *why = NULL;

	read_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_socket && sk->sk_socket->file)
		e->flags = sk->sk_socket->file->f_flags & (O_ACCMODE | O_NONBLOCK);
	else
		why = "a socketpair() whose other end is closed";
	read_unlock_bh(&sk->sk_callback_lock);
	if (why)
		return why;
	e->shutdown = READ_ONCE(sk->sk_shutdown);
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		e->sndbuf = READ_ONCE(sk->sk_sndbuf);
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		e->rcvbuf = READ_ONCE(sk->sk_rcvbuf);

	spin_lock(&sk->sk_peer_lock);
	e->peer_pid = pid_vnr(sk->sk_peer_pid);
	peer_cred = get_cred(sk->sk_peer_cred);
	spin_unlock(&sk->sk_peer_lock);
	maker = cr_tree_find(ctx, e->peer_pid);
	if (!maker || maker->index > writer->index ||
	    maker->tt.pid != maker->tt.tgid ||
	    (maker->tt.flags & CR_TREE_ZOMBIE)) {
		why = "a socketpair() made by a process outside the tree, or after";
	} else {
		cred = get_task_cred(maker->task);
		if (!uid_eq(cred->euid, peer_cred->euid) ||
		    !gid_eq(cred->egid, peer_cred->egid))
			why = "a socketpair() made with other credentials";
		put_cred(cred);
	}
	put_cred(peer_cred);
	return why ?: cr_unix_options(sk);
}

static int cr_unix_write_pair(struct cr_ctx *ctx, struct cr_task_ctx *writer,
			      struct file *file, struct sock *sk,
			      struct sock *peer, u32 *objref)
{
	struct cr_unix_pair rec = { .type = sk->sk_type };
	struct cr_hdr hdr = { .type = CR_UNIX_PAIR };
	char *data[2] = {};
	struct cr_unix_peer *p;
	const char *why;
	int err;

	why = cr_unix_end(ctx, writer, sk, &rec.end[0]) ?:
	      cr_unix_end(ctx, writer, peer, &rec.end[1]) ?:
	      cr_unix_queue(sk, &rec.end[0], &data[0]) ?:
	      cr_unix_queue(peer, &rec.end[1], &data[1]);
	if (why) {
		err = cr_err(ctx, -EOPNOTSUPP, "pid %d has %s open (not supported)",
			     writer->tt.pid, why);
		goto out;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	p->sk = peer;
	list_add_tail(&p->list, &ctx->unix_peers);
	hdr.len = sizeof(rec);
	hdr.len += rec.end[0].nr_msgs * sizeof(u32) + rec.end[0].nr_bytes;
	hdr.len += rec.end[1].nr_msgs * sizeof(u32) + rec.end[1].nr_bytes;
	err = cr_obj_add(ctx, file, CR_OBJ_FILE, &rec.end[0].objref) ?:
	      cr_obj_add(ctx, peer, CR_OBJ_SOCK, &rec.end[1].objref);
	p->objref = rec.end[1].objref;
	*objref = rec.end[0].objref;
	err = err ?: cr_write(ctx, &hdr, sizeof(hdr)) ?:
	      cr_write(ctx, &rec, sizeof(rec)) ?:
	      cr_write(ctx, data[0], rec.end[0].nr_msgs * sizeof(u32) +
				     rec.end[0].nr_bytes) ?:
	      cr_write(ctx, data[1], rec.end[1].nr_msgs * sizeof(u32) +
				     rec.end[1].nr_bytes);
out:
	kvfree(data[0]);
	kvfree(data[1]);
	return err;
}

/*
 * checkpoint: write the pair of socket @file, by @t, unless its objref
 * was given ahead with its peer's.
 */
int cr_write_unix(struct cr_ctx *ctx, struct task_struct *t,
		  struct file *file, u32 *objref)
{
	struct cr_task_ctx *writer = cr_tree_find(ctx, task_pid_vnr(t));
	struct socket *sock = sock_from_file(file);
	struct sock *sk = sock->sk, *peer = NULL;
	struct cr_unix_peer *p;
	const char *why;
	int err;

	list_for_each_entry(p, &ctx->unix_peers, list) {
		if (p->sk == sk) {
			p->met = true;
			*objref = p->objref;
			return cr_obj_add_as(ctx, file, CR_OBJ_FILE, p->objref);
		}
	}
	if (!writer)
		return -ESRCH;
	unix_state_lock(sk);
	why = cr_unix_unsupported(sock);
	if (!why) {
		peer = unix_peer(sk);
		sock_hold(peer);
	}
	unix_state_unlock(sk);
	if (why)
		return cr_err(ctx, -EOPNOTSUPP, "pid %d has %s open (not supported)",
			      task_pid_vnr(t), why);
	err = cr_unix_write_pair(ctx, writer, file, sk, peer, objref);
	sock_put(peer);
	return err;
}

/* Once every task is written: both ends of each pair are in the tree. */
int cr_check_unix(struct cr_ctx *ctx)
{
	struct cr_unix_peer *p;

	list_for_each_entry(p, &ctx->unix_peers, list)
		if (!p->met)
			return cr_err(ctx, -EOPNOTSUPP,
				      "a socketpair() has an end open outside the checkpointed tasks (not supported)");
	return 0;
}

void cr_release_unix(struct cr_ctx *ctx)
{
	struct cr_unix_peer *p, *tmp;

	list_for_each_entry_safe(p, tmp, &ctx->unix_peers, list)
		kfree(p);
}

/* restart: @sk's SO_PEERCRED, as socketpair() sets it, for another task. */
static void cr_unix_set_peercred(struct sock *sk, struct pid *pid,
				 const struct cred *cred)
{
	const struct cred *old_cred;
	struct pid *old_pid;

	spin_lock(&sk->sk_peer_lock);
	old_pid = sk->sk_peer_pid;
	old_cred = sk->sk_peer_cred;
	sk->sk_peer_pid = get_pid(pid);
	sk->sk_peer_cred = get_cred(cred);
	spin_unlock(&sk->sk_peer_lock);
	put_pid(old_pid);
	put_cred(old_cred);
}

/* The process that made the pair: restored by now, its credentials read. */
static struct cr_task_ctx *cr_unix_maker(struct cr_ctx *ctx, pid_t pid)
{
	struct cr_task_ctx *maker = cr_tree_find(ctx, pid);

	if (!maker || maker->index > ctx->reader->index ||
	    maker->tt.pid != maker->tt.tgid || !maker->commit.creds)
		return NULL;
	return maker;
}

static int cr_check_unix_rec(struct cr_ctx *ctx, const struct cr_unix_pair *rec,
			     const struct cr_hdr *hdr)
{
	u64 len = sizeof(*rec);
	unsigned int i;

	if ((rec->type != SOCK_STREAM && rec->type != SOCK_DGRAM &&
	     rec->type != SOCK_SEQPACKET) || rec->pad ||
	    !rec->end[0].objref || rec->end[0].objref == rec->end[1].objref)
		return -EINVAL;
	for (i = 0; i < 2; i++) {
		const struct cr_unix_end *e = &rec->end[i];

		if (!e->objref || e->flags & ~(O_ACCMODE | O_NONBLOCK) ||
		    (e->flags & O_ACCMODE) != O_RDWR ||
		    e->shutdown & ~SHUTDOWN_MASK ||
		    e->sndbuf > INT_MAX || e->rcvbuf > INT_MAX ||
		    e->nr_msgs > CR_UNIX_MSGS_MAX ||
		    e->nr_bytes > CR_UNIX_DATA_MAX ||
		    !cr_unix_maker(ctx, e->peer_pid))
			return -EINVAL;
		len += (u64)e->nr_msgs * sizeof(u32) + e->nr_bytes;
	}
	return len == hdr->len ? 0 : -EINVAL;
}

/* socketpair(), with its checks, as two files with @rec's flags. */
static int cr_unix_make(const struct cr_unix_pair *rec, struct socket **sock,
			struct file **file)
{
	unsigned int i;
	int err;

	err = sock_create(AF_UNIX, rec->type, 0, &sock[0]);
	if (err)
		return err;
	err = sock_create(AF_UNIX, rec->type, 0, &sock[1]);
	if (err) {
		sock_release(sock[0]);
		return err;
	}
	err = security_socket_socketpair(sock[0], sock[1]) ?:
	      sock[0]->ops->socketpair(sock[0], sock[1]);
	for (i = 0; i < 2; i++) {
		if (err) {
			sock_release(sock[i]);
			continue;
		}
		file[i] = sock_alloc_file(sock[i], rec->end[i].flags, NULL);
		if (IS_ERR(file[i])) {
			err = PTR_ERR(file[i]);
			file[i] = NULL;
		}
	}
	return err;
}

/* The options of one end, and its SO_PEERCRED. */
static int cr_unix_set_end(struct cr_ctx *ctx, struct socket *sock,
			   const struct cr_unix_end *e)
{
	struct cr_task_ctx *maker = cr_unix_maker(ctx, e->peer_pid);
	int val, err = 0;

	if (e->sndbuf) {
		val = e->sndbuf / 2;
		err = sock_setsockopt(sock, SOL_SOCKET, SO_SNDBUF,
				      KERNEL_SOCKPTR(&val), sizeof(val));
	}
	if (!err && e->rcvbuf) {
		val = e->rcvbuf / 2;
		err = sock_setsockopt(sock, SOL_SOCKET, SO_RCVBUF,
				      KERNEL_SOCKPTR(&val), sizeof(val));
	}
	cr_unix_set_peercred(sock->sk, task_tgid(maker->task),
			     maker->commit.creds);
	return err;
}

/* Read the messages queued to @to, and send them to it from @from. */
static int cr_unix_refill(struct cr_ctx *ctx, struct socket *from,
			  const struct cr_unix_end *e, char *buf)
{
	u32 i, len, left = e->nr_bytes;
	int err;

	for (i = 0; i < e->nr_msgs; i++) {
		struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
		struct kvec kv = { .iov_base = buf };

		err = cr_read(ctx, &len, sizeof(len));
		if (err)
			return err;
		if (len > left)
			return cr_err(ctx, -EINVAL, "bad AF_UNIX message length %u",
				      len);
		err = cr_read(ctx, buf, len);
		if (err)
			return err;
		left -= len;
		if (!len && from->type == SOCK_STREAM)
			continue;
		kv.iov_len = len;
		err = kernel_sendmsg(from, &msg, &kv, 1, len);
		if (err != len)
			return cr_err(ctx, err < 0 ? err : -ENOBUFS,
				      "cannot queue an AF_UNIX message again");
	}
	return left ? cr_err(ctx, -EINVAL, "bad AF_UNIX message lengths") : 0;
}

/* restart: a CR_UNIX_PAIR, as the object of both of its files. */
int cr_restore_unix(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	struct socket *sock[2] = {};
	struct file *file[2] = {};
	struct cr_unix_pair rec;
	unsigned int i;
	char *buf = NULL;
	int err;

	if (hdr->len < sizeof(rec))
		return cr_err(ctx, -EINVAL, "bad AF_UNIX pair record");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	if (cr_check_unix_rec(ctx, &rec, hdr))
		return cr_err(ctx, -EINVAL, "bad AF_UNIX pair record");
	err = cr_unix_make(&rec, sock, file);
	if (err) {
		cr_err(ctx, err, "cannot make a socketpair()");
		goto out;
	}
	buf = kvmalloc(max(rec.end[0].nr_bytes, rec.end[1].nr_bytes) ?: 1,
		       GFP_KERNEL);
	err = buf ? 0 : -ENOMEM;
	for (i = 0; !err && i < 2; i++)
		err = cr_unix_set_end(ctx, sock[i], &rec.end[i]);
	if (err)
		cr_err(ctx, err, "cannot set the buffer sizes of a socketpair()");
	for (i = 0; !err && i < 2; i++)
		err = cr_unix_refill(ctx, sock[1 - i], &rec.end[i], buf);
	for (i = 0; !err && i < 2; i++) {
		if (rec.end[i].shutdown & SEND_SHUTDOWN)
			err = kernel_sock_shutdown(sock[i], SHUT_WR);
		if (!err && (rec.end[i].shutdown & RCV_SHUTDOWN))
			err = kernel_sock_shutdown(sock[i], SHUT_RD);
	}
	for (i = 0; !err && i < 2; i++) {
		err = cr_obj_insert(ctx, rec.end[i].objref, CR_OBJ_FILE, file[i]);
		if (!err)
			file[i] = NULL;
	}
out:
	kvfree(buf);
	for (i = 0; i < 2; i++)
		if (file[i])
			fput(file[i]);
	return err;
}
