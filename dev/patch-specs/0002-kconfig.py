NAME = "0002-checkpoint-add-CONFIG_CHECKPOINT-and-build-the-subsystem"
SUBJECT = "checkpoint: add CONFIG_CHECKPOINT and build the subsystem"
BODY = """
Source kernel/checkpoint/Kconfig next to CHECKPOINT_RESTORE and build
kernel/checkpoint/, fs/checkpoint.c, mm/checkpoint.c and
arch/x86/checkpoint/ when CONFIG_CHECKPOINT=y.
"""
EDITS = [
    ("init/Kconfig",
     "config SCHED_AUTOGROUP\n",
     "source \"kernel/checkpoint/Kconfig\"\n\nconfig SCHED_AUTOGROUP\n"),
    ("kernel/Makefile",
     "obj-$(CONFIG_KCMP) += kcmp.o\n",
     "obj-$(CONFIG_KCMP) += kcmp.o\nobj-$(CONFIG_CHECKPOINT) += checkpoint/\n"),
    ("fs/Makefile",
     "obj-$(CONFIG_FHANDLE)\t\t+= fhandle.o\n",
     "obj-$(CONFIG_FHANDLE)\t\t+= fhandle.o\nobj-$(CONFIG_CHECKPOINT)\t+= checkpoint.o\n"),
    ("mm/Makefile",
     "obj-$(CONFIG_MEMFD_CREATE) += memfd.o\n",
     "obj-$(CONFIG_MEMFD_CREATE) += memfd.o\nobj-$(CONFIG_CHECKPOINT) += checkpoint.o\n"),
    ("arch/x86/Kbuild",
     "obj-y += kernel/\n",
     "obj-y += kernel/\nobj-$(CONFIG_CHECKPOINT) += checkpoint/\n"),
]
