// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of AF_UNIX sockets.
 *
 * Two connected sockets - from socketpair(), or from connect() and
 * accept() - are saved together as a CR_UNIX_PAIR when the first of their
 * files is met; any other socket as a CR_UNIX_SOCK: one not connected,
 * listening or not, followed by the connections waiting for its
 * accept(), or a datagram socket connected one way, which names its
 * peer. A socket gets its objref when it is written or first named, and
 * every such socket's file must be met in the tree, or a process outside
 * that holds one would lose its peer. Queued messages are copied without
 * being taken.
 *
 * restart() makes the sockets again with the checks of socket(), bind(),
 * listen(), connect() and socketpair(). A socket bound to a path binds to
 * it again, after removing the socket file its checkpointed self left;
 * an accepted socket gets its listener's address back. A connection not
 * yet accepted connects to its restored listener again. Messages are
 * sent again from the other end, a datagram from a socket given its
 * sender's address. Once every task is read, datagram sockets connect to
 * their peers and each socket gets its SO_PEERCRED back: the process that
 * made the connection, with the credentials that process is restored
 * with.
 *
 * File descriptors in flight and options c/r does not save are refused.
 */
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <net/af_unix.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp_states.h>

/*
 * checkpoint: a socket given its objref before its file is met; restart:
 * a socket owed its SO_PEERCRED or its datagram peer.
 */
struct cr_unix_sk {
	struct list_head	list;
	struct sock		*sk;
	u32			objref;	/* checkpoint; restart: of its peer */
	bool			written; /* checkpoint: its record is */
	bool			met;	/* checkpoint: its file is in the tree */
	pid_t			pid;	/* checkpoint: whose socket named it;
					 * restart: its SO_PEERCRED process
					 */
};

static struct cr_unix_sk *cr_unix_sk_add(struct list_head *list,
					 struct sock *sk)
{
	struct cr_unix_sk *u = kzalloc(sizeof(*u), GFP_KERNEL);

	if (u) {
		sock_hold(sk);
		u->sk = sk;
		list_add_tail(&u->list, list);
	}
	return u;
}

static void cr_unix_sk_release(struct list_head *list)
{
	struct cr_unix_sk *u, *tmp;

	list_for_each_entry_safe(u, tmp, list, list) {
		sock_put(u->sk);
		kfree(u);
	}
}

static const char cr_unix_foreign[] =
	"an AF_UNIX socket with datagrams from another socket queued (not supported)";

/* What a socket has set that c/r does not save, or NULL. */
static const char *cr_unix_options(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;

	if (sock && (test_bit(SOCK_PASSCRED, &sock->flags) ||
		     test_bit(SOCK_PASSPIDFD, &sock->flags) ||
		     test_bit(SOCK_PASSSEC, &sock->flags)))
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

/*
 * The address of @sk: its own, or its listener's. A socket bound to a
 * path must be bound to an absolute one that still names its socket
 * file, as the checkpointer sees it, for restart to bind to it again.
 */
static const char *cr_unix_addr(struct sock *sk, struct cr_unix_end *e)
{
	/* Pairs with the release of bind() and connect(). */
	struct unix_address *addr = smp_load_acquire(&unix_sk(sk)->addr);
	struct path path;
	bool same;

	if (!addr)
		return NULL;
	if (addr->len - offsetof(struct sockaddr_un, sun_path) >
	    sizeof(e->sun_path))
		return "an AF_UNIX socket with too long an address";
	e->addr_kind = unix_sk_bound(sk) ? CR_UNIX_ADDR_BOUND :
					   CR_UNIX_ADDR_ACCEPTED;
	e->addr_len = addr->len - offsetof(struct sockaddr_un, sun_path);
	memcpy(e->sun_path, addr->name->sun_path, e->addr_len);
	if (!e->sun_path[0] || e->addr_kind != CR_UNIX_ADDR_BOUND)
		return NULL;
	if (e->sun_path[0] != '/' ||
	    strnlen(e->sun_path, e->addr_len) != e->addr_len - 1)
		return "an AF_UNIX socket bound to a relative path";
	if (kern_path(e->sun_path, 0, &path))
		return "an AF_UNIX socket whose socket file was removed";
	same = d_backing_inode(path.dentry) ==
	       d_backing_inode(unix_sk(sk)->path.dentry);
	e->mode = d_backing_inode(path.dentry)->i_mode & S_IALLUGO;
	path_put(&path);
	return same ? NULL : "an AF_UNIX socket whose socket file was removed";
}

/*
 * One socket: its file's flags, shutdowns, buffer sizes, address, and
 * SO_PEERCRED, which must be the credentials of a process of the tree,
 * as restart gives it. An @embryo, not yet accepted, has no file.
 */
static const char *cr_unix_end(struct cr_ctx *ctx, struct sock *sk,
			       struct cr_unix_end *e, bool embryo)
{
	const struct cred *peer_cred, *cred;
	struct cr_task_ctx *maker;
	const char *why = NULL;

	if (sock_flag(sk, SOCK_DEAD))
		return "an AF_UNIX socket whose peer is closed";
	read_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_socket && sk->sk_socket->file)
		e->flags = sk->sk_socket->file->f_flags & (O_ACCMODE | O_NONBLOCK);
	else if (!embryo)
		why = "an AF_UNIX socket whose peer is closed";
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
	peer_cred = sk->sk_peer_cred ? get_cred(sk->sk_peer_cred) : NULL;
	spin_unlock(&sk->sk_peer_lock);
	if (peer_cred) {
		maker = cr_tree_find(ctx, e->peer_pid);
		if (!maker || maker->tt.pid != maker->tt.tgid ||
		    (maker->tt.flags & CR_TREE_ZOMBIE)) {
			why = "an AF_UNIX socket whose SO_PEERCRED is a process outside the tree";
		} else {
			cred = get_task_cred(maker->task);
			if (!uid_eq(cred->euid, peer_cred->euid) ||
			    !gid_eq(cred->egid, peer_cred->egid))
				why = "an AF_UNIX socket whose SO_PEERCRED has other credentials";
			put_cred(cred);
		}
		put_cred(peer_cred);
	}
	return why ?: cr_unix_addr(sk, e) ?: cr_unix_options(sk);
}

