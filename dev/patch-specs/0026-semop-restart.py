NAME = "0026-ipc-sem-go-on-waiting-after-task-work-without-a-timeout"
SUBJECT = "ipc/sem: go on waiting after task work, without a timeout"
BODY = """
semop() fails with EINTR whenever signal_pending() is true, which
includes TIF_NOTIFY_SIGNAL: task work queued with TWA_SIGNAL, as io_uring
and checkpoint queue it, ends the wait even though no signal is there.
A process parked for checkpoint while it waited in semop() saw EINTR when
let go, and so did its restored copy.

As for epoll_wait(): when only task work interrupted a wait without a
timeout, return -ERESTARTNOHAND, so that the syscall is restarted once
the work has run. The wait has been unlinked and no operation done, so
doing it again is what an uninterrupted semop() would have done. A
signal with a handler still makes it fail with EINTR, and semtimedop()
is unchanged.
"""
AFTER = ["0023-sem-undo.py", "0025-sem.py"]
EDITS = [
    ("ipc/sem.c",
     "\t} while (error == -EINTR && !signal_pending(current)); /* spurious */\n\n"
     "\tunlink_queue(sma, &queue);\n",
     "\t} while (error == -EINTR && !signal_pending(current)); /* spurious */\n\n"
     "\tunlink_queue(sma, &queue);\n"
     "\tif (error == -EINTR && !timeout && !task_sigpending(current))\n"
     "\t\terror = -ERESTARTNOHAND;\n"),
]
