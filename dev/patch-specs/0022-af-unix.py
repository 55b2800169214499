NAME = "0022-af_unix-tell-checkpoint-how-a-socket-got-its-address"
SUBJECT = "af_unix: tell checkpoint how a socket got its address"
BODY = """
checkpoint() saves bound, listening and connected AF_UNIX sockets, and
restart() binds them again. Two things only af_unix.c knows:

- whether a socket is bound to its address itself, or was given its
  listener's by accept(): only the first is bound again;
- whether a socket is bound to a socket file: restart() removes a
  socket file left behind by the checkpointed process before binding
  to its path again, but never one a live socket is bound to.

Add unix_sk_bound() and unix_inode_bound() for them.
"""
EDITS = [
    ("net/unix/af_unix.c",
     "\tspin_unlock(&bsd_socket_locks[hash]);\n\treturn NULL;\n}\n",
     "\tspin_unlock(&bsd_socket_locks[hash]);\n\treturn NULL;\n}\n\n"
     "/* Whether a socket is bound to the socket file @inode. */\n"
     "bool unix_inode_bound(struct inode *inode)\n{\n"
     "\tstruct sock *sk = unix_find_socket_byinode(inode);\n\n"
     "\tif (sk)\n\t\tsock_put(sk);\n\treturn sk;\n}\n\n"
     "/*\n * Whether @sk is bound to its address itself, rather than given its\n"
     " * listener's by accept().\n */\n"
     "bool unix_sk_bound(const struct sock *sk)\n{\n"
     "\treturn sk->sk_hash > UNIX_HASH_MOD ||\n"
     "\t       !hlist_unhashed(&sk->sk_bind_node);\n}\n"),
    ("include/net/af_unix.h",
     "struct sock *unix_peer_get(struct sock *sk);\n",
     "struct sock *unix_peer_get(struct sock *sk);\n"
     "bool unix_inode_bound(struct inode *inode);\n"
     "bool unix_sk_bound(const struct sock *sk);\n"),
]