/*
 * Count @msgs messages taking @n bytes of the image, each with @hdr bytes
 * before its own, into @e, and make a buffer *@data for them.
 */
static const char *cr_unix_buffer(struct cr_unix_end *e, u32 msgs, size_t n,
				  size_t hdr, char **data)
{
	if (n - msgs * hdr > CR_UNIX_DATA_MAX || msgs > CR_UNIX_MSGS_MAX)
		return "an AF_UNIX socket with more than 4 MiB queued";
	e->nr_msgs = msgs;
	e->nr_bytes = n - msgs * hdr;
	if (!n)
		return NULL;
	*data = kvmalloc(n, GFP_KERNEL);
	return *data ? NULL : "an AF_UNIX socket (out of memory)";
}

/*
 * The messages queued to @sk, each a __u32 length and its bytes, in a new
 * buffer *@data. A stream's message is what is left of it to read. Each
 * must come from @from, the socket restart sends it again from.
 */
static const char *cr_unix_queue(struct sock *sk, struct sock *from,
				 struct cr_unix_end *e, char **data)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	bool stream = sk->sk_type == SOCK_STREAM;
	const char *why = NULL;
	size_t n = 0, off = 0;
	struct sk_buff *skb;
	u32 msgs = 0;

	spin_lock(&q->lock);
	skb_queue_walk(q, skb) {
		if (UNIXCB(skb).fp)
			why = "an AF_UNIX socket with file descriptors in flight";
		else if (skb->sk != from)
			why = cr_unix_foreign;
		n += sizeof(u32) + skb->len - (stream ? UNIXCB(skb).consumed : 0);
		msgs++;
	}
	spin_unlock(&q->lock);
	why = why ?: cr_unix_buffer(e, msgs, n, sizeof(u32), data);
	if (why || !n)
		return why;

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

static int cr_unix_refuse(struct cr_ctx *ctx, struct task_struct *t,
			  const char *why)
{
	return cr_err(ctx, -EOPNOTSUPP, "pid %d has %s open (not supported)",
		      task_pid_vnr(t), why);
}

/* checkpoint: @sk's entry, if it has an objref already. */
static struct cr_unix_sk *cr_unix_find(struct cr_ctx *ctx, struct sock *sk)
{
	struct cr_unix_sk *u;

	list_for_each_entry(u, &ctx->unix_ahead, list)
		if (u->sk == sk)
			return u;
	return NULL;
}

/*
 * checkpoint: the objref of @sk, which is being written by @t if @write,
 * or which a socket of @t names and is written when its file is met.
 */
static int cr_unix_ahead(struct cr_ctx *ctx, struct task_struct *t,
			 struct sock *sk, bool write, u32 *objref)
{
	struct cr_unix_sk *u = cr_unix_find(ctx, sk);

	if (!u) {
		u = cr_unix_sk_add(&ctx->unix_ahead, sk);
		if (!u || cr_obj_add(ctx, sk, CR_OBJ_SOCK, &u->objref))
			return -ENOMEM;
		u->pid = task_pid_vnr(t);
	}
	u->written |= write;
	*objref = u->objref;
	return 0;
}

/*
 * Two connected sockets, or with a @listener objref the client @sk of a
 * connection waiting in its listener's queue and the @peer accept() will
 * return.
 */
static int cr_unix_write_pair(struct cr_ctx *ctx, struct task_struct *t,
			      struct sock *sk, struct sock *peer, u32 listener)
{
	struct cr_unix_pair rec = { .type = sk->sk_type, .listener = listener };
	struct cr_hdr hdr = { .type = CR_UNIX_PAIR };
	char *data[2] = {};
	const char *why;
	size_t len[2];
	int err;

