NAME = "0021-eventpoll-go-on-waiting-after-task-work-without-a-timeout"
SUBJECT = "eventpoll: go on waiting after task work, without a timeout"
BODY = """
epoll_wait() fails with EINTR whenever signal_pending() is true, which
includes TIF_NOTIFY_SIGNAL: task work queued with TWA_SIGNAL, as io_uring
and checkpoint queue it, ends the wait even though no signal is there.
A thread parked for checkpoint in epoll_wait(-1) saw EINTR when let go,
and so did its restored copy.

When only task work interrupted a wait without a timeout, return
-ERESTARTNOHAND instead: once the work has run, the syscall is restarted
as if nothing happened, and a signal with a handler that comes meanwhile
still makes it fail with EINTR. Waits with a timeout are unchanged.
"""
EDITS = [
    ("fs/eventpoll.c",
     "\t\tif (signal_pending(current))\n\t\t\treturn -EINTR;\n\n"
     "\t\t/*\n\t\t * Internally init_wait() uses autoremove_wake_function(),\n",
     "\t\tif (signal_pending(current))\n"
     "\t\t\treturn !timeout && !task_sigpending(current) ?\n"
     "\t\t\t       -ERESTARTNOHAND : -EINTR;\n\n"
     "\t\t/*\n\t\t * Internally init_wait() uses autoremove_wake_function(),\n"),
]
