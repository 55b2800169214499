NAME = "0017-select-let-checkpoint-save-and-restart-set-a-poll-restart-block"
SUBJECT = "select: let checkpoint save and restart set a poll() restart block"
BODY = """
A task asleep in poll() when it is checkpointed is on its way to
restart_syscall() with a restart block whose function is
do_restart_poll(). checkpoint() recognises it, and restart() sets it
again with the time the poll had left, as it does for nanosleep().

Make do_restart_poll() visible. No functional change.
"""
EDITS = [
    ("fs/select.c",
     "static long do_restart_poll(struct restart_block *restart_block)\n",
     "long do_restart_poll(struct restart_block *restart_block)\n"),
    ("include/linux/poll.h",
     "extern int core_sys_select(int n, fd_set __user *inp, fd_set __user *outp,\n",
     "struct restart_block;\n"
     "long do_restart_poll(struct restart_block *restart_block);\n\n"
     "extern int core_sys_select(int n, fd_set __user *inp, fd_set __user *outp,\n"),
]