	why = cr_unix_end(ctx, sk, &rec.end[0], false) ?:
	      cr_unix_end(ctx, peer, &rec.end[1], listener) ?:
	      cr_unix_queue(sk, peer, &rec.end[0], &data[0]) ?:
	      cr_unix_queue(peer, sk, &rec.end[1], &data[1]);
	if (why) {
		err = cr_unix_refuse(ctx, t, why);
		goto out;
	}
	len[0] = rec.end[0].nr_msgs * sizeof(u32) + rec.end[0].nr_bytes;
	len[1] = rec.end[1].nr_msgs * sizeof(u32) + rec.end[1].nr_bytes;
	hdr.len = sizeof(rec) + len[0] + len[1];
	err = cr_unix_ahead(ctx, t, sk, true, &rec.end[0].objref) ?:
	      (listener ? 0 :
	       cr_unix_ahead(ctx, t, peer, true, &rec.end[1].objref)) ?:
	      cr_write(ctx, &hdr, sizeof(hdr)) ?:
	      cr_write(ctx, &rec, sizeof(rec)) ?:
	      cr_write(ctx, data[0], len[0]) ?:
	      cr_write(ctx, data[1], len[1]);
out:
	kvfree(data[0]);
	kvfree(data[1]);
	return err;
}

/*
 * The datagrams queued to @sk, each a struct cr_unix_dgram with its
 * sender's address and its bytes, in a new buffer *@data.
 */
static const char *cr_unix_dgrams(struct sock *sk, struct cr_unix_end *e,
				  char **data)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	struct unix_address *addr;
	struct cr_unix_dgram d;
	size_t n = 0, off = 0;
	const char *why;
	struct sk_buff *skb;
	u32 msgs = 0;

	spin_lock(&q->lock);
	skb_queue_walk(q, skb) {
		if (UNIXCB(skb).fp)
			break;
		n += sizeof(d) + skb->len;
		msgs++;
	}
	spin_unlock(&q->lock);
	if (msgs != skb_queue_len_lockless(q))
		return "an AF_UNIX socket with file descriptors in flight";
	why = cr_unix_buffer(e, msgs, n, sizeof(d), data);
	if (why || !n)
		return why;

	spin_lock(&q->lock);
	skb_queue_walk(q, skb) {
		if (UNIXCB(skb).fp || !skb->sk || off + sizeof(d) + skb->len > n)
			break;
		memset(&d, 0, sizeof(d));
		d.len = skb->len;
		/* A queued skb holds its sender, and so its address. */
		addr = smp_load_acquire(&unix_sk(skb->sk)->addr);
		if (addr) {
			d.addr_len = addr->len - offsetof(struct sockaddr_un, sun_path);
			if (d.addr_len > sizeof(d.sun_path))
				break;
			memcpy(d.sun_path, addr->name->sun_path, d.addr_len);
		}
		if (skb_copy_bits(skb, 0, *data + off + sizeof(d), skb->len))
			break;
		memcpy(*data + off, &d, sizeof(d));
		off += sizeof(d) + skb->len;
	}
	spin_unlock(&q->lock);
	if (off == n)
		return NULL;
	return "an AF_UNIX socket whose queue changed";
}

/* The sockets accept() will return from listening @sk, held, in order. */
static const char *cr_unix_embryos(struct sock *sk, struct sock ***embryos,
				   unsigned int *nr)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	unsigned int n = skb_queue_len_lockless(q), i = 0;
	const char *why = NULL;
	struct sk_buff *skb;

	*nr = 0;
	if (n > CR_UNIX_MSGS_MAX)
		return "an AF_UNIX socket with too many connections waiting";
	*embryos = kcalloc(n, sizeof(**embryos), GFP_KERNEL);
	if (n && !*embryos)
		return "an AF_UNIX socket (out of memory)";
	spin_lock(&q->lock);
	skb_queue_walk(q, skb) {
		if (i == n) {
			why = "an AF_UNIX socket whose queue changed";
			break;
		}
		sock_hold(skb->sk);
		(*embryos)[i++] = skb->sk;
	}
	spin_unlock(&q->lock);
	*nr = i;
	return why;
}

/*
 * A socket that is not connected: if listening, with the connections
 * waiting for its accept(), whose clients must be in the tree; if a
 * datagram socket, with its datagrams, and maybe connected to @peer.
 */
