NAME = "0023-ipc-sem-tell-checkpoint-whether-a-task-has-SEM_UNDO-adjustments"
SUBJECT = "ipc/sem: tell checkpoint whether a task has SEM_UNDO adjustments"
BODY = """
checkpoint() does not save SysV semaphore undo lists yet, so it must
refuse a task whose exit would adjust a semaphore. The list itself is
no sign: a thread made with CLONE_SYSVSEM, as pthread_create() makes
every thread, gets an empty one. Add sem_undo_pending(), which says
whether the list holds entries.
"""
EDITS = [
    ("ipc/sem.c",
     "/*\n * add semadj values to semaphores, free undo structures.\n",
     "/**\n * sem_undo_pending - whether @tsk has SEM_UNDO adjustments to make at exit\n"
     " * @tsk: the task\n *\n"
     " * Return: true if @tsk's undo list holds an entry.\n */\n"
     "bool sem_undo_pending(struct task_struct *tsk)\n{\n"
     "\tstruct sem_undo_list *ulp = tsk->sysvsem.undo_list;\n"
     "\tbool pending;\n\n"
     "\tif (!ulp)\n\t\treturn false;\n"
     "\tspin_lock(&ulp->lock);\n"
     "\tpending = !list_empty(&ulp->list_proc);\n"
     "\tspin_unlock(&ulp->lock);\n"
     "\treturn pending;\n}\n\n"
     "/*\n * add semadj values to semaphores, free undo structures.\n"),
    ("include/linux/sem.h",
     "extern void exit_sem(struct task_struct *tsk);\n\n#else\n",
     "extern void exit_sem(struct task_struct *tsk);\n"
     "bool sem_undo_pending(struct task_struct *tsk);\n\n#else\n"),
    ("include/linux/sem.h",
     "static inline void exit_sem(struct task_struct *tsk)\n{\n\treturn;\n}\n",
     "static inline void exit_sem(struct task_struct *tsk)\n{\n\treturn;\n}\n\n"
     "static inline bool sem_undo_pending(struct task_struct *tsk)\n{\n"
     "\treturn false;\n}\n"),
]
