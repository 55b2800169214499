NAME = "0005-MAINTAINERS-add-an-entry-for-checkpoint-restart"
SUBJECT = "MAINTAINERS: add entries for checkpoint/restart"
BODY = """
List the files of the checkpoint/restart subsystem, and the lists that
review them: linux-mm, through whose tree the series goes, and
linux-api for the syscalls and the image format. Its AF_UNIX part is
also netdev's, and its LSM the LSM list's.
"""
EDITS = [
    ("MAINTAINERS",
     "F:\tDocumentation/dev-tools/checkpatch.rst\n\n",
     "F:\tDocumentation/dev-tools/checkpatch.rst\n\n"
     "CHECKPOINT LSM\n"
     "L:\tlinux-security-module@vger.kernel.org\n"
     "S:\tMaintained\n"
     "F:\tsecurity/checkpoint/\n\n"
     "CHECKPOINT/RESTART OF AF_UNIX SOCKETS\n"
     "L:\tnetdev@vger.kernel.org\n"
     "S:\tMaintained\n"
     "F:\tnet/unix/checkpoint.c\n\n"
     "CHECKPOINT/RESTART OF PROCESS TREES\n"
     "L:\tlinux-mm@kvack.org\n"
     "L:\tlinux-api@vger.kernel.org\n"
     "L:\tlinux-kernel@vger.kernel.org\n"
     "S:\tMaintained\n"
     "T:\tgit git://git.kernel.org/pub/scm/linux/kernel/git/akpm/mm\n"
     "F:\tDocumentation/checkpoint/\n"
     "F:\tarch/x86/checkpoint/\n"
     "F:\tfs/checkpoint.c\n"
     "F:\tinclude/linux/checkpoint.h\n"
     "F:\tinclude/uapi/linux/checkpoint.h\n"
     "F:\tipc/checkpoint.c\n"
     "F:\tipc/mq_checkpoint.c\n"
     "F:\tkernel/checkpoint/\n"
     "F:\tmm/checkpoint.c\n"
     "F:\tnet/unix/checkpoint.c\n"
     "F:\tsecurity/checkpoint/\n"
     "F:\ttools/testing/selftests/cr/\n\n"),
]