static int cr_unix_write_sock(struct cr_ctx *ctx, struct task_struct *t,
			      struct sock *sk, struct sock *peer)
{
	struct cr_unix_sock rec = { .type = sk->sk_type };
	struct cr_hdr hdr = { .type = CR_UNIX_SOCK };
	struct sock **embryos = NULL, *client;
	unsigned int i, nr = 0;
	const char *why = NULL;
	char *data = NULL;
	size_t len;
	int err;

	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		rec.flags = CR_UNIX_LISTENING;
		rec.backlog = READ_ONCE(sk->sk_max_ack_backlog);
		why = cr_unix_embryos(sk, &embryos, &nr);
		/* restart could not connect them again */
		if (!why && nr && READ_ONCE(sk->sk_shutdown))
			why = "a listening AF_UNIX socket shut down with connections waiting";
	} else if (sk->sk_type == SOCK_DGRAM) {
		why = cr_unix_dgrams(sk, &rec.end, &data);
	} else if (!skb_queue_empty_lockless(&sk->sk_receive_queue)) {
		why = cr_unix_foreign;
	}
	/* Pairs with the release of bind(). */
	if (!why && peer && (!smp_load_acquire(&unix_sk(peer)->addr) ||
			     !unix_sk_bound(peer)))
		why = "an AF_UNIX datagram socket connected to an unbound one";
	why = why ?: cr_unix_end(ctx, sk, &rec.end, false);
	if (why) {
		err = cr_unix_refuse(ctx, t, why);
		goto out;
	}
	len = rec.end.nr_msgs * sizeof(struct cr_unix_dgram) + rec.end.nr_bytes;
	hdr.len = sizeof(rec) + len;
	err = (peer ? cr_unix_ahead(ctx, t, peer, false, &rec.peer) : 0) ?:
	      cr_unix_ahead(ctx, t, sk, true, &rec.end.objref) ?:
	      cr_write(ctx, &hdr, sizeof(hdr)) ?:
	      cr_write(ctx, &rec, sizeof(rec)) ?:
	      cr_write(ctx, data, len);
	for (i = 0; !err && i < nr; i++) {
		client = unix_peer_get(embryos[i]);
		if (!client)
			err = cr_unix_refuse(ctx, t, "an AF_UNIX socket whose queue changed");
		else
			err = cr_unix_write_pair(ctx, t, client, embryos[i],
						 rec.end.objref);
		if (client)
			sock_put(client);
	}
out:
	for (i = 0; i < nr; i++)
		sock_put(embryos[i]);
	kfree(embryos);
	kvfree(data);
	return err;
}

/*
 * checkpoint: write the socket of @file, by @t, with what must be written
 * with it - its peer, the sockets waiting to be accepted, the data queued -
 * unless that was done already; then @file is its object.
 */
static int cr_write_unix(struct cr_ctx *ctx, struct task_struct *t,
			 struct file *file, u32 *objref)
{
	struct sock *sk = sock_from_file(file)->sk, *peer, *listener = NULL;
	struct cr_unix_sk *u = cr_unix_find(ctx, sk);
	bool mutual = false;
	int err = 0;

	if (u && u->written)
		goto met;
	if (sk->sk_type != SOCK_STREAM && sk->sk_type != SOCK_DGRAM &&
	    sk->sk_type != SOCK_SEQPACKET)
		return cr_unix_refuse(ctx, t, "an AF_UNIX socket of another type");
	peer = unix_peer_get(sk);
	if (peer) {
		unix_state_lock(peer);
		mutual = unix_peer(peer) == sk;
		listener = unix_sk(peer)->listener;
		if (listener)
			sock_hold(listener);
		unix_state_unlock(peer);
	}
	if (!peer) {
		err = cr_unix_write_sock(ctx, t, sk, NULL);
	} else if (listener) {
		u = cr_unix_find(ctx, listener);
		err = u && u->written ?
		      cr_unix_refuse(ctx, t, "an AF_UNIX socket whose queue changed") :
		      cr_unix_write_sock(ctx, t, listener, NULL);
	} else if (sock_flag(peer, SOCK_DEAD)) {
		err = cr_unix_refuse(ctx, t, "an AF_UNIX socket whose peer is closed");
	} else if (mutual) {
		err = cr_unix_write_pair(ctx, t, sk, peer, 0);
	} else if (sk->sk_type == SOCK_DGRAM) {
		err = cr_unix_write_sock(ctx, t, sk, peer);
	} else {
		err = cr_unix_refuse(ctx, t, "an AF_UNIX socket connected one way");
	}
	if (listener)
		sock_put(listener);
	if (peer)
		sock_put(peer);
	if (err)
		return err;
	u = cr_unix_find(ctx, sk);
	if (!u || !u->written)
		return cr_unix_refuse(ctx, t, "an AF_UNIX socket whose queue changed");
met:
	u->met = true;
	*objref = u->objref;
	return cr_obj_add_as(ctx, file, CR_OBJ_FILE, u->objref);
}

/* Once every task is written: every socket written has its file met. */
static int cr_check_unix(struct cr_ctx *ctx)
{
	struct cr_unix_sk *u;

	list_for_each_entry(u, &ctx->unix_ahead, list)
		if (!u->met)
			return cr_err(ctx, -EOPNOTSUPP,
				      "pid %d has an AF_UNIX socket connected to one open outside the checkpointed tasks (not supported)",
				      u->pid);
	return 0;
}

static void cr_release_unix(struct cr_ctx *ctx)
{
	cr_unix_sk_release(&ctx->unix_ahead);
	cr_unix_sk_release(&ctx->unix_creds);
	cr_unix_sk_release(&ctx->unix_connects);
}

/* restart: @sk's SO_PEERCRED, as connect() sets it, for another task. */
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

/*
 * Connect @sock to @to through @to's address, with the checks of
 * connect(), and check that it reached @to and not a socket bound there
 * since: *@peer, held, is @to for a datagram socket, and for a stream the
 * socket @to's accept() will return.
 */
