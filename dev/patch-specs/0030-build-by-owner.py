NAME = "0030-checkpoint-build-each-subsystem-s-part-where-it-lives"
SUBJECT = "checkpoint: build each subsystem's part where it lives"
BODY = """
The checkpoint and restart code of AF_UNIX sockets, of SysV IPC and
POSIX message queues, and the checkpoint LSM live with the code they
save and restore, where their maintainers look: net/unix/checkpoint.c,
ipc/checkpoint.c, ipc/mq_checkpoint.c and security/checkpoint/. Build
them there.
"""
EDITS = [
    ("net/unix/Makefile",
     "unix-$(CONFIG_BPF_SYSCALL) += unix_bpf.o\n",
     "unix-$(CONFIG_BPF_SYSCALL) += unix_bpf.o\n"
     "unix-$(CONFIG_CHECKPOINT) += checkpoint.o\n"),
    ("ipc/Makefile",
     "obj-$(CONFIG_POSIX_MQUEUE_SYSCTL) += mq_sysctl.o\n",
     "obj-$(CONFIG_POSIX_MQUEUE_SYSCTL) += mq_sysctl.o\n"
     "obj-$(CONFIG_CHECKPOINT_SYSVIPC) += checkpoint.o\n"
     "obj-$(CONFIG_CHECKPOINT_POSIX_MQUEUE) += mq_checkpoint.o\n"),
    ("security/Makefile",
     "obj-$(CONFIG_SECURITY_IPE)\t\t+= ipe/\n",
     "obj-$(CONFIG_SECURITY_IPE)\t\t+= ipe/\n"
     "obj-$(CONFIG_CHECKPOINT)\t\t+= checkpoint/\n"),
]
