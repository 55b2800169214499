#!/usr/bin/env python3
"""Make the patch series that patches/SERIES defines, and check it.

  dev/series.py make     commit each patch on the pristine source in
                         build/series-tree, then git format-patch it,
                         with a cover letter, into build/series/
  dev/series.py refresh  as make, but apply the diffs with patch(1), fuzz
                         allowed, and rewrite each patches/*.diff as it
                         applied: run it after editing a diff by hand
  dev/series.py check    prove the series made by "make" (see README.md)
  dev/series.py apply    the quick part of check: git am, same end tree

The identity of the patches is whoever runs this: git config user.name
and user.email.
"""
import os
import re
import shutil
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARBALL = "/usr/src/linux-source-6.12.tar.xz"
# The tree sits at the same depth under build/series-tree as the normal
# one under the checkout, so that ccache (CCACHE_BASEDIR) shares objects.
WORK = os.path.join(TOP, "build/series-tree")
TREE = os.path.join(WORK, "build/linux-source-6.12")
OBJ = os.path.join(WORK, "build/kernel")
OUT = os.path.join(TOP, "build/series")
SRC = os.environ.get("SRC", os.path.join(TOP, "build/linux-source-6.12"))


def run(*cmd, cwd=TREE, env=None, check=True, quiet=False):
    r = subprocess.run(cmd, cwd=cwd, env=env, text=True,
                       stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL if quiet else None)
    if check and r.returncode:
        sys.exit(f"series: {' '.join(cmd)} failed ({r.returncode})")
    return r.stdout


def say(verb, what):
    print(f"  {verb:<7} {what}", flush=True)


def parse():
    """patches/SERIES as (cover subject, cover text, [patch dicts])."""
    entries = []
    for line in open(os.path.join(TOP, "patches/SERIES")):
        line = line.rstrip("\n")
        m = re.match(r"(cover|patch): (.*)", line)
        if m:
            entries.append({"kind": m[1], "subject": m[2], "diff": [],
                            "new": [], "body": [], "head": True})
            continue
        if not entries:
            continue
        e = entries[-1]
        if e["head"]:
            m = re.match(r"(diff|new): (.*)", line)
            if m:
                e[m[1]] += m[2].split()
                continue
            e["head"] = False
        e["body"].append(line)
    for e in entries:
        e["body"] = "\n".join(e["body"]).strip("\n") + "\n"
    cover = [e for e in entries if e["kind"] == "cover"]
    patches = [e for e in entries if e["kind"] == "patch"]
    if len(cover) != 1 or not patches:
        sys.exit("series: patches/SERIES needs one cover and some patches")
    return cover[0], patches


def identity():
    """The runner's git identity, as environment for git."""
    who = {}
    for key in ("name", "email"):
        r = subprocess.run(["git", "config", f"user.{key}"], cwd=TOP,
                           capture_output=True, text=True)
        who[key] = r.stdout.strip()
        if not who[key]:
            sys.exit(f"series: git config user.{key} is not set: the "
                     "patches carry the identity of whoever makes them")
    env = dict(os.environ)
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = who["name"]
        env[f"GIT_{role}_EMAIL"] = who["email"]
    return env, f"{who['name']} <{who['email']}>"


def debian_version():
    return run("dpkg-query", "-W", "-f=${Version}", "linux-source-6.12",
               cwd=TOP)


def owners(patches):
    """Map each file of this repository that a patch adds to the patch."""
    claims = {}
    for i, p in enumerate(patches):
        for path in p["new"]:
            if not os.path.exists(os.path.join(TOP, path)):
                sys.exit(f"series: {path} does not exist")
            claims[path.rstrip("/")] = i
    tracked = run("git", "ls-files", *claims, cwd=TOP).split()
    owner = {}
    for f in tracked:
        best = max((c for c in claims if f == c or f.startswith(c + "/")),
                   key=len)
        owner[f] = claims[best]
    return owner


def kconfig_symbols(text, added_only):
    pat = r"^\+\s*(?:menu)?config\s+(\w+)" if added_only else \
          r"^\s*(?:menu)?config\s+(\w+)"
    return set(re.findall(pat, text, re.M))


def kconfig_changed(text):
    """The Kconfig symbols whose entries the diff @text changes."""
    changed, cur, kconfig = set(), None, False
    for line in text.splitlines():
        if line.startswith("+++ "):
            kconfig, cur = "Kconfig" in line, None
            continue
        if line.startswith(("--- ", "diff ", "@@")) or not kconfig:
            if line.startswith("@@"):
                cur = None
            continue
        m = re.match(r"^[ +-]\s*(?:menu)?config\s+(\w+)", line)
        if m:
            cur = m[1]
        elif line[:1] in "+-" and cur:
            changed.add(cur)
    return changed