static int cr_unix_connect_to(struct socket *sock, struct sock *to,
			      struct sock **peer)
{
	/* Pairs with the release of bind(). */
	struct unix_address *addr = smp_load_acquire(&unix_sk(to)->addr);
	struct sockaddr_storage ss;
	bool reached;
	int err;

	*peer = NULL;
	if (!addr)
		return -EDESTADDRREQ;
	memcpy(&ss, addr->name, addr->len);
	err = security_socket_connect(sock, (struct sockaddr *)&ss, addr->len) ?:
	      kernel_connect(sock, (struct sockaddr *)&ss, addr->len, O_NONBLOCK);
	if (err)
		return err;
	*peer = unix_peer_get(sock->sk);
	if (!*peer)
		return -ECONNRESET;
	unix_state_lock(*peer);
	reached = sock->type == SOCK_DGRAM ? *peer == to :
		  unix_sk(*peer)->listener == to;
	unix_state_unlock(*peer);
	if (reached)
		return 0;
	sock_put(*peer);
	*peer = NULL;
	return -EADDRINUSE;
}

/* Connect datagram socket @u->sk to the socket of objref @u->objref. */
static int cr_unix_connect_dgram(struct cr_ctx *ctx, struct cr_unix_sk *u)
{
	struct file *file = cr_obj_find(ctx, u->objref, CR_OBJ_FILE);
	struct socket *peer = file ? sock_from_file(file) : NULL;
	struct sock *got;
	int err;

	if (!peer || peer->sk->sk_family != AF_UNIX || peer->type != SOCK_DGRAM)
		return cr_err(ctx, -EINVAL, "an AF_UNIX datagram socket's peer is not one");
	err = cr_unix_connect_to(u->sk->sk_socket, peer->sk, &got);
	if (err)
		return cr_err(ctx, err, "cannot connect an AF_UNIX datagram socket again");
	sock_put(got);
	return 0;
}

/*
 * Once every task is read, and none has taken its credentials yet: the
 * datagram sockets connect to their peers, and each socket gets its
 * SO_PEERCRED, the process of the tree it names.
 */
static int cr_finish_unix(struct cr_ctx *ctx)
{
	struct cr_task_ctx *maker;
	struct cr_unix_sk *u;
	int err;

	list_for_each_entry(u, &ctx->unix_connects, list) {
		err = cr_unix_connect_dgram(ctx, u);
		if (err)
			return err;
	}
	list_for_each_entry(u, &ctx->unix_creds, list) {
		maker = cr_tree_find(ctx, u->pid);
		if (!maker || maker->tt.pid != maker->tt.tgid ||
		    !maker->commit.creds)
			return cr_err(ctx, -EINVAL,
				      "an AF_UNIX socket's peer pid %d is not a restored process",
				      u->pid);
		cr_unix_set_peercred(u->sk, task_tgid(maker->task),
				     maker->commit.creds);
	}
	return 0;
}

/* Give @sk the SO_PEERCRED of process @pid once all are read; 0: none. */
static int cr_unix_want_cred(struct cr_ctx *ctx, struct sock *sk, pid_t pid)
{
	struct cr_unix_sk *u;

	if (!pid) {
		cr_unix_set_peercred(sk, NULL, NULL);
		return 0;
	}
	u = cr_unix_sk_add(&ctx->unix_creds, sk);
	if (!u)
		return -ENOMEM;
	u->pid = pid;
	return 0;
}

static bool cr_unix_type_ok(u32 type)
{
	return type == SOCK_STREAM || type == SOCK_DGRAM ||
	       type == SOCK_SEQPACKET;
}

/* One end; @file: it has a file, or it is not yet accepted. */
static bool cr_unix_end_ok(const struct cr_unix_end *e, bool file)
{
	bool path = e->addr_kind && e->sun_path[0];

	if (file && (!e->objref || e->flags & ~(O_ACCMODE | O_NONBLOCK) ||
		     (e->flags & O_ACCMODE) != O_RDWR))
		return false;
	if (!file && (e->objref || e->flags || e->sndbuf || e->rcvbuf))
		return false;
	if (e->shutdown & ~SHUTDOWN_MASK || e->sndbuf > INT_MAX ||
	    e->rcvbuf > INT_MAX || e->nr_msgs > CR_UNIX_MSGS_MAX ||
	    e->nr_bytes > CR_UNIX_DATA_MAX || e->peer_pid < 0)
		return false;
	if (e->addr_kind > CR_UNIX_ADDR_ACCEPTED ||
	    !e->addr_kind != !e->addr_len || e->addr_len > sizeof(e->sun_path))
		return false;
	if (path && (e->sun_path[0] != '/' ||
		     strnlen(e->sun_path, e->addr_len) != e->addr_len - 1))
		return false;
	return !(e->mode & ~S_IALLUGO) &&
	       (!e->mode || (path && e->addr_kind == CR_UNIX_ADDR_BOUND));
}

/*
 * Give new socket @sock the address @sun_path of @addr_len bytes without
 * binding it, as accept() gives a socket its listener's.
 */
