NAME = "0019-futex-let-checkpoint-save-and-restart-set-a-futex-wait-restart-block"
SUBJECT = "futex: let checkpoint save and restart set a futex wait's restart block"
BODY = """
A task asleep in a futex wait with a timeout when it is checkpointed is
on its way to restart_syscall() with a restart block whose function is
futex_wait_restart(). checkpoint() reads what it waits for, and restart()
sets the block again with the time the wait had left, as it does for
nanosleep() and poll(). The flags stay private to the futex code: only
32-bit waits with a timeout, as futex(2) makes them, are told.

Add futex_wait_restart_get() and futex_wait_restart_set(). No functional
change.
"""
OLD = 'static long futex_wait_restart(struct restart_block *restart)\n{\n\tu32 __user *uaddr = restart->futex.uaddr;\n\tktime_t t, *tp = NULL;\n\n\tif (restart->futex.flags & FLAGS_HAS_TIMEOUT) {\n\t\tt = restart->futex.time;\n\t\ttp = &t;\n\t}\n\trestart->fn = do_no_restart_syscall;\n\n\treturn (long)futex_wait(uaddr, restart->futex.flags,\n\t\t\t\trestart->futex.val, tp, restart->futex.bitset);\n}\n'
NEW = 'static long futex_wait_restart(struct restart_block *restart)\n{\n\tu32 __user *uaddr = restart->futex.uaddr;\n\tktime_t t, *tp = NULL;\n\n\tif (restart->futex.flags & FLAGS_HAS_TIMEOUT) {\n\t\tt = restart->futex.time;\n\t\ttp = &t;\n\t}\n\trestart->fn = do_no_restart_syscall;\n\n\treturn (long)futex_wait(uaddr, restart->futex.flags,\n\t\t\t\trestart->futex.val, tp, restart->futex.bitset);\n}\n\n#define FUTEX_RESTART_FLAGS (FLAGS_SIZE_32 | FLAGS_SHARED | FLAGS_CLOCKRT | \\\n\t\t\t     FLAGS_HAS_TIMEOUT)\n\n/**\n * futex_wait_restart_get - the futex wait a restart block goes on with\n * @restart: a restart block\n * @uaddr: [out] the futex\n * @val: [out] the value waited on\n * @bitset: [out] the bitset\n * @shared: [out] whether the futex is shared between processes\n * @realtime: [out] whether @expires is on CLOCK_REALTIME, else MONOTONIC\n * @expires: [out] when the wait times out\n *\n * Return: false if @restart does not go on with a 32-bit futex_wait()\n * with a timeout, as futex(2) makes it.\n */\nbool futex_wait_restart_get(const struct restart_block *restart,\n\t\t\t    u32 __user **uaddr, u32 *val, u32 *bitset,\n\t\t\t    bool *shared, bool *realtime, ktime_t *expires)\n{\n\tunsigned int flags = restart->futex.flags;\n\n\tif (restart->fn != futex_wait_restart ||\n\t    (flags & ~FUTEX_RESTART_FLAGS) ||\n\t    (flags & FLAGS_SIZE_MASK) != FLAGS_SIZE_32 ||\n\t    !(flags & FLAGS_HAS_TIMEOUT))\n\t\treturn false;\n\t*uaddr = restart->futex.uaddr;\n\t*val = restart->futex.val;\n\t*bitset = restart->futex.bitset;\n\t*shared = flags & FLAGS_SHARED;\n\t*realtime = flags & FLAGS_CLOCKRT;\n\t*expires = restart->futex.time;\n\treturn true;\n}\n\n/**\n * futex_wait_restart_set - make a restart block go on with a futex wait\n * @restart: the restart block\n * @uaddr: the futex\n * @val: the value waited on\n * @bitset: the bitset, not 0\n * @shared: whether the futex is shared between processes\n * @realtime: whether @expires is on CLOCK_REALTIME, else MONOTONIC\n * @expires: when the wait times out\n *\n * Return: -ERESTART_RESTARTBLOCK, or -EINVAL for a 0 @bitset.\n */\nlong futex_wait_restart_set(struct restart_block *restart, u32 __user *uaddr,\n\t\t\t    u32 val, u32 bitset, bool shared, bool realtime,\n\t\t\t    ktime_t expires)\n{\n\tif (!bitset)\n\t\treturn -EINVAL;\n\trestart->futex.uaddr = uaddr;\n\trestart->futex.val = val;\n\trestart->futex.time = expires;\n\trestart->futex.bitset = bitset;\n\trestart->futex.flags = FLAGS_SIZE_32 | FLAGS_HAS_TIMEOUT |\n\t\t\t       (shared ? FLAGS_SHARED : 0) |\n\t\t\t       (realtime ? FLAGS_CLOCKRT : 0);\n\treturn set_restart_fn(restart, futex_wait_restart);\n}\n'
EDITS = [
    ("kernel/futex/waitwake.c", OLD, NEW),
    ("include/linux/futex.h", 'long do_futex(u32 __user *uaddr, int op, u32 val, ktime_t *timeout,\n',
     "bool futex_wait_restart_get(const struct restart_block *restart,\n"
     "\t\t\t    u32 __user **uaddr, u32 *val, u32 *bitset,\n"
     "\t\t\t    bool *shared, bool *realtime, ktime_t *expires);\n"
     "long futex_wait_restart_set(struct restart_block *restart, u32 __user *uaddr,\n"
     "\t\t\t    u32 val, u32 bitset, bool shared, bool realtime,\n"
     "\t\t\t    ktime_t expires);\n" + 'long do_futex(u32 __user *uaddr, int op, u32 val, ktime_t *timeout,\n'),
]
