NAME = "0007-lsm-add-an-id-for-the-checkpoint-LSM"
SUBJECT = "lsm: add an id for the checkpoint LSM"
BODY = """
The checkpoint LSM keeps a one-way per-task flag, set when a task
creates state that checkpoint/restart cannot save. Give it an LSM id
and count it among the LSMs that can be built in.
"""
EDITS = [
    ("include/uapi/linux/lsm.h",
     "#define LSM_ID_IPE\t\t113\n",
     "#define LSM_ID_IPE\t\t113\n#define LSM_ID_CHECKPOINT\t114\n"),
    ("include/linux/lsm_count.h",
     "#if IS_ENABLED(CONFIG_SECURITY_IPE)\n#define IPE_ENABLED 1,\n#else\n#define IPE_ENABLED\n#endif\n",
     "#if IS_ENABLED(CONFIG_SECURITY_IPE)\n#define IPE_ENABLED 1,\n#else\n#define IPE_ENABLED\n#endif\n\n"
     "#if IS_ENABLED(CONFIG_CHECKPOINT)\n#define CHECKPOINT_ENABLED 1,\n#else\n#define CHECKPOINT_ENABLED\n#endif\n"),
    ("include/linux/lsm_count.h",
     "\t\tEVM_ENABLED\t\t\\\n\t\tIPE_ENABLED)\n",
     "\t\tEVM_ENABLED\t\t\\\n\t\tIPE_ENABLED\t\t\\\n\t\tCHECKPOINT_ENABLED)\n"),
]