static int cr_unix_give_addr(struct socket *sock, const char *sun_path,
			     u32 addr_len)
{
	int len = offsetof(struct sockaddr_un, sun_path) + addr_len;
	struct unix_address *addr = kmalloc(sizeof(*addr) + len, GFP_KERNEL);

	if (!addr)
		return -ENOMEM;
	refcount_set(&addr->refcnt, 1);
	addr->len = len;
	addr->name->sun_family = AF_UNIX;
	memcpy(addr->name->sun_path, sun_path, addr_len);
	/* As connect() gives it, for getsockname()'s acquire. */
	smp_store_release(&unix_sk(sock->sk)->addr, addr);
	return 0;
}

/* Bind @sock to its address again, or give it its listener's. */
static int cr_unix_set_addr(struct cr_ctx *ctx, struct socket *sock,
			    const struct cr_unix_end *e)
{
	int len = offsetof(struct sockaddr_un, sun_path) + e->addr_len;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int err = 0;

	if (e->addr_kind == CR_UNIX_ADDR_ACCEPTED)
		return cr_unix_give_addr(sock, e->sun_path, e->addr_len);
	if (e->addr_kind != CR_UNIX_ADDR_BOUND)
		return 0;
	memcpy(sun.sun_path, e->sun_path, e->addr_len);
	if (sun.sun_path[0])
		err = cr_unlink_socket_file(sun.sun_path);
	err = err ?: security_socket_bind(sock, (struct sockaddr *)&sun, len) ?:
	      kernel_bind(sock, (struct sockaddr *)&sun, len);
	if (!err && sun.sun_path[0])
		err = cr_chmod_socket_file(&unix_sk(sock->sk)->path, e->mode);
	if (err && sun.sun_path[0])
		return cr_err(ctx, err, "cannot bind an AF_UNIX socket to %s again",
			      sun.sun_path);
	if (err)
		return cr_err(ctx, err, "cannot bind an AF_UNIX socket to its abstract name again");
	return 0;
}

/* The buffer sizes and shutdowns of @sock. */
static int cr_unix_set_opts(struct socket *sock, const struct cr_unix_end *e)
{
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
	return err;
}

static int cr_unix_shutdown(struct socket *sock, const struct cr_unix_end *e)
{
	int err = 0;

	if (e->shutdown & SEND_SHUTDOWN)
		err = kernel_sock_shutdown(sock, SHUT_WR);
	if (!err && (e->shutdown & RCV_SHUTDOWN))
		err = kernel_sock_shutdown(sock, SHUT_RD);
	return err;
}

/* A socket and its file, with the checks of socket(). */
static int cr_unix_socket(u32 type, const struct cr_unix_end *e,
			  struct socket **sock, struct file **file)
{
	int err = sock_create(AF_UNIX, type, 0, sock);

	if (err)
		return err;
	*file = sock_alloc_file(*sock, e->flags, NULL);
	if (IS_ERR(*file)) {
		err = PTR_ERR(*file);
		*file = NULL;
	}
	return err;
}

/* Read the messages queued to the peer of @from, and send them again. */
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

/*
 * Send one datagram of @len bytes in @buf to @to, from a new socket that
 * has the address @d of its sender without being bound to it.
 */
static int cr_unix_send_dgram(struct socket *to, const struct cr_unix_dgram *d,
			      char *buf)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec kv = { .iov_base = buf, .iov_len = d->len };
	struct socket *from;
	struct sock *got;
	int err;

	err = sock_create(AF_UNIX, SOCK_DGRAM, 0, &from);
	if (err)
		return err;
	err = (d->addr_len ? cr_unix_give_addr(from, d->sun_path, d->addr_len) : 0) ?:
	      cr_unix_connect_to(from, to->sk, &got);
	if (!err) {
		sock_put(got);
		err = kernel_sendmsg(from, &msg, &kv, 1, d->len);
	}
	sock_release(from);
	if (err >= 0)
		err = err == d->len ? 0 : -ENOBUFS;
	return err;
}

/* Queue the datagrams of @e to @to again, which is bound. */
static int cr_unix_refill_dgrams(struct cr_ctx *ctx, struct socket *to,
				 const struct cr_unix_end *e)
{
	u32 i, left = e->nr_bytes;
	struct cr_unix_dgram d;
	char *buf;
	int err = 0;

	if (!e->nr_msgs)
		return 0;
	buf = kvmalloc(e->nr_bytes ?: 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; !err && i < e->nr_msgs; i++) {
		err = cr_read(ctx, &d, sizeof(d));
		if (err)
			break;
		if (d.len > left || d.addr_len > sizeof(d.sun_path)) {
			err = cr_err(ctx, -EINVAL, "bad AF_UNIX datagram");
			break;
		}
		err = cr_read(ctx, buf, d.len);
		if (err)
			break;
		left -= d.len;
		err = cr_unix_send_dgram(to, &d, buf);
		if (err)
			cr_err(ctx, err, "cannot queue an AF_UNIX datagram again");
	}
	kvfree(buf);
	if (!err && left)
		err = cr_err(ctx, -EINVAL, "bad AF_UNIX datagram lengths");
	return err;
}