def base(env):
    """The pristine source, committed once and tagged "base"."""
    version = debian_version()
    stamp = os.path.join(WORK, "base-version")
    old = open(stamp).read() if os.path.exists(stamp) else None
    if old == version and os.path.isdir(os.path.join(TREE, ".git")):
        run("git", "checkout", "-q", "-f", "--detach", "base")
        run("git", "clean", "-q", "-f", "-d", "-x")
        return version
    say("UNPACK", TARBALL)
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(TREE)
    run("tar", "-xf", TARBALL, "-C", TREE, "--strip-components=1")
    run("git", "init", "-q")
    run("git", "config", "core.autocrlf", "false")
    run("git", "add", "-A", "-f")
    run("git", "commit", "-q", "--no-verify", "-m",
        f"Debian linux-source-6.12 {version}", env=env)
    run("git", "tag", "base")
    open(stamp, "w").write(version)
    return version


def make(refresh=False):
    env, who = identity()
    cover, patches = parse()
    owner = owners(patches)
    version = base(env)
    diffs = [d for p in patches for d in p["diff"]]
    final = set()
    for d in diffs:
        final |= kconfig_symbols(open(os.path.join(TOP, d)).read(), True)
    for f in owner:
        if os.path.basename(f).startswith("Kconfig"):
            final |= kconfig_symbols(open(os.path.join(TOP, f)).read(), False)
    defined = set()
    present = []
    for i, p in enumerate(patches):
        for d in p["diff"]:
            path = os.path.join(TOP, d)
            if refresh:
                before = run("git", "write-tree").strip()
                run("patch", "-s", "-p1", "-F3", "--no-backup-if-mismatch",
                    "-i", path)
                run("git", "add", "-A", "-f")
                open(path, "w").write(run("git", "diff-index", "-p",
                                          "--cached", before))
            else:
                run("git", "apply", "--index", path)
            defined |= kconfig_symbols(open(path).read(), True)
        mine = [f for f, o in owner.items() if o == i]
        for f in mine:
            if os.path.basename(f).startswith("Kconfig"):
                defined |= kconfig_symbols(open(os.path.join(TOP, f)).read(),
                                           False)
        present += mine
        # New code under a Kconfig symbol of a later patch is left out,
        # as the preprocessor leaves it out.
        undef = sorted(final - defined)
        for f in present:
            dst = os.path.join(TREE, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(TOP, f), dst)
            if undef and f.endswith((".c", ".h")):
                r = subprocess.run([UNIFDEF] + [f"-UCONFIG_{s}" for s in undef]
                                   + [dst], capture_output=True, text=True)
                if r.returncode > 1:
                    sys.exit(f"series: unifdef {f}: {r.stderr}")
                # what was between two blank lines leaves one
                open(dst, "w").write(re.sub(r"\n\n\n+", "\n\n", r.stdout))
        run("git", "add", "-A", "-f")
        msg = f"{p['subject']}\n\n{p['body']}\nSigned-off-by: {who}\n"
        subprocess.run(["git", "commit", "-q", "--no-verify", "-F", "-"],
                       cwd=TREE, env=env, input=msg, text=True, check=True)
        say("COMMIT", p["subject"])
    if set(final) - defined:
        sys.exit(f"series: never defined: {sorted(set(final) - defined)}")
    run("git", "branch", "-f", "series", "HEAD")
    shutil.rmtree(OUT, ignore_errors=True)
    run("git", "format-patch", "-q", "--cover-letter", "--no-signature",
        "--subject-prefix=PATCH", "-o", OUT, "base..series", env=env)
    write_cover(cover, version, len(patches))
    say("SERIES", f"{os.path.relpath(OUT, TOP)}/: {len(patches)} patches "
        "and a cover letter")


UNIFDEF = os.path.join(TOP, "build/unifdef")


def write_cover(cover, version, n):
    path = [f for f in sorted(os.listdir(OUT)) if f.startswith("0000-")][0]
    path = os.path.join(OUT, path)
    text = open(path).read()
    upstream = version.split("-")[0]
    blurb = (cover["body"] + "\nThe series applies to the source of Debian's "
             f"linux-source-6.12 package,\nversion {version} (Linux "
             f"{upstream} with Debian's changes).\n")
    text = text.replace("*** SUBJECT HERE ***", cover["subject"])
    text = text.replace("*** BLURB HERE ***", blurb.rstrip("\n"))
    open(path, "w").write(text)


def patches_made():
    if not os.path.isdir(OUT):
        sys.exit("series: no build/series/: run make series first")
    return sorted(os.path.join(OUT, f) for f in os.listdir(OUT)
                  if f.endswith(".patch") and not f.startswith("0000-"))


