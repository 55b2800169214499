NAME = "0003-checkpoint-make-three-helpers-available-to-restart"
SUBJECT = "exec, hrtimer, rlimit: make three helpers available to restart"
BODY = """
restart() rebuilds a task in the task's own context, the way execve()
and the syscalls that set its state would. Let it call the helpers they
use instead of copying them:

- exec_mmap(), to give the new task a fresh mm, as execve() does;
- hrtimer_nanosleep_restart(), to recognize a task interrupted in
  nanosleep() at checkpoint and to let the restored task sleep on;
- do_prlimit(), to set the restored task's resource limits with the
  same checks as prlimit(2).

No functional change.
"""
EDITS = [
    ("fs/exec.c",
     "static int exec_mmap(struct mm_struct *mm)\n",
     "int exec_mmap(struct mm_struct *mm)\n"),
    ("include/linux/binfmts.h",
     "extern int begin_new_exec(struct linux_binprm * bprm);\n",
     "extern int begin_new_exec(struct linux_binprm * bprm);\nint exec_mmap(struct mm_struct *mm);\n"),
    ("kernel/time/hrtimer.c",
     "static long __sched hrtimer_nanosleep_restart(struct restart_block *restart)\n",
     "long __sched hrtimer_nanosleep_restart(struct restart_block *restart)\n"),
    ("include/linux/hrtimer.h",
     "extern long hrtimer_nanosleep(ktime_t rqtp, const enum hrtimer_mode mode,\n\t\t\t      const clockid_t clockid);\n",
     "extern long hrtimer_nanosleep(ktime_t rqtp, const enum hrtimer_mode mode,\n\t\t\t      const clockid_t clockid);\nlong hrtimer_nanosleep_restart(struct restart_block *restart);\n"),
    ("kernel/sys.c",
     "static int do_prlimit(struct task_struct *tsk, unsigned int resource,\n\t\t      struct rlimit *new_rlim, struct rlimit *old_rlim)\n",
     "int do_prlimit(struct task_struct *tsk, unsigned int resource,\n\t       struct rlimit *new_rlim, struct rlimit *old_rlim)\n"),
    ("include/linux/resource.h",
     "void getrusage(struct task_struct *p, int who, struct rusage *ru);\n",
     "void getrusage(struct task_struct *p, int who, struct rusage *ru);\nint do_prlimit(struct task_struct *tsk, unsigned int resource,\n\t       struct rlimit *new_rlim, struct rlimit *old_rlim);\n"),
]
