NAME = "0001-checkpoint-wire-up-the-checkpoint-and-restart-syscalls"
SUBJECT = "checkpoint: wire up the checkpoint() and restart() syscalls"
BODY = """
Allocate the next two syscall numbers after mseal(): 463 for
checkpoint(pid, fd, flags, logfd) and 464 for
restart(pid, fd, flags, logfd), in the x86-64 table and the generic
ones. Without CONFIG_CHECKPOINT both return -ENOSYS.
"""
EDITS = [
    ("arch/x86/entry/syscalls/syscall_64.tbl",
     "462 \tcommon  mseal\t\t\tsys_mseal\n",
     "462 \tcommon  mseal\t\t\tsys_mseal\n463\tcommon\tcheckpoint\t\tsys_checkpoint\n464\tcommon\trestart\t\t\tsys_restart\n"),
    ("scripts/syscall.tbl",
     "462\tcommon\tmseal\t\t\t\tsys_mseal\n",
     "462\tcommon\tmseal\t\t\t\tsys_mseal\n463\tcommon\tcheckpoint\t\t\tsys_checkpoint\n464\tcommon\trestart\t\t\t\tsys_restart\n"),
    ("include/uapi/asm-generic/unistd.h",
     "#define __NR_mseal 462\n__SYSCALL(__NR_mseal, sys_mseal)\n",
     "#define __NR_mseal 462\n__SYSCALL(__NR_mseal, sys_mseal)\n#define __NR_checkpoint 463\n__SYSCALL(__NR_checkpoint, sys_checkpoint)\n#define __NR_restart 464\n__SYSCALL(__NR_restart, sys_restart)\n"),
    ("include/uapi/asm-generic/unistd.h",
     "#define __NR_syscalls 463\n",
     "#define __NR_syscalls 465\n"),
    ("include/linux/syscalls.h",
     "asmlinkage long sys_mseal(unsigned long start, size_t len, unsigned long flags);\n",
     "asmlinkage long sys_mseal(unsigned long start, size_t len, unsigned long flags);\nasmlinkage long sys_checkpoint(pid_t pid, int fd, unsigned long flags,\n\t\t\t       int logfd);\nasmlinkage long sys_restart(pid_t pid, int fd, unsigned long flags,\n\t\t\t    int logfd);\n"),
    ("kernel/sys_ni.c",
     "COND_SYSCALL(mseal);\n",
     "COND_SYSCALL(mseal);\nCOND_SYSCALL(checkpoint);\nCOND_SYSCALL(restart);\n"),
]
