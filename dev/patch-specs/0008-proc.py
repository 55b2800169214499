NAME = "0008-proc-add-pid-checkpointable"
SUBJECT = "proc: add /proc/<pid>/checkpointable"
BODY = """
Tell whether a process, or one thread of it in task/<tid>/, can be
checkpointed: "yes", or "no: " and the first reason the checkpoint LSM
recorded. Reading it needs ptrace-read rights over the task. The
functions live with the LSM in security/checkpoint/lsm.c.
"""
EDITS = [
    ("fs/proc/base.c",
     "#include <linux/cn_proc.h>\n",
     "#include <linux/cn_proc.h>\n#include <linux/checkpoint.h>\n"),
    ("fs/proc/base.c",
     "\tONE(\"wchan\",      S_IRUGO, proc_pid_wchan),\n",
     "\tONE(\"wchan\",      S_IRUGO, proc_pid_wchan),\n#endif\n"
     "#ifdef CONFIG_CHECKPOINT\n"
     "\tONE(\"checkpointable\", 0444, proc_pid_checkpointable),\n"),
    ("fs/proc/base.c",
     "\tONE(\"wchan\",     S_IRUGO, proc_pid_wchan),\n",
     "\tONE(\"wchan\",     S_IRUGO, proc_pid_wchan),\n#endif\n"
     "#ifdef CONFIG_CHECKPOINT\n"
     "\tONE(\"checkpointable\", 0444, proc_tid_checkpointable),\n"),
]