/* restart: a CR_UNIX_SOCK, which may be listening. */
static int cr_restore_unix_sock(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	struct cr_unix_sock rec;
	bool listening, dgram;
	struct cr_unix_sk *u;
	struct socket *sock;
	struct file *file;
	int err;

	if (hdr->len < sizeof(rec))
		return cr_err(ctx, -EINVAL, "bad AF_UNIX socket record");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	listening = rec.flags & CR_UNIX_LISTENING;
	dgram = rec.type == SOCK_DGRAM;
	if (!cr_unix_type_ok(rec.type) || rec.flags & ~CR_UNIX_LISTENING ||
	    !cr_unix_end_ok(&rec.end, true) ||
	    hdr->len != sizeof(rec) + rec.end.nr_bytes +
			(u64)rec.end.nr_msgs * sizeof(struct cr_unix_dgram) ||
	    rec.end.addr_kind == CR_UNIX_ADDR_ACCEPTED ||
	    (rec.end.nr_msgs && (!dgram ||
				 rec.end.addr_kind != CR_UNIX_ADDR_BOUND)) ||
	    (rec.peer && (!dgram || rec.peer == rec.end.objref)) ||
	    (listening && (dgram || !rec.end.peer_pid ||
			   rec.end.addr_kind != CR_UNIX_ADDR_BOUND)) ||
	    (!listening && rec.backlog))
		return cr_err(ctx, -EINVAL, "bad AF_UNIX socket record");

	err = cr_unix_socket(rec.type, &rec.end, &sock, &file);
	if (err)
		return cr_err(ctx, err, "cannot make an AF_UNIX socket");
	err = cr_unix_set_addr(ctx, sock, &rec.end);
	if (err)
		goto out;
	if (listening) {
		/* As listen() does. */
		rec.backlog = min_t(u32, rec.backlog,
				    READ_ONCE(sock_net(sock->sk)->core.sysctl_somaxconn));
		err = security_socket_listen(sock, rec.backlog) ?:
		      kernel_listen(sock, rec.backlog);
	}
	err = err ?: cr_unix_set_opts(sock, &rec.end) ?:
	      cr_unix_want_cred(ctx, sock->sk, rec.end.peer_pid);
	if (err) {
		cr_err(ctx, err, "cannot restore an AF_UNIX socket");
		goto out;
	}
	/* Its datagrams before its shutdowns, which may refuse them. */
	err = cr_unix_refill_dgrams(ctx, sock, &rec.end);
	if (err)
		goto out;
	err = cr_unix_shutdown(sock, &rec.end);
	if (err) {
		cr_err(ctx, err, "cannot shut an AF_UNIX socket down again");
		goto out;
	}
	if (rec.peer) {
		/* Once its peer is made, which may come later. */
		u = cr_unix_sk_add(&ctx->unix_connects, sock->sk);
		if (!u) {
			err = -ENOMEM;
			goto out;
		}
		u->objref = rec.peer;
	}
	err = cr_obj_insert(ctx, rec.end.objref, CR_OBJ_FILE, file);
	if (!err)
		return 0;
out:
	fput(file);
	return err;
}

/*
 * A connection not yet accepted: connect @sock to its listener again, and
 * find in *@embryo the socket accept() will return, held.
 */
static int cr_unix_connect(struct cr_ctx *ctx, const struct cr_unix_pair *rec,
			   struct socket *sock, struct sock **embryo)
{
	struct file *lfile = cr_obj_find(ctx, rec->listener, CR_OBJ_FILE);
	struct socket *lsock = lfile ? sock_from_file(lfile) : NULL;
	const struct cr_unix_end *e = &rec->end[1];
	struct unix_address *addr = NULL;
	struct sock *peer;
	int err;

	if (lsock && lsock->sk->sk_family == AF_UNIX &&
	    lsock->type == rec->type &&
	    READ_ONCE(lsock->sk->sk_state) == TCP_LISTEN)
		/* Pairs with the release of bind(). */
		addr = smp_load_acquire(&unix_sk(lsock->sk)->addr);
	if (!addr || e->addr_kind != CR_UNIX_ADDR_ACCEPTED ||
	    addr->len != offsetof(struct sockaddr_un, sun_path) + e->addr_len ||
	    memcmp(addr->name->sun_path, e->sun_path, e->addr_len))
		return cr_err(ctx, -EINVAL, "an AF_UNIX connection names no listener");
	err = cr_unix_connect_to(sock, lsock->sk, &peer);
	if (err)
		return cr_err(ctx, err, "cannot connect an AF_UNIX socket to its listener again");
	*embryo = peer;
	return 0;
}

/* Link two new sockets as socketpair() does, with its checks. */
static int cr_unix_link(struct socket **sock)
{
	return security_socket_socketpair(sock[0], sock[1]) ?:
	       sock[0]->ops->socketpair(sock[0], sock[1]);
}