def apply_check(env):
    """git am the patches on the base; the tree must be the series' and
    the one make kernel builds."""
    files = patches_made()
    run("git", "checkout", "-q", "-f", "-B", "am-check", "base")
    run("git", "clean", "-q", "-f", "-d", "-x")
    say("AM", f"{len(files)} patches on base")
    run("git", "am", "-q", "--whitespace=error-all", *files, env=env)
    if run("git", "rev-parse", "am-check^{tree}") != \
       run("git", "rev-parse", "series^{tree}"):
        sys.exit("series: git am does not end at the series' tree")
    say("CMP", f"series end against {os.path.relpath(SRC, TOP)}")
    idx = dict(os.environ, GIT_INDEX_FILE=os.path.join(WORK, "cmp-index"))
    run("git", "read-tree", "series", env=idx)
    diff = run("git", f"--work-tree={SRC}", "diff", "--name-status", env=idx)
    extra = [f for f in run("git", f"--work-tree={SRC}", "ls-files", "-o",
                            env=idx).split()
             # what prepare-src.sh keeps, and what the Sphinx build of
             # the documentation writes into the source tree
             if not f.startswith((".cr-patches/",
                                  "Documentation/networking/netlink_spec/"))]
    if diff or extra:
        sys.exit("series: the series does not end at the tree make kernel "
                 f"builds:\n{diff}" + "".join(f"?\t{f}\n" for f in extra))


def build(rev, config, out, later=frozenset()):
    """Build @rev with configs/base.config, CONFIG_CHECKPOINT=@config. Before
    the patch that adds it, the fragment's options of this project are
    left out: the kernel has no such option yet; so are those whose Kconfig
    entries a later patch changes (@later), as it may make them possible."""
    run("git", "checkout", "-q", "-f", rev)
    env = dict(os.environ, SRC=TREE)
    text = open(os.path.join(TOP, "configs/base.config")).read()
    if config == "n":
        text += open(os.path.join(TOP, "configs/nocr.config")).read()
    known = kconfig_symbols(run("git", "grep", "-h", "-E",
                                r"^\s*(menu)?config\s", "--", "*Kconfig*"),
                            False)
    keep = [line for line in text.splitlines()
            if not re.match(r"(# )?CONFIG_(\w+)", line) or
            re.match(r"(# )?CONFIG_(\w+)", line)[2] in known - later]
    frag = os.path.join(WORK, f"config-{config}")
    open(frag, "w").write("\n".join(keep) + "\n")
    r = subprocess.run([os.path.join(TOP, "dev/build-kernel.sh"), out, frag],
                       env=env, stdout=subprocess.DEVNULL)
    return r.returncode == 0


def check():
    env, _ = identity()
    start = time.time()
    failed = []
    apply_check(env)
    revs = run("git", "rev-list", "--reverse", "base..series").split()
    say("CHECK", "checkpatch --strict")
    # spdxcheck.py needs Debian's python3, with python3-ply
    cpenv = dict(os.environ, PATH="/usr/bin:" + os.environ.get("PATH", ""))
    for f in patches_made():
        # Two rules for kernel code are wrong for user-space tests: they
        # test for ENOSYS, and signal handlers set volatile sig_atomic_t.
        # The kernel files of these patches are checked without them by
        # make lint.
        ign = ["--ignore", "ENOSYS,VOLATILE"] \
            if "+++ b/tools/testing/selftests/" in open(f).read() else []
        out = run("perl", "scripts/checkpatch.pl", "--strict", "--quiet",
                  *ign, f, env=cpenv, check=False)
        if out:
            print(f"{os.path.basename(f)}:\n{out}")
            failed.append(f"checkpatch {os.path.basename(f)}")
    _, patches = parse()
    changed = [set().union(*(kconfig_changed(open(os.path.join(TOP, d)).read())
                             for d in p["diff"])) for p in patches]
    for n, rev in enumerate(revs, 1):
        subject = run("git", "log", "-1", "--format=%s", rev).strip()
        later = set().union(*changed[n:])
        for config in ("y", "n") if n in (1, len(revs)) else ("y",):
            say("BUILD", f"{n}/{len(revs)} ={config} {subject}")
            if not build(rev, config, OBJ if config == "y" else OBJ + "-nocr",
                         later):
                failed.append(f"build {n} ={config}")
    run("git", "checkout", "-q", "-f", "series")
    if failed:
        sys.exit("series: failed: " + ", ".join(failed))
    say("OK", f"series checked in {time.time() - start:.0f} s")


def main():
    if not os.path.exists(UNIFDEF):
        os.makedirs(os.path.dirname(UNIFDEF), exist_ok=True)
        subprocess.run(["gcc", "-O2", "-o", UNIFDEF,
                        os.path.join(SRC, "scripts/unifdef.c")], check=True)
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd in ("make", "refresh"):
        make(refresh=cmd == "refresh")
    elif cmd == "check":
        check()
    elif cmd == "apply":
        apply_check(identity()[0])
    else:
        sys.exit(__doc__)


main()
