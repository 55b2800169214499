NAME = "0029-docs-link-the-checkpoint-restart-book"
SUBJECT = "docs: link the checkpoint/restart book"
BODY = """
List Documentation/checkpoint/ among the core subsystems' books, so that
it is built and found with the rest.
"""
EDITS = [
    ("Documentation/subsystem-apis.rst",
     "   mm/index\n",
     "   mm/index\n"
     "   checkpoint/index\n"),
]
