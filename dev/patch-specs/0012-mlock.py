NAME = "0012-mlock-let-restart-lock-memory-as-mlock-does"
SUBJECT = "mlock: let restart lock memory as mlock() does"
BODY = """
restart() locks the ranges that were mlock()ed, or mlock2()ed with
MLOCK_ONFAULT, in the restored task's own context, so that
RLIMIT_MEMLOCK and CAP_IPC_LOCK apply as they did to the task. Make
do_mlock() available instead of copying it.

No functional change.
"""
EDITS = [
    ("mm/mlock.c",
     "static __must_check int do_mlock(unsigned long start, size_t len, vm_flags_t flags)\n",
     "int do_mlock(unsigned long start, size_t len, vm_flags_t flags)\n"),
    ("include/linux/mm.h",
     "#ifdef CONFIG_MMU\nextern bool can_do_mlock(void);\n",
     "#ifdef CONFIG_MMU\nextern bool can_do_mlock(void);\n"
     "int __must_check do_mlock(unsigned long start, size_t len,\n"
     "\t\t\t  vm_flags_t flags);\n"),
]
