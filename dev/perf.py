#!/usr/bin/python3
"""perf.py KERNEL INITRD RUNS [WORKLOAD,...]: make bench.

Boots one guest, which runs cr_perf: the guest's bandwidths, then each
workload RUNS times with cr and with CRIU. Prints the side-by-side table
(medians, min-max, ratios) and writes it to build/perf.txt; the guest's
raw lines go to build/perf.console. Exits 1 if anything failed, CRIU
included: a missing column is said, never dropped.
"""
import os
import re
import statistics
import subprocess
import sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
kernel, initrd, runs = sys.argv[1:4]
workloads = sys.argv[4] if len(sys.argv) > 4 else ""
spec = runs + (":" + workloads if workloads else "")

# -mem-prealloc: the host touches all guest memory at the start, not when
# the guest first writes a page - which would be measured as the guest's.
env = dict(os.environ, CR_MEM="6G", CR_TIMEOUT="14400",
           CR_QEMU_ARGS="-mem-prealloc")
console = os.path.join(top, "build", "perf.console")
print("  PERF    one boot, %s runs each: %s" % (runs, workloads or "all workloads"),
      file=sys.stderr)
with open(console, "w") as out:
    guest = subprocess.Popen([os.path.join(top, "dev", "run-guest.sh"), kernel,
                              initrd, "perf", spec], env=env,
                             stdout=subprocess.PIPE, text=True, errors="replace")
    for line in guest.stdout:
        out.write(line)
        line = line.strip()
        if line.startswith(("T ", "FAIL", "CRIU-")):
            print("  " + line, file=sys.stderr)
    guest.wait()

times, sizes, bw, fails, notes, profiles = {}, {}, {}, [], [], []
profile = None
inside = False
for line in open(console, errors="replace"):
    line = line.strip().replace("\r", "")
    if line == "CR-PERF-BEGIN":
        inside = True
    elif line == "CR-PERF-END":
        inside = False
    if not inside:
        continue
    f = line.split()
    if not f:
        continue
    if f[0] == "T" and len(f) == 5:
        times.setdefault((f[1], f[2], f[3]), []).append(float(f[4]))
    elif f[0] == "S" and len(f) == 4:
        sizes.setdefault((f[1], f[2]), []).append(int(f[3]))
    elif f[0] == "BW" and len(f) == 3:
        bw.setdefault(f[1], []).append(float(f[2]))
    elif f[0] == "FAIL":
        fails.append(line)
    elif f[0].startswith("CRIU-"):
        notes.append(line)
    elif f[0] == "CR-PROFILE-BEGIN":
        profile = [line]
        profiles.append(profile)
    elif profile is not None and f[0] != "CR-PROFILE-END":
        profile.append(line)
    if f and f[0] == "CR-PROFILE-END":
        profile = None


def med(v):
    return statistics.median(v) if v else None


def fmt_ms(v):
    if not v:
        return "-"
    m = med(v)
    if m >= 1000:
        return "%.2f s (%.2f-%.2f)" % (m / 1000, min(v) / 1000, max(v) / 1000)
    return "%.1f ms (%.1f-%.1f)" % (m, min(v), max(v))


def ratio(a, b):
    if not a or not b:
        return "-"
    return "%.1fx" % (med(b) / med(a))


order = []
for (w, tool, op) in times:
    if w not in order:
        order.append(w)

lines = []
say = lines.append
say("cr against CRIU in one boot of one guest: median (min-max) of %s runs;" % runs)
say("'x' is CRIU's time over ours. Commands timed from fork() to exit;")
say("'-n': cr checkpoint -n, the pages left out of the image's checksum.")
say("")
say("Guest bandwidth, median of 3: " + ", ".join(
    "%s %.0f MB/s" % (k, med(v)) for k, v in bw.items()))
