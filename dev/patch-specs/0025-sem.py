NAME = "0025-ipc-sem-let-checkpoint-read-semaphore-arrays-and-restart-make-them-again"
SUBJECT = "ipc/sem: let checkpoint read semaphore arrays and restart make them again"
BODY = """
checkpoint() saves the SysV semaphore arrays of an IPC namespace that
the checkpointed tree has to itself, and restart() makes them again in
the new namespace, under the same ids, with the same values. As for
shared memory, that takes a few helpers from ipc/sem.c:

- sem_next_array() walks a namespace's arrays, telling each as
  semctl(SEM_STAT_ANY) does;
- sem_get_values() reads an array's values, as semctl(GETALL) does;
- semctl_kernel() is semctl() on a kernel struct semid64_ds, for
  IPC_SET and IPC_RMID;
- semget_id() is semget() that gives the new array the id asked for;
- sem_undo_get() reads one of a task's SEM_UNDO adjustments, and
  sem_undo_set() gives the current task one, as semop() with SEM_UNDO
  would have built it.

restart() sets the values with semop(), through __do_semtimedop().
"""
AFTER = ["0023-sem-undo.py", "0024-shm.py"]
FUNCS = """#ifdef CONFIG_CHECKPOINT
/**
 * sem_next_array - the first array at or after an index, for checkpoint
 * @ns: the IPC namespace
 * @idx: the index to start at; set to the array's
 * @ds: filled as semctl(SEM_STAT_ANY) fills it
 *
 * Return: the array's id, -ENOENT if there is none, or another error.
 */
int sem_next_array(struct ipc_namespace *ns, int *idx, struct semid64_ds *ds)
{
\tint id = -ENOENT;

\tdown_read(&sem_ids(ns).rwsem);
\tfor (; *idx <= sem_ids(ns).max_idx; ++*idx) {
\t\tid = semctl_stat(ns, *idx, SEM_STAT_ANY, ds);
\t\tif (id != -EINVAL)
\t\t\tbreak;
\t\tid = -ENOENT;
\t}
\tup_read(&sem_ids(ns).rwsem);
\treturn id;
}

/**
 * sem_get_values - the values of an array, for checkpoint
 * @ns: the IPC namespace
 * @semid: the array's id
 * @vals: set to its values, as semctl(GETALL) tells them
 * @nsems: how many semaphores it has
 *
 * Return: 0, -EINVAL if the array has not @nsems semaphores, or another
 * error.
 */
int sem_get_values(struct ipc_namespace *ns, int semid, unsigned short *vals,
\t\t   int nsems)
{
\tstruct sem_array *sma;
\tint i, err = 0;

\trcu_read_lock();
\tsma = sem_obtain_object_check(ns, semid);
\tif (IS_ERR(sma)) {
\t\trcu_read_unlock();
\t\treturn PTR_ERR(sma);
\t}
\tsem_lock(sma, NULL, -1);
\tif (!ipc_valid_object(&sma->sem_perm))
\t\terr = -EIDRM;
\telse if (sma->sem_nsems != nsems)
\t\terr = -EINVAL;
\tfor (i = 0; !err && i < nsems; i++)
\t\tvals[i] = sma->sems[i].semval;
\tsem_unlock(sma, -1);
\trcu_read_unlock();
\treturn err;
}

/**
 * semctl_kernel - semctl() on a kernel buffer, for restart
 * @ns: the IPC namespace
 * @semid: the array's id
 * @cmd: IPC_SET or IPC_RMID
 * @ds: read as semctl() would
 *
 * Return: what semctl() would return.
 */
long semctl_kernel(struct ipc_namespace *ns, int semid, int cmd,
\t\t   struct semid64_ds *ds)
{
\treturn semctl_down(ns, semid, cmd, ds);
}

/**
 * semget_id - semget() that gives the new array the id @id
 * @key: as for semget()
 * @nsems: as for semget()
 * @semflg: as for semget(), with IPC_CREAT and IPC_EXCL
 * @id: the id
 *
 * For restart(), in an IPC namespace that it made and in which no other
 * task runs.
 *
 * Return: @id, -EEXIST if an array has its index, or another error.
 */
long semget_id(key_t key, int nsems, int semflg, int id)
{
\tstruct ipc_ids *ids = &sem_ids(current->nsproxy->ipc_ns);
\tlong ret;

\tif ((semflg & (IPC_CREAT | IPC_EXCL)) != (IPC_CREAT | IPC_EXCL))
\t\treturn -EINVAL;
\tret = ipc_next_id(ids, id) ?: ksys_semget(key, nsems, semflg);
\tids->next_id = -1;
\treturn ret < 0 || ret == id ? ret : -EEXIST;
}
#endif

"""
UNDO = """#ifdef CONFIG_CHECKPOINT
/**
 * sem_undo_get - one of a task's SEM_UNDO adjustments, for checkpoint
 * @tsk: the task, stopped
 * @ns: its IPC namespace
 * @n: which of its arrays, from 0
 * @semid: set to the array's id
 * @semadj: set to the adjustments, one per semaphore
 * @max: room in @semadj
 *
 * Return: the number of semaphores of the array, -ENOENT if @tsk has no
 * more, -E2BIG if they do not fit in @semadj, or another error.
 */
int sem_undo_get(struct task_struct *tsk, struct ipc_namespace *ns, int n,
\t\t int *semid, short *semadj, int max)
{
\tstruct sem_undo_list *ulp = tsk->sysvsem.undo_list;
\tstruct sem_array *sma;
\tstruct sem_undo *un;
\tint ret = -ENOENT;

\tif (!ulp)
\t\treturn ret;
\trcu_read_lock();
\tspin_lock(&ulp->lock);
\tlist_for_each_entry(un, &ulp->list_proc, list_proc) {
\t\tif (un->semid == -1 || n--)
\t\t\tcontinue;
\t\tsma = sem_obtain_object_check(ns, un->semid);
\t\tif (IS_ERR(sma)) {
\t\t\tret = PTR_ERR(sma);
\t\t} else if (sma->sem_nsems > max) {
\t\t\tret = -E2BIG;
\t\t} else {
\t\t\tret = sma->sem_nsems;
\t\t\t*semid = un->semid;
\t\t\tmemcpy(semadj, un->semadj, ret * sizeof(*semadj));
\t\t}
\t\tbreak;
\t}
\tspin_unlock(&ulp->lock);
\trcu_read_unlock();
\treturn ret;
}

/**
 * sem_undo_set - give current SEM_UNDO adjustments, for restart
 * @semid: the array's id
 * @semadj: the adjustments, one per semaphore
 * @nsems: the number of semaphores of the array
 *
 * Return: 0, -EINVAL if the array has not @nsems semaphores, or another
 * error.
 */
int sem_undo_set(int semid, const short *semadj, int nsems)
{
\tstruct ipc_namespace *ns = current->nsproxy->ipc_ns;
\tstruct sem_array *sma;
\tstruct sem_undo *un;
\tint err = 0;

\tun = find_alloc_undo(ns, semid);
\tif (IS_ERR(un))
\t\treturn PTR_ERR(un);
\tsma = sem_obtain_object_check(ns, semid);
\tif (IS_ERR(sma)) {
\t\trcu_read_unlock();
\t\treturn PTR_ERR(sma);
\t}
\tsem_lock(sma, NULL, -1);
\tif (!ipc_valid_object(&sma->sem_perm) || un->semid == -1)
\t\terr = -EIDRM;
\telse if (sma->sem_nsems != nsems)
\t\terr = -EINVAL;
\telse
\t\tmemcpy(un->semadj, semadj, nsems * sizeof(*semadj));
\tsem_unlock(sma, -1);
\trcu_read_unlock();
\treturn err;
}
#endif

"""
EDITS = [
    ("ipc/sem.c",
     "\treturn un;\n}\n\nlong __do_semtimedop(int semid, struct sembuf *sops,\n",
     "\treturn un;\n}\n\n" + UNDO + "long __do_semtimedop(int semid, struct sembuf *sops,\n"),
    ("ipc/sem.c",
     "static long ksys_semctl(int semid, int semnum, int cmd, unsigned long arg, int version)\n{\n",
     FUNCS + "static long ksys_semctl(int semid, int semnum, int cmd, unsigned long arg, int version)\n{\n"),
    ("include/linux/sem.h", "struct task_struct;\n",
     "struct ipc_namespace;\nstruct semid64_ds;\nstruct task_struct;\n"),
    ("include/linux/sem.h",
     "extern int copy_semundo(unsigned long clone_flags, struct task_struct *tsk);\n",
     "extern int copy_semundo(unsigned long clone_flags, struct task_struct *tsk);\n"
     "#ifdef CONFIG_CHECKPOINT\n"
     "int sem_next_array(struct ipc_namespace *ns, int *idx, struct semid64_ds *ds);\n"
     "int sem_get_values(struct ipc_namespace *ns, int semid, unsigned short *vals,\n"
     "\t\t   int nsems);\n"
     "long semctl_kernel(struct ipc_namespace *ns, int semid, int cmd,\n"
     "\t\t   struct semid64_ds *ds);\n"
     "long semget_id(key_t key, int nsems, int semflg, int id);\n"
     "int sem_undo_get(struct task_struct *tsk, struct ipc_namespace *ns, int n,\n"
     "\t\t int *semid, short *semadj, int max);\n"
     "int sem_undo_set(int semid, const short *semadj, int nsems);\n"
     "#endif\n"),
]
