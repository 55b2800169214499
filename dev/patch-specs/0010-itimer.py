NAME = "0010-itimer-let-checkpoint-read-and-restart-set-itimers"
SUBJECT = "itimer: let checkpoint read and restart set interval timers"
BODY = """
checkpoint() saves the interval timers of a parked process, which is
not current; restart() sets them again in the restored task's own
context, as setitimer(2) would. Give do_getitimer() a task argument as
do_getitimer_task(), and make do_setitimer() available, instead of
copying the cputime sampling and the real timer's locking.

No functional change.
"""
EDITS = [
    ("kernel/time/itimer.c",
     "static int do_getitimer(int which, struct itimerspec64 *value)\n{\n"
     "\tstruct task_struct *tsk = current;\n\n",
     "int do_getitimer_task(struct task_struct *tsk, int which,\n"
     "\t\t      struct itimerspec64 *value)\n{\n"),
    ("kernel/time/itimer.c",
     "\tdefault:\n\t\treturn(-EINVAL);\n\t}\n\treturn 0;\n}\n",
     "\tdefault:\n\t\treturn(-EINVAL);\n\t}\n\treturn 0;\n}\n\n"
     "static int do_getitimer(int which, struct itimerspec64 *value)\n{\n"
     "\treturn do_getitimer_task(current, which, value);\n}\n"),
    ("kernel/time/itimer.c",
     "static int do_setitimer(int which, struct itimerspec64 *value,\n\t\t\tstruct itimerspec64 *ovalue)\n",
     "int do_setitimer(int which, struct itimerspec64 *value,\n\t\t struct itimerspec64 *ovalue)\n"),
    ("include/linux/time.h",
     "#ifdef CONFIG_POSIX_TIMERS\nextern void clear_itimer(void);\n",
     "#ifdef CONFIG_POSIX_TIMERS\nextern void clear_itimer(void);\n"
     "struct task_struct;\n"
     "int do_getitimer_task(struct task_struct *tsk, int which,\n"
     "\t\t      struct itimerspec64 *value);\n"
     "int do_setitimer(int which, struct itimerspec64 *value,\n"
     "\t\t struct itimerspec64 *ovalue);\n"),
]