say("")
hdr = "%-10s %-11s %-26s %-26s %7s" % ("workload", "op", "cr", "criu", "x")
say(hdr)
say("-" * len(hdr))
for w in order:
    for op, cop in (("dump-kill", "dump-kill"), ("dump-kill-n", "dump-kill"),
                    ("dump-run", "dump-run"), ("dump-run-n", "dump-run"),
                    ("restart", "restore"), ("restart-n", "restore"),
                    ("dump-pipe", None), ("dump-pipe-n", None),
                    ("pre-full-n", "pre-full"), ("pre-incr-n", "pre-incr"),
                    ("pre-last-n", "pre-last"),
                    ("pre-restart-n", "pre-restart")):
        a = times.get((w, "cr", op))
        b = times.get((w, "criu", cop))
        if a or (b and not op.endswith("-n")):
            say("%-10s %-11s %-26s %-26s %7s" % (w, op, fmt_ms(a), fmt_ms(b),
                                                 ratio(a, b)))
    for suffix in ("", "-pre-full", "-pre-incr", "-pre-last"):
        sa = sizes.get((w, "cr" + suffix))
        sb = sizes.get((w, "criu" + suffix))
        if not sa and not sb:
            continue
        say("%-10s %-11s %-26s %-26s" % (w, "image" + suffix[4:] if suffix else "image",
                                        "%d KiB" % (med(sa) / 1024) if sa else "-",
                                        "%d KiB" % (med(sb) / 1024) if sb else "-"))
say("")
# Throughput of the memory workloads, against the guest's own bandwidth.
wbw, rbw = med(bw.get("write", [])), med(bw.get("read", []))
pbw = med(bw.get("pipe", []))
fbw = med(bw.get("fault", []))
# Restart reads each page into new memory: both costs, one after the other.
rfbw = 1 / (1 / rbw + 1 / fbw) if rbw and fbw else rbw
for w in order:
    m = re.match(r"mem(\d+)$", w)
    if not m or not wbw:
        continue
    mb = int(m.group(1)) * 1048576 / 1e6
    cells = []
    for tool, op, ref, name in (("cr", "dump-kill", wbw, "write"),
                                ("cr", "dump-kill-n", wbw, "write"),
                                ("criu", "dump-kill", wbw, "write"),
                                ("cr", "dump-pipe", pbw, "pipe"),
                                ("cr", "dump-pipe-n", pbw, "pipe"),
                                ("cr", "restart", rfbw, "fault+read"),
                                ("cr", "restart-n", rfbw, "fault+read"),
                                ("criu", "restore", rfbw, "fault+read")):
        v = times.get((w, tool, op))
        if v:
            rate = mb / (med(v) / 1000)
            cells.append("%s %s %.0f MB/s (%.0f%% of %s)" %
                         (tool, op, rate, 100 * rate / ref, name))
    say("%s:\n  %s" % (w, "\n  ".join(cells)))
# Pre-copy: the pause of the last image against that of a full dump.
for w in order:
    full = times.get((w, "cr", "dump-kill-n"))
    last = times.get((w, "cr", "pre-last-n"))
    if not full or not last:
        continue
    line = "%s: pause, full dump with kill %.0f ms; pre-copy's last image %.0f ms (%.1fx shorter)" % (
        w, med(full), med(last), med(full) / med(last))
    cfull, clast = times.get((w, "criu", "dump-kill")), times.get((w, "criu", "pre-last"))
    if cfull and clast:
        line += "; criu %.0f and %.0f ms" % (med(cfull), med(clast))
    say(line)
for n in notes:
    say(n)
if profiles:
    say("")
    say("Where the time goes: perf record -e cpu-clock of one run of cr's")
    say("operations on each workload and all they fork (start, dump-run,")
    say("dump-kill, restart, check), flat, symbols over 1%:")
for p in profiles:
    say("")
    say(p[0].replace("CR-PROFILE-BEGIN ", "profile of "))
    for l in p[1:]:
        say("  " + l)
for f in fails:
    say(f)
if not any(k[1] == "criu" for k in times):
    say("NO CRIU FIGURES: criu did not run in the guest (see above and %s)" % console)

text = "\n".join(lines) + "\n"
sys.stdout.write(text)
with open(os.path.join(top, "build", "perf.txt"), "w") as f:
    f.write(text)
sys.exit(1 if fails or guest.returncode or not times else 0)
