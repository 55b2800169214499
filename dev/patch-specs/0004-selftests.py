NAME = "0004-selftests-add-the-cr-target"
SUBJECT = "selftests: add the cr (checkpoint/restart) target"
BODY = """
Build and run tools/testing/selftests/cr/ with the other targets.
"""
EDITS = [
    ("tools/testing/selftests/Makefile",
     "TARGETS += core\n",
     "TARGETS += core\nTARGETS += cr\n"),
]
