NAME = "0009-prctl-add-PR_GET_CHECKPOINTABLE"
SUBJECT = "prctl: add PR_GET_CHECKPOINTABLE"
BODY = """
Let a process ask whether it can be checkpointed, and why not, without
reading its own /proc/<pid>/checkpointable. The answer comes from the
checkpoint LSM's mark, in security/checkpoint/lsm.c; without
CONFIG_CHECKPOINT the option is EINVAL, like any unknown one.

As Yama's PR_SET_PTRACER, the option's number spells its owner's name
("CHKP"), so it cannot collide with the numbered options.
"""
EDITS = [
    ("include/uapi/linux/prctl.h",
     "#define PR_SET_PTRACER 0x59616d61\n# define PR_SET_PTRACER_ANY ((unsigned long)-1)\n",
     "#define PR_SET_PTRACER 0x59616d61\n# define PR_SET_PTRACER_ANY ((unsigned long)-1)\n\n"
     "/*\n * Checkpoint/restart: returns 1 if the calling process can be\n"
     " * checkpointed, 0 if not; arg2, if not NULL, gets the reason (\"\" if\n"
     " * none) as a string of at most arg3 bytes.\n */\n"
     "#define PR_GET_CHECKPOINTABLE 0x43484b50\n"),
    ("kernel/sys.c",
     "#include <linux/rcupdate.h>\n",
     "#include <linux/rcupdate.h>\n#include <linux/checkpoint.h>\n"),
    ("kernel/sys.c",
     "\tcase PR_GET_MDWE:\n\t\terror = prctl_get_mdwe(arg2, arg3, arg4, arg5);\n\t\tbreak;\n",
     "\tcase PR_GET_MDWE:\n\t\terror = prctl_get_mdwe(arg2, arg3, arg4, arg5);\n\t\tbreak;\n"
     "\tcase PR_GET_CHECKPOINTABLE:\n"
     "\t\terror = cr_prctl_get_checkpointable(arg2, arg3, arg4, arg5);\n"
     "\t\tbreak;\n"),
]