static int cr_check_unix_pair(const struct cr_unix_pair *rec,
			      const struct cr_hdr *hdr)
{
	bool pending = rec->listener;
	u64 len = sizeof(*rec);
	unsigned int i;

	if (!cr_unix_type_ok(rec->type) ||
	    !cr_unix_end_ok(&rec->end[0], true) ||
	    !cr_unix_end_ok(&rec->end[1], !pending) ||
	    rec->end[0].objref == rec->end[1].objref)
		return -EINVAL;
	/* connect() gives a datagram socket no SO_PEERCRED. */
	if (rec->type != SOCK_DGRAM &&
	    (!rec->end[0].peer_pid || !rec->end[1].peer_pid))
		return -EINVAL;
	if (pending && (rec->type == SOCK_DGRAM || rec->end[0].nr_msgs ||
			rec->end[1].addr_kind != CR_UNIX_ADDR_ACCEPTED))
		return -EINVAL;
	for (i = 0; i < 2; i++) {
		if (rec->end[i].addr_kind == CR_UNIX_ADDR_ACCEPTED &&
		    rec->type == SOCK_DGRAM)
			return -EINVAL;
		len += (u64)rec->end[i].nr_msgs * sizeof(u32) +
		       rec->end[i].nr_bytes;
	}
	return len == hdr->len ? 0 : -EINVAL;
}

/*
 * restart: a CR_UNIX_PAIR, as the object of both of its files, or of the
 * client's of a connection not yet accepted.
 */
static int cr_restore_unix(struct cr_ctx *ctx, const struct cr_hdr *hdr)
{
	struct socket *sock[2] = {};
	struct file *file[2] = {};
	struct sock *sk[2] = {};
	struct cr_unix_pair rec;
	unsigned int i, n;
	char *buf = NULL;
	int err;

	if (hdr->len < sizeof(rec))
		return cr_err(ctx, -EINVAL, "bad AF_UNIX pair record");
	err = cr_read(ctx, &rec, sizeof(rec));
	if (err)
		return err;
	if (cr_check_unix_pair(&rec, hdr))
		return cr_err(ctx, -EINVAL, "bad AF_UNIX pair record");
	n = rec.listener ? 1 : 2;
	for (i = 0; !err && i < n; i++)
		err = cr_unix_socket(rec.type, &rec.end[i], &sock[i], &file[i]);
	if (err) {
		cr_err(ctx, err, "cannot make an AF_UNIX socket");
		goto out;
	}
	for (i = 0; !err && i < n; i++)
		err = cr_unix_set_addr(ctx, sock[i], &rec.end[i]);
	if (err)
		goto out;
	if (rec.listener) {
		err = cr_unix_connect(ctx, &rec, sock[0], &sk[1]);
	} else {
		err = cr_unix_link(sock);
		if (err)
			cr_err(ctx, err, "cannot make a socketpair()");
		else
			sk[1] = sock[1]->sk;
	}
	if (err)
		goto out;
	if (n == 2)
		sock_hold(sk[1]);
	sk[0] = sock[0]->sk;
	sock_hold(sk[0]);

	buf = kvmalloc(max(rec.end[0].nr_bytes, rec.end[1].nr_bytes) ?: 1,
		       GFP_KERNEL);
	err = buf ? 0 : -ENOMEM;
	for (i = 0; !err && i < n; i++)
		err = cr_unix_set_opts(sock[i], &rec.end[i]);
	for (i = 0; !err && i < 2; i++)
		err = cr_unix_want_cred(ctx, sk[i], rec.end[i].peer_pid);
	if (err)
		cr_err(ctx, err, "cannot set the options of an AF_UNIX socket");
	if (!err && n == 2)
		err = cr_unix_refill(ctx, sock[1], &rec.end[0], buf);
	if (!err)
		err = cr_unix_refill(ctx, sock[0], &rec.end[1], buf);
	for (i = 0; !err && i < n; i++)
		err = cr_unix_shutdown(sock[i], &rec.end[i]);
	for (i = 0; !err && i < n; i++) {
		err = cr_obj_insert(ctx, rec.end[i].objref, CR_OBJ_FILE, file[i]);
		if (!err)
			file[i] = NULL;
	}
out:
	kvfree(buf);
	for (i = 0; i < 2; i++) {
		if (file[i])
			fput(file[i]);
		if (sk[i])
			sock_put(sk[i]);
	}
	return err;
}

/* accept() makes the file of its socket before the socket has its sock. */
static bool cr_is_unix_file(const struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISSOCK(inode->i_mode) && SOCKET_I(inode)->ops &&
	       SOCKET_I(inode)->ops->family == PF_UNIX;
}

const struct cr_part cr_unix_part = {
	.name		= "AF_UNIX sockets",
	.records	= (const struct cr_record_ops[]) {
		{ CR_UNIX_PAIR,	cr_restore_unix },
		{ CR_UNIX_SOCK,	cr_restore_unix_sock },
		{}
	},
	.check		= cr_check_unix,
	.finish		= cr_finish_unix,
	.release	= cr_release_unix,
	.has_file	= cr_is_unix_file,
	.write_file	= cr_write_unix,
};
