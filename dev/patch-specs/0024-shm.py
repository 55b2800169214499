NAME = "0024-ipc-shm-let-checkpoint-read-segments-and-restart-make-them-again"
SUBJECT = "ipc/shm: let checkpoint read segments and restart make them again"
BODY = """
checkpoint() saves the SysV shared memory of an IPC namespace that the
checkpointed tree has to itself, and restart() makes that namespace
again with the same segments, under the same ids, and with the same
attachments. Both need a little of ipc/shm.c:

- shm_next_segment() walks a namespace's segments, telling each as
  shmctl(SHM_STAT_ANY) does;
- shmctl_kernel() is shmctl() on a kernel struct shmid64_ds, for
  IPC_SET, IPC_RMID and SHM_LOCK;
- shm_get_file() gives the shmem file behind a segment, whose pages
  checkpoint() reads and restart() writes;
- shm_file_id() tells which segment a file made by shmat() maps;
- shmget_id() is shmget() that gives the new segment the id asked for,
  through ipc_next_id(), which sets ipc_ids.next_id for the next object
  made; CONFIG_CHECKPOINT therefore needs that field as
  CONFIG_CHECKPOINT_RESTORE does.
"""
GUARD_OLD = "#ifdef CONFIG_CHECKPOINT_RESTORE\n"
GUARD_NEW = "#if defined(CONFIG_CHECKPOINT_RESTORE) || defined(CONFIG_CHECKPOINT)\n"
FUNCS = """#ifdef CONFIG_CHECKPOINT
/**
 * shm_next_segment - the first segment at or after an index, for checkpoint
 * @ns: the IPC namespace
 * @idx: the index to start at; set to the segment's
 * @ds: filled as shmctl(SHM_STAT_ANY) fills it
 *
 * Return: the segment's id, -ENOENT if there is none, or another error.
 */
int shm_next_segment(struct ipc_namespace *ns, int *idx,
		     struct shmid64_ds *ds)
{
	int id = -ENOENT;

	down_read(&shm_ids(ns).rwsem);
	for (; *idx <= shm_ids(ns).max_idx; ++*idx) {
		id = shmctl_stat(ns, *idx, SHM_STAT_ANY, ds);
		if (id != -EINVAL)
			break;
		id = -ENOENT;
	}
	up_read(&shm_ids(ns).rwsem);
	return id;
}

/**
 * shmctl_kernel - shmctl() on a kernel buffer, for checkpoint and restart
 * @ns: the IPC namespace
 * @shmid: the segment's id
 * @cmd: IPC_SET, IPC_RMID or SHM_LOCK
 * @ds: read or written as shmctl() would
 *
 * Return: what shmctl() would return.
 */
long shmctl_kernel(struct ipc_namespace *ns, int shmid, int cmd,
\t\t   struct shmid64_ds *ds)
{
\tswitch (cmd) {
\tcase IPC_SET:
\tcase IPC_RMID:
\t\treturn shmctl_down(ns, shmid, cmd, ds);
\tcase SHM_LOCK:
\t\treturn shmctl_do_lock(ns, shmid, cmd);
\tdefault:
\t\treturn -EINVAL;
\t}
}

/**
 * shm_get_file - the shmem file behind a segment
 * @ns: the IPC namespace
 * @shmid: the segment's id
 *
 * Return: the file, with a reference, or an ERR_PTR().
 */
struct file *shm_get_file(struct ipc_namespace *ns, int shmid)
{
\tstruct shmid_kernel *shp;
\tstruct file *file;

\trcu_read_lock();
\tshp = shm_obtain_object_check(ns, shmid);
\tif (IS_ERR(shp)) {
\t\trcu_read_unlock();
\t\treturn ERR_CAST(shp);
\t}
\tipc_lock_object(&shp->shm_perm);
\tif (ipc_valid_object(&shp->shm_perm))
\t\tfile = get_file(shp->shm_file);
\telse
\t\tfile = ERR_PTR(-EIDRM);
\tipc_unlock_object(&shp->shm_perm);
\trcu_read_unlock();
\treturn file;
}

/**
 * shm_file_id - the segment that a file made by shmat() maps
 * @file: a file
 * @ns: set to the segment's IPC namespace
 *
 * Return: the segment's id, or -EINVAL if shmat() did not make @file.
 */
int shm_file_id(struct file *file, struct ipc_namespace **ns)
{
\tif (file->f_op != &shm_file_operations &&
\t    file->f_op != &shm_file_operations_huge)
\t\treturn -EINVAL;
\t*ns = shm_file_data(file)->ns;
\treturn shm_file_data(file)->id;
}

/**
 * shmget_id - shmget() that gives the new segment the id @id
 * @key: as for shmget()
 * @size: as for shmget()
 * @shmflg: as for shmget(), with IPC_CREAT and IPC_EXCL
 * @id: the id
 *
 * For restart(), in an IPC namespace that it made and in which no other
 * task runs.
 *
 * Return: @id, -EEXIST if a segment has its index, or another error.
 */
long shmget_id(key_t key, size_t size, int shmflg, int id)
{
\tstruct ipc_ids *ids = &shm_ids(current->nsproxy->ipc_ns);
\tlong ret;

\tif ((shmflg & (IPC_CREAT | IPC_EXCL)) != (IPC_CREAT | IPC_EXCL))
\t\treturn -EINVAL;
\tret = ipc_next_id(ids, id) ?: ksys_shmget(key, size, shmflg);
\tids->next_id = -1;
\treturn ret < 0 || ret == id ? ret : -EEXIST;
}
#endif

"""
DECLS = """long do_shmat(int shmid, char __user *shmaddr, int shmflg, unsigned long *addr,
	      unsigned long shmlba);
void exit_shm(struct task_struct *task);
#ifdef CONFIG_CHECKPOINT
int shm_next_segment(struct ipc_namespace *ns, int *idx,
		     struct shmid64_ds *ds);
long shmctl_kernel(struct ipc_namespace *ns, int shmid, int cmd,
		   struct shmid64_ds *ds);
struct file *shm_get_file(struct ipc_namespace *ns, int shmid);
int shm_file_id(struct file *file, struct ipc_namespace **ns);
long shmget_id(key_t key, size_t size, int shmflg, int id);
#endif
"""
STUBS = """static inline void exit_shm(struct task_struct *task)
{
}

#ifdef CONFIG_CHECKPOINT
static inline int shm_file_id(struct file *file, struct ipc_namespace **ns)
{
	return -EINVAL;
}
#endif
"""
NEXT_ID = """
#ifdef CONFIG_CHECKPOINT
/**
 * ipc_next_id - have the next object made in @ids get @id, for restart
 * @ids: ipc identifier set, of a namespace that restart() made and in
 *       which no other task runs
 * @id: the id
 *
 * Return: 0, -EEXIST if an object has the index of @id, or -EINVAL.
 */
int ipc_next_id(struct ipc_ids *ids, int id)
{
\tbool taken;

\tif (id < 0 || ipcid_to_idx(id) >= ipc_mni ||
\t    ipcid_to_seqx(id) >= ipcid_seq_max())
\t\treturn -EINVAL;
\tdown_read(&ids->rwsem);
\ttaken = idr_find(&ids->ipcs_idr, ipcid_to_idx(id));
\tup_read(&ids->rwsem);
\tif (taken)
\t\treturn -EEXIST;
\tids->next_id = id;
\treturn 0;
}
#endif
"""
EDITS = [
    ("include/linux/ipc_namespace.h", GUARD_OLD, GUARD_NEW),
    ("ipc/util.c", GUARD_OLD + "\tids->next_id = -1;\n",
     GUARD_NEW + "\tids->next_id = -1;\n"),
    ("ipc/util.c", GUARD_OLD + "\tnext_id = ids->next_id;\n",
     GUARD_NEW + "\tnext_id = ids->next_id;\n"),
    ("ipc/util.c", """\t\treturn ipcget_public(ns, ids, ops, params);
}
""", """\t\treturn ipcget_public(ns, ids, ops, params);
}
""" + NEXT_ID),
    ("ipc/util.h", """int ipcget(struct ipc_namespace *ns, struct ipc_ids *ids,
\t\t\tconst struct ipc_ops *ops, struct ipc_params *params);
""", """int ipcget(struct ipc_namespace *ns, struct ipc_ids *ids,
\t\t\tconst struct ipc_ops *ops, struct ipc_params *params);
#ifdef CONFIG_CHECKPOINT
int ipc_next_id(struct ipc_ids *ids, int id);
#endif
"""),
    ("ipc/util.c", "/* !CHECKPOINT_RESTORE or next_id is unset */",
     "/* next_id is unset, or there is none */"),
    ("ipc/shm.c",
     "/*\n * Fix shmaddr, allocate descriptor, map shm, add attach descriptor to lists.\n",
     FUNCS + "/*\n * Fix shmaddr, allocate descriptor, map shm, add attach descriptor to lists.\n"),
    ("include/linux/shm.h", "struct file;\nstruct task_struct;\n",
     "struct file;\nstruct ipc_namespace;\nstruct shmid64_ds;\nstruct task_struct;\n"),
    ("include/linux/shm.h",
     "long do_shmat(int shmid, char __user *shmaddr, int shmflg, unsigned long *addr,\n\t      unsigned long shmlba);\nvoid exit_shm(struct task_struct *task);\n",
     DECLS),
    ("include/linux/shm.h", "static inline void exit_shm(struct task_struct *task)\n{\n}\n", STUBS),
]
