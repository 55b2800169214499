#!/usr/bin/env python3
"""Write patches/NNNN-name.patch from edits applied to pristine upstream files.

Usage: dev/mkpatch.py SPEC.py  -- SPEC defines NAME, SUBJECT, BODY and EDITS,
a list of (path, old, new) string replacements against the pristine tarball,
and optionally AFTER, the specs of earlier patches to the same files.
Kept so that a patch can be regenerated when the upstream base moves.
"""
import io, os, subprocess, sys, tempfile

TARBALL = "/usr/src/linux-source-6.12.tar.xz"
PREFIX = "linux-source-6.12/"

def pristine(paths):
    out = {}
    names = {PREFIX + p: p for p in paths}
    r = subprocess.run(["tar", "-xOf", TARBALL] + list(names), capture_output=True)
    # tar -O concatenates; extract one at a time to keep them apart
    for full, p in names.items():
        r = subprocess.run(["tar", "-xOf", TARBALL, full], capture_output=True, check=True)
        out[p] = r.stdout.decode()
    return out

def main():
    spec = {}
    exec(open(sys.argv[1]).read(), spec)
    paths = sorted({e[0] for e in spec["EDITS"]})
    orig = pristine(paths)
    # AFTER: earlier specs whose edits of the same files come first.
    for earlier in spec.get("AFTER", []):
        prev = {}
        exec(open(os.path.join(os.path.dirname(sys.argv[1]), earlier)).read(), prev)
        for path, old, repl in prev["EDITS"]:
            if path in orig:
                orig[path] = orig[path].replace(old, repl, 1)
    new = dict(orig)
    for path, old, repl in spec["EDITS"]:
        if new[path].count(old) != 1:
            sys.exit(f"{path}: anchor found {new[path].count(old)} times: {old[:60]!r}")
        new[path] = new[path].replace(old, repl)
    # No author and no sign-off: whoever sends the series adds theirs.
    buf = io.StringIO()
    buf.write(f"Subject: [PATCH] {spec['SUBJECT']}\n\n{spec['BODY'].strip()}\n---\n")
    with tempfile.TemporaryDirectory() as tmp:
        for p in paths:
            for side, text in (("a", orig[p]), ("b", new[p])):
                os.makedirs(os.path.dirname(f"{tmp}/{side}/{p}"), exist_ok=True)
                open(f"{tmp}/{side}/{p}", "w").write(text)
            d = subprocess.run(["git", "diff", "--no-index", "--no-prefix",
                                f"a/{p}", f"b/{p}"], cwd=tmp,
                               capture_output=True, text=True).stdout
            buf.write(d.replace(f" a/{p} b/{p}\n", f" a/{p} b/{p}\n", 1))
    os.makedirs("patches", exist_ok=True)
    open(f"patches/{spec['NAME']}.patch", "w").write(buf.getvalue())

main()
