NAME = "0006-lsm-add-a-hook-for-new-pseudo-files"
SUBJECT = "lsm: add a hook for new pseudo files"
BODY = """
Files opened by path reach the file_open hook, but files made by
alloc_file_pseudo() - pipes, sockets, anon-inode files such as eventfd,
epoll, perf_event or io_uring, memfd and shmem files - reach no hook
once they have their file operations. An LSM that wants to know what
kinds of files a task creates has no place to look.

Add file_alloc_pseudo, called once a pseudo file is fully set up, with
its inode, path and f_op in place. It is a notification: it cannot fail
the allocation, so no caller changes.

The checkpoint LSM uses it to mark tasks that create state
checkpoint/restart cannot save.
"""
EDITS = [
    ("include/linux/lsm_hook_defs.h",
     "LSM_HOOK(int, 0, file_receive, struct file *file)\n",
     "LSM_HOOK(int, 0, file_receive, struct file *file)\n"
     "LSM_HOOK(void, LSM_RET_VOID, file_alloc_pseudo, struct file *file)\n"),
    ("include/linux/security.h",
     "int security_file_receive(struct file *file);\n",
     "int security_file_receive(struct file *file);\n"
     "void security_file_alloc_pseudo(struct file *file);\n"),
    ("include/linux/security.h",
     "static inline int security_file_receive(struct file *file)\n{\n\treturn 0;\n}\n",
     "static inline int security_file_receive(struct file *file)\n{\n\treturn 0;\n}\n\n"
     "static inline void security_file_alloc_pseudo(struct file *file)\n{ }\n"),
    ("security/security.c",
     "int security_file_receive(struct file *file)\n{\n\treturn call_int_hook(file_receive, file);\n}\n",
     "int security_file_receive(struct file *file)\n{\n\treturn call_int_hook(file_receive, file);\n}\n\n"
     "/**\n"
     " * security_file_alloc_pseudo() - Note a new pseudo file\n"
     " * @file: the file, with its inode, path and file operations set up\n"
     " *\n"
     " * Tell security modules of a file made by alloc_file_pseudo(): a pipe,\n"
     " * a socket, an anon-inode file, a shmem file. Such files are not opened\n"
     " * by path and so never reach security_file_open().\n"
     " */\n"
     "void security_file_alloc_pseudo(struct file *file)\n{\n"
     "\tcall_void_hook(file_alloc_pseudo, file);\n}\n"),
    ("fs/file_table.c",
     "\tfile = alloc_file(&path, flags, fops);\n\tif (IS_ERR(file)) {\n\t\tihold(inode);\n\t\tpath_put(&path);\n\t}\n\treturn file;\n}\nEXPORT_SYMBOL(alloc_file_pseudo);\n",
     "\tfile = alloc_file(&path, flags, fops);\n\tif (IS_ERR(file)) {\n\t\tihold(inode);\n\t\tpath_put(&path);\n\t\treturn file;\n\t}\n"
     "\tsecurity_file_alloc_pseudo(file);\n\treturn file;\n}\nEXPORT_SYMBOL(alloc_file_pseudo);\n"),
]
