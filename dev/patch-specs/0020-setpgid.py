NAME = "0020-sys-let-restart-set-a-restored-process-s-group"
SUBJECT = "sys: let restart set a restored process's group"
BODY = """
restart() puts each restored process back in its process group, from
the process itself, with the checks of setpgid(2).

Split ksys_setpgid() out of the setpgid() syscall, as ksys_setsid() is.
No functional change.
"""
EDITS = [
    ("kernel/sys.c",
     "SYSCALL_DEFINE2(setpgid, pid_t, pid, pid_t, pgid)\n{\n",
     "int ksys_setpgid(pid_t pid, pid_t pgid)\n{\n"),
    ("kernel/sys.c",
     "\t/* All paths lead to here, thus we are safe. -DaveM */\n"
     "\twrite_unlock_irq(&tasklist_lock);\n\trcu_read_unlock();\n"
     "\treturn err;\n}\n\n",
     "\t/* All paths lead to here, thus we are safe. -DaveM */\n"
     "\twrite_unlock_irq(&tasklist_lock);\n\trcu_read_unlock();\n"
     "\treturn err;\n}\n\n"
     "SYSCALL_DEFINE2(setpgid, pid_t, pid, pid_t, pgid)\n{\n"
     "\treturn ksys_setpgid(pid, pgid);\n}\n\n"),
    ("include/linux/syscalls.h",
     "int ksys_setsid(void);\n",
     "int ksys_setsid(void);\nint ksys_setpgid(pid_t pid, pid_t pgid);\n"),
]
