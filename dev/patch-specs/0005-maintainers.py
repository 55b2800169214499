NAME = "0005-MAINTAINERS-add-an-entry-for-checkpoint-restart"
SUBJECT = "MAINTAINERS: add an entry for checkpoint/restart"
BODY = """
List the files of the checkpoint/restart subsystem.
"""
EDITS = [
    ("MAINTAINERS",
     "F:\tDocumentation/dev-tools/checkpatch.rst\n\n",
     "F:\tDocumentation/dev-tools/checkpatch.rst\n\n"
     "CHECKPOINT/RESTART OF PROCESS TREES\n"
     "L:\tlinux-mm@kvack.org\n"
     "L:\tlinux-kernel@vger.kernel.org\n"
     "S:\tMaintained\n"
     "F:\tDocumentation/checkpoint/\n"
     "F:\tarch/x86/checkpoint/\n"
     "F:\tfs/checkpoint.c\n"
     "F:\tinclude/linux/checkpoint.h\n"
     "F:\tinclude/uapi/linux/checkpoint.h\n"
     "F:\tkernel/checkpoint/\n"
     "F:\tmm/checkpoint.c\n"
     "F:\ttools/testing/selftests/cr/\n\n"),
]
