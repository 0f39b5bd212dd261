#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""bench/bench.py [BUILD_DIR], what bench/run runs: how fast viommu-dtgen
is, against the targets of issue 12; prints the tables and writes them to
bench/RESULTS.md.

A benchmark, not a test: nothing here fails because the machine is slow or
a target is missed (a missed target is marked **MISSED** in the tables,
a failed run "failed").  It exits non-zero only when it cannot run at all.

How it measures:
  - each case is a set of commands run in paired, interleaved rounds: in
    each round every command of the case runs once, in an order that
    rotates from round to round.  A ratio is the median of the per-round
    ratios; an absolute figure is the median over the rounds.  Wall time
    and CPU time (user + sys of the child, from os.wait4) per run;
  - two yardsticks: `fdtget HOST / compatible`, the floor (a process that
    reads the host DTB), and `dtc -I dtb -O dtb HOST -o /dev/null`, for
    comparison with older figures (dtc looks phandles up by walking the
    tree: it is superlinear on hosts with many phandle references);
  - the tool with default options, its outputs (-o out.dtb, --map
    map.yaml) in a temporary directory inside BUILD_DIR, a real file
    system;
  - peak RSS from bench/maxrss.c, a small C parent (see there why not from
    Python's wait4);
  - the in-process time per guest with a reused host: bench/inproc.c,
    built against BUILD_DIR/libviommu-dtgen.a.

The cases: an R-Car H3 "typical guest", a few of the largest Debian kernel
DTBs, synthetic hosts of 256 to 65536 masters (bench/gen_synthetic.py),
the typical guest's partial with 16384 /aliases properties, and with
65536 /memreserve/ entries.

Needs python3 (3.9 or later, stdlib only), dtc and fdtget (Debian:
device-tree-compiler) and a C compiler.  BUILD_DIR (default: build) holds
viommu-dtgen, libviommu-dtgen.a and tests/mkpartial (`make bench` builds
them and runs this).  The real boards are the Debian arm64 kernel DTBs in
BUILD_DIR/hostdtb/dtbs, which `make check-corpus` downloads.

Knobs (environment):
  BENCH_ROUNDS=N       rounds per case (default 21).  A quick run:
                       BENCH_ROUNDS=3 BENCH_SCALES="256 1024 4096 16384"
  BENCH_BUDGET=S       about S seconds at most per command and case: a slow
                       command (dtc on a large host) runs in fewer rounds,
                       at least 3, or BENCH_ROUNDS if fewer (default 20)
  BENCH_DTC_TIMEOUT=S  a dtc run longer than S seconds is killed and dtc
                       left out of that case (default 30)
  BENCH_SCALES="N ..." synthetic sizes (default 256 1024 4096 16384 65536)
  BENCH_DTBS=DIR       the Debian kernel DTBs (default BUILD_DIR/hostdtb/dtbs)
"""
import datetime
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "bench"))
sys.dont_write_bytecode = True   # no __pycache__ in bench/
import fdt  # noqa: E402
import gen_synthetic  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "21"))
BUDGET = float(os.environ.get("BENCH_BUDGET", "20"))
DTC_TIMEOUT = float(os.environ.get("BENCH_DTC_TIMEOUT", "30"))
SCALES = [int(n) for n in os.environ.get(
    "BENCH_SCALES", "256 1024 4096 16384 65536").split()]
TOOL_TIMEOUT = 600       # a run of the tool that hangs is killed
MAX_INPUT = 64 << 20     # the tool's default --max-input-size
GUEST_GIC = 0xFDE8       # libxl's guest GIC phandle
MIB = 1 << 20

# The targets.
T_SCALE = 3.0         # tool wall <= 3x fdtget at every synthetic scale point
T_TYPICAL = 1.5       # R-Car typical guest <= 1.5x fdtget
T_INPROC = 50.0       # µs per guest, host reused
T_STEP = 4.5          # tool time at 4N <= 4.5x that at N
T_ALIASES = 1.5       # 16384 aliases within 1.5x of none
ALIAS_BASE = 16384    # the synthetic scale whose partial gets aliases too
T_RSS = (3, 4 * MIB)  # peak RSS <= 3x inputs + 4 MiB

# Set by main().
TOOL = FDTGET = DTC = WORK = RSS_HELPER = None


def say(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def run_quiet(argv, timeout=None):
    try:
        return subprocess.run(argv, check=False, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, -9, "", "timed out")


# ---- running and timing ----------------------------------------------------

class Sample:
    def __init__(self, wall, cpu, ok, why):
        self.wall, self.cpu, self.ok, self.why = wall, cpu, ok, why


def spawn(argv, timeout, errfile=os.devnull):
    """Run argv once, stdout to /dev/null: wall and CPU seconds."""
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, errfile,
                os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    pidfd = os.pidfd_open(pid)
    killed = not select.select([pidfd], [], [], timeout)[0]
    if killed:
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    os.close(pidfd)
    code = os.waitstatus_to_exitcode(status)
    why = (f"killed after {timeout:.0f} s" if killed else
           f"exit status {code}" if code else "")
    return Sample(wall, ru.ru_utime + ru.ru_stime, not why, why)


def peak_rss(argv):
    """ru_maxrss in bytes of one run of argv, from bench/maxrss.c."""
    r = run_quiet([RSS_HELPER, str(TOOL_TIMEOUT), *argv])
    kv = dict(f.split("=", 1) for f in r.stdout.split() if "=" in f)
    return int(kv["maxrss_kib"]) * 1024 if kv.get("status") == "0" else None


class Case:
    """Commands ({name: argv}) timed in paired, interleaved rounds; the
    peak RSS of those named in rss."""

    def __init__(self, label, cmds, timeouts=None, rss=("tool",)):
        timeouts = timeouts or {}
        self.samples = {k: [] for k in cmds}   # {name: [Sample or None]}
        self.failed = {}                       # {name: why}
        self.peak = {}                         # {name: bytes}
        rounds = {}
        # One untimed run each: warms the page cache, checks that the
        # command works and sizes its rounds.
        for name, argv in cmds.items():
            err = os.path.join(WORK, "stderr.txt")
            s = spawn(argv, timeouts.get(name, TOOL_TIMEOUT), err)
            if s.ok:
                rounds[name] = max(min(3, ROUNDS), min(ROUNDS, int(BUDGET / s.wall)))
                continue
            with open(err, errors="replace") as f:
                msg = " ".join(f.read().split())[:300]
            self.failed[name] = s.why + (f": {msg}" if msg else "")
            say(f"{label}: {name} failed: {self.failed[name]}")
        names = list(rounds)
        for r in range(max(rounds.values(), default=0)):
            for name in names[r % len(names):] + names[:r % len(names)]:
                if r < rounds[name]:
                    s = spawn(cmds[name], timeouts.get(name, TOOL_TIMEOUT))
                    self.samples[name].append(s if s.ok else None)
        for name in rss:
            if name in rounds and RSS_HELPER:
                v = [peak_rss(cmds[name])
                     for _ in range(3 if (self.wall(name) or 0) < 1 else 1)]
                v = [b for b in v if b]
                self.peak[name] = statistics.median(v) if v else None
        say(f"{label}: " + ", ".join(f"{k} {ms(self.wall(k))} ms" for k in names))

    def _ok(self, name):
        return [s for s in self.samples[name] if s]

    def n(self, name):
        return len(self._ok(name))

    def wall(self, name):
        v = self._ok(name)
        return statistics.median(s.wall for s in v) if v else None

    def cpu(self, name):
        v = self._ok(name)
        return statistics.median(s.cpu for s in v) if v else None

    def ratio(self, a, b, what="wall"):
        """Median of the per-round ratios a/b, over the rounds of both."""
        r = [getattr(x, what) / getattr(y, what)
             for x, y in zip(self.samples[a], self.samples[b])
             if x and y and getattr(y, what) > 0]
        return statistics.median(r) if r else None


# ---- inputs ----------------------------------------------------------------

def dtc_compile(src, dst):
    return run_quiet([DTC, "-q", "-I", "dts", "-O", "dtb", "-o", dst, src]
                     ).returncode == 0


def compile_c(src, exe, *args):
    """cc -O2 bench/SRC ARGS -o EXE; None, or why it failed."""
    r = run_quiet([os.environ.get("CC", "cc"), "-O2", "-std=c11",
                   os.path.join(TOP, "bench", src), *args, "-o", exe])
    return None if r.returncode == 0 else " ".join(r.stderr.split())[:300]


def cell(v):
    return int.from_bytes(v[:4], "big") if v is not None else None


def typical_guest(host_path, out_path):
    """Write the partial DT a toolstack writes to pass through every
    enabled IOMMU master (a node with iommus, no IOMMU itself) of a host:
    compatible, reg, interrupts, xen,reg and xen,path of each.
    returns: (devices, IDs)"""
    with open(host_path, "rb") as f:
        root, _ = fdt.parse(f.read())
    iommu_cells = {cell(n.get("phandle")): cell(n.get("#iommu-cells"))
                   for _, n in root.walk() if n.get("phandle")}
    pt = fdt.Node("passthrough")
    pt.props = [["compatible", fdt.strs("simple-bus")], ["ranges", b""],
                ["#address-cells", fdt.cells(2)], ["#size-cells", fdt.cells(2)]]
    ids = 0

    def add(node, path, parent_cells):
        nonlocal ids
        k = len(pt.children)
        d = fdt.Node(node.name if not pt.child(node.name) else f"dev{k}@{k:x}")
        if node.get("compatible"):
            d.props.append(["compatible", node.get("compatible")])
        reg = node.get("reg")
        if reg and parent_cells == (2, 2):
            d.props.append(["reg", reg])
            d.props.append(["xen,reg", b"".join(
                reg[i:i + 16] + reg[i:i + 8] for i in range(0, len(reg) - 15, 16))])
        else:
            d.props.append(["reg", fdt.cells(0, 0x10000000 + k * 0x1000, 0, 0x1000)])
        irq = node.get("interrupts")
        if irq and len(irq) % 12 == 0:
            d.props.append(["interrupt-parent", fdt.cells(GUEST_GIC)])
            d.props.append(["interrupts", irq])
        d.props.append(["xen,path", fdt.strs(path)])
        pt.children.append(d)
        spec = node.get("iommus")
        p = 0
        while p + 4 <= len(spec):
            p += 4 * (1 + (iommu_cells.get(cell(spec[p:])) or 0))
            ids += 1

    def visit(node, path, enabled, parent_cells):
        enabled = enabled and node.get("status") in (None, b"okay\0", b"ok\0")
        if enabled and node.get("iommus") and node.get("#iommu-cells") is None:
            add(node, path, parent_cells)
        ac, sc = cell(node.get("#address-cells")), cell(node.get("#size-cells"))
        for c in node.children:
            visit(c, path.rstrip("/") + "/" + c.name, enabled,
                  (2 if ac is None else ac, 1 if sc is None else sc))

    visit(root, "/", True, (2, 1))
    gic = fdt.Node("gic")
    gic.props = [["#address-cells", fdt.cells(0)],
                 ["#interrupt-cells", fdt.cells(3)],
                 ["interrupt-controller", b""], ["phandle", fdt.cells(GUEST_GIC)]]
    out = fdt.Node("")
    out.props = [["#address-cells", fdt.cells(2)], ["#size-cells", fdt.cells(2)]]
    out.children = [gic, pt]
    with open(out_path, "wb") as f:
        f.write(fdt.dump(out))
    return len(pt.children), ids


def with_aliases(src, dst, n):
    """src with an /aliases node of n properties of distinct names, each
    naming one of the passed-through nodes."""
    with open(src, "rb") as f:
        root, rsv = fdt.parse(f.read())
    devs = ["/passthrough/" + c.name for c in root.child("passthrough").children]
    aliases = fdt.Node("aliases")
    aliases.props = [[f"bench-alias-{i}", fdt.strs(devs[i % len(devs)])]
                     for i in range(n)]
    root.children.insert(0, aliases)
    with open(dst, "wb") as f:
        f.write(fdt.dump(root, rsv))


def with_memreserve(src, dst, n):
    with open(src, "rb") as f:
        root, rsv = fdt.parse(f.read())
    rsv += [(0x80000000 + i * 0x1000, 0x1000) for i in range(n)]
    with open(dst, "wb") as f:
        f.write(fdt.dump(root, rsv))


def find_rcar(dtbs):
    """(host DTB, description) of an R-Car H3 Salvator-X(S), or of a
    stand-in when no R-Car H3 tree is at hand."""
    for name in ("r8a77951-salvator-xs", "r8a77951-salvator-x",
                 "r8a7795-salvator-xs", "r8a7795-salvator-x"):
        p = os.path.join(dtbs, "renesas", name + ".dtb")
        if os.path.isfile(p):
            return p, f"R-Car H3 {name}, a Debian kernel DTB"
    # Debian 12's kernel ships no R-Car H3 DTB; the extra corpus has one.
    dts = os.path.join(TOP, "..", "shared", "corpus", "hostdt",
                       "r8a77951-salvator-xs.dts")
    out = os.path.join(WORK, "r8a77951-salvator-xs.dtb")
    if os.path.isfile(dts) and dtc_compile(dts, out):
        return out, "R-Car H3 r8a77951-salvator-xs, from ../shared/corpus/hostdt"
    p = os.path.join(dtbs, "renesas", "r8a774a1-hihope-rzg2m-ex.dtb")
    if os.path.isfile(p):
        return p, ("STAND-IN RZ/G2M r8a774a1-hihope-rzg2m-ex, as no R-Car H3 "
                   "tree is at hand (Debian 12's kernel ships none)")
    out = os.path.join(WORK, "board.dtb")
    dtc_compile(os.path.join(TOP, "examples", "board.dts"), out)
    return out, "STAND-IN examples/board.dts, as no real board is at hand"


def largest_boards(dtbs, mkpartial, vendors=3):
    """The largest DTB with a passthrough device of each of the `vendors`
    vendor directories whose largest such DTB is largest."""
    files = []
    for d, _, names in os.walk(dtbs):
        files += [os.path.join(d, n) for n in names if n.endswith(".dtb")]
    files.sort(key=lambda p: (-os.path.getsize(p), p))
    chosen, seen = [], set()
    for p in files:
        vendor = os.path.basename(os.path.dirname(p))
        if vendor in seen or len(chosen) == vendors:
            continue
        with open(p, "rb") as f:
            if b"iommus\0" not in f.read():
                continue
        if "xen,path" in run_quiet([mkpartial, p]).stdout:
            seen.add(vendor)
            chosen.append(p)
    return chosen


def mkpartial_dtb(mkpartial, host, out):
    """Write the partial of every enabled master and iommu-map user
    (tests/tools/mkpartial).  returns: devices, or None"""
    r = run_quiet([mkpartial, host])
    if r.returncode != 0:
        return None
    with open(out + ".dts", "w") as f:
        f.write(r.stdout)
    return r.stdout.count("xen,path") if dtc_compile(out + ".dts", out) else None


def tool_cmd(host, partial, extra=(), tag="out"):
    """The tool's command, its outputs TAG.dtb and TAG.yaml: commands of
    one case that write outputs need a tag each, or a run would replace
    (and pay for removing) another command's larger outputs."""
    argv = [TOOL, "--host", host, "--partial", partial,
            "-o", os.path.join(WORK, tag + ".dtb"),
            "--map", os.path.join(WORK, tag + ".yaml"), "-q", *extra]
    big = max(os.path.getsize(host), os.path.getsize(partial))
    if big > MAX_INPUT:
        argv += ["--max-input-size", str(big)]
    return argv


# ---- formatting ------------------------------------------------------------

def ms(t):
    if t is None:
        return "—"
    t *= 1e3
    return f"{t:.2f}" if t < 10 else f"{t:.1f}" if t < 1000 else f"{t:.0f}"


def x(r):
    return "—" if r is None else f"{r:.2f}"


def verdict(value, limit):
    if value is None:
        return "not measured"
    return "ok" if value <= limit else "**MISSED**"


def size(b):
    return f"{b / MIB:.1f} MiB" if b >= MIB else f"{b / 1024:.1f} KiB"


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k.strip() in ("model name", "Model", "Hardware"):
                return v.strip()
    return platform.machine()


def cpu_sha256():
    """Whether /proc/cpuinfo lists SHA-256 instructions (x86 sha_ni, Arm
    sha2), which the tool's map digest uses."""
    with open("/proc/cpuinfo") as f:
        flags = set(f.read().split())
    return "with" if flags & {"sha_ni", "sha2"} else "without"


def git_describe():
    r = run_quiet(["git", "-C", TOP, "describe", "--always", "--tags"])
    if r.returncode != 0:
        return "unknown (not a git checkout)"
    s = run_quiet(["git", "--no-optional-locks", "-C", TOP, "status",
                   "--porcelain", "--untracked-files=no", "--",
                   "src", "include", "Makefile"])
    return r.stdout.strip() + (" with uncommitted changes in src/, include/ "
                               "or Makefile" if s.stdout.strip() else "")


def fs_type(path):
    best, kind = "", "unknown"
    with open("/proc/mounts") as f:
        for line in f:
            mnt, typ = line.split()[1:3]
            if (path + "/").startswith(mnt.rstrip("/") + "/") and len(mnt) >= len(best):
                best, kind = mnt, typ
    return kind


def dtb_source(dtbs):
    """What the Debian kernel DTBs are (tests/corpus.sh notes the package)."""
    try:
        with open(os.path.join(os.path.dirname(dtbs), "package")) as f:
            return f"`{dtbs}`, from {f.read().strip()}"
    except OSError:
        return f"`{dtbs}`" if os.path.isdir(dtbs) else "none"


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ---- the sections ----------------------------------------------------------

def process_table(rows):
    """rows: (label, host bytes, partial bytes, devices, Case, target)"""
    out = ["| case | host | partial | devices | tool wall ms | tool CPU ms "
           "| fdtget wall ms | fdtget CPU ms | dtc wall ms | tool/fdtget wall "
           "| tool/fdtget CPU | tool/dtc wall | target | |",
           "| --- |" + " ---: |" * 11 + " --- | --- |"]
    for label, hsize, psize, devs, c, target in rows:
        r = c.ratio("tool", "fdtget")
        if "tool" in c.failed:
            tgt, ok = "", "**tool failed**: " + c.failed["tool"]
        elif target is None:
            tgt, ok = "—", ""
        else:
            tgt, ok = f"≤ {target:g}x fdtget", verdict(r, target)
        dtc = ms(c.wall("dtc"))
        if "dtc" in c.failed:
            dtc = (f"> {DTC_TIMEOUT * 1e3:.0f}" if "killed" in c.failed["dtc"]
                   else "failed")
        out.append(
            f"| {label} | {size(hsize)} | {size(psize)} | {devs} "
            f"| {ms(c.wall('tool'))} | {ms(c.cpu('tool'))} "
            f"| {ms(c.wall('fdtget'))} | {ms(c.cpu('fdtget'))} | {dtc} "
            f"| {x(r)} | {x(c.ratio('tool', 'fdtget', 'cpu'))} "
            f"| {x(c.ratio('tool', 'dtc'))} | {tgt} | {ok} |")
    out += ["", "Timed runs (tool/fdtget/dtc): " + "; ".join(
        f"{row[0]} {row[4].n('tool')}/{row[4].n('fdtget')}/{row[4].n('dtc')}"
        for row in rows) + ".", ""]
    return out


def scale_table(synth):
    out = ["| N → 4N | tool wall ratio | tool CPU ratio | target | |",
           "| --- | ---: | ---: | --- | --- |"]
    for n in sorted(synth):
        if 4 * n not in synth:
            continue
        a, b = synth[n], synth[4 * n]
        wr = cr = None
        if a.wall("tool") and b.wall("tool"):
            wr = b.wall("tool") / a.wall("tool")
            cr = b.cpu("tool") / max(a.cpu("tool"), 1e-6)
        out.append(f"| {n} → {4 * n} | {x(wr)} | {x(cr)} | ≤ {T_STEP:g}x "
                   f"| {verdict(wr, T_STEP)} |")
    return out + [""]


def rss_table(rows):
    """rows: (label, input bytes, peak RSS bytes or None)"""
    out = ["| case | inputs | peak RSS | RSS / inputs | limit: 3x inputs + 4 MiB | |",
           "| --- | ---: | ---: | ---: | ---: | --- |"]
    for label, inputs, rss in rows:
        limit = T_RSS[0] * inputs + T_RSS[1]
        out.append(f"| {label} | {size(inputs)} | " + (
            f"{size(rss)} | {rss / inputs:.1f} | {size(limit)} | "
            f"{verdict(rss, limit)} |" if rss else "— | — | — | not measured |"))
    return out + [""]


def inproc(build, host, partial, desc):
    lib = os.path.join(build, "libviommu-dtgen.a")
    if not os.path.isfile(lib):
        return [f"Not measured: no {lib} (make BUILD=... all)."]
    libs = []
    for pc, fallback in (("libfdt", "-lfdt"), ("yaml-0.1", "-lyaml")):
        r = run_quiet(["pkg-config", "--libs", pc])
        libs += r.stdout.split() if r.returncode == 0 else [fallback]
    exe = os.path.join(WORK, "inproc")
    why = compile_c("inproc.c", exe, "-I", os.path.join(TOP, "include"), lib, *libs)
    if why:
        return ["Not measured: bench/inproc.c did not build: " + why]
    r = run_quiet([exe, host, partial, str(ROUNDS)], TOOL_TIMEOUT)
    if r.returncode != 0:
        return ["Not measured: bench/inproc failed: " + " ".join(r.stderr.split())[:300]]
    say(f"in-process: {r.stdout.strip()}")
    v = {k: float(n) for k, n in (f.split("=") for f in r.stdout.split())}
    return [f"bench/inproc.c, against the static library: the host ({desc}) "
            f"opened once, then the typical guest run {v['guests']:.0f} times "
            f"in {2 * ROUNDS} batches, alternately with and without the map "
            "rendered; medians of the batches' time per guest, wall "
            "(the target's) and CPU (less sensitive to other load).", "",
            "| per guest | wall µs | CPU µs | target | |",
            "| --- | ---: | ---: | --- | --- |",
            f"| vdt_run + vdt_result_free | {v['run_us']:.1f} | {v['run_cpu_us']:.1f} "
            f"| ≤ {T_INPROC:g} µs | {verdict(v['run_us'], T_INPROC)} |",
            f"| the same + vdt_map_render (YAML) | {v['render_us']:.1f} "
            f"| {v['render_cpu_us']:.1f} | — | |",
            f"| vdt_host_open + vdt_host_close, once per host | {v['open_us']:.1f} "
            "| | — | |", ""]


def measure(build, dtbs, mkpartial):
    out, notes = [], []
    have_dtbs = os.path.isdir(dtbs)
    have_mkpartial = os.access(mkpartial, os.X_OK)
    if not have_dtbs:
        notes.append(
            f"Note: no Debian kernel DTBs in `{dtbs}`: no real boards.  "
            "`make BUILD=DIR check-corpus` downloads them into DIR/hostdtb "
            "(Debian's linux-image-arm64:arm64 through apt multiarch, see "
            "tests/lib.sh arm64_deb and tests/corpus.sh get_dtbs; root the "
            "first time, for `dpkg --add-architecture arm64`); or set "
            "BENCH_DTBS=DIR.")
    if not have_mkpartial:
        notes.append(f"Note: no `{mkpartial}` (make BUILD=DIR "
                     "DIR/tests/mkpartial): the largest boards are left out.")
    if not RSS_HELPER:
        notes.append("Note: bench/maxrss.c did not build: no peak RSS.")

    # The typical guest, the real boards and the synthetic hosts.
    typ_host, typ_desc = find_rcar(dtbs)
    typ_part = os.path.join(WORK, "typical.dtb")
    typ_devs, typ_ids = typical_guest(typ_host, typ_part)
    say(f"typical guest: {typ_desc}: {typ_devs} devices, {typ_ids} IDs")
    rows = []

    def row(label, host, part, devs, target, extra=None):
        c = Case(label, {
            "tool": tool_cmd(host, part),
            "fdtget": [FDTGET, host, "/", "compatible"],
            "dtc": [DTC, "-I", "dtb", "-O", "dtb", host, "-o", os.devnull],
            **(extra or {}),
        }, {"dtc": DTC_TIMEOUT})
        rows.append((label, os.path.getsize(host), os.path.getsize(part),
                     devs, c, target))
        return c

    # The same run with --check: every step, no output written.
    typ = row("typical guest", typ_host, typ_part, typ_devs, T_TYPICAL,
              {"check": tool_cmd(typ_host, typ_part, ["--check"])})
    if have_dtbs and have_mkpartial:
        boards = largest_boards(dtbs, mkpartial)
        zcu = os.path.join(dtbs, "xilinx", "zynqmp-zcu102-rev1.0.dtb")
        boards += [zcu] if os.path.isfile(zcu) else []
        for b in boards:
            name = os.path.basename(b)[:-4]
            part = os.path.join(WORK, name + ".p.dtb")
            n = mkpartial_dtb(mkpartial, b, part)
            if n is None:
                notes.append(f"Note: mkpartial or dtc failed on {name}: left out.")
            else:
                row(name, b, part, n, None)
    synth = {}
    for n in SCALES:
        host = os.path.join(WORK, f"synthetic{n}.dtb")
        part = os.path.join(WORK, f"synthetic{n}.p.dtb")
        with open(host, "wb") as f:
            f.write(gen_synthetic.host(n))
        with open(part, "wb") as f:
            f.write(gen_synthetic.partial(n))
        devs = len(range(0, n, gen_synthetic.PASS_EVERY))
        synth[n] = row(f"synthetic {n}", host, part, devs, T_SCALE)
        if n != ALIAS_BASE:
            os.unlink(host)
            os.unlink(part)

    out += ["## Tool against the yardsticks", "",
            f"Typical guest: {typ_desc}, its {typ_devs} enabled masters with "
            f"`iommus` ({typ_ids} IDs; PCIe iommu-map users are not passed "
            "through), each as a toolstack writes it (compatible, reg, "
            "interrupts, xen,reg, xen,path).  Real boards: the largest Debian "
            "kernel DTB with an IOMMU master of each of the three vendors with "
            "the largest such DTBs, and the ZCU102; they pass through what "
            "tests/tools/mkpartial selects (every enabled master and iommu-map "
            "user).  Synthetic: bench/gen_synthetic.py, N master nodes of 816 "
            "bytes and 22 properties each with phandle references (3 clocks, 8 "
            "GIC interrupts, power-domains, resets, pinctrl-0), on 8 SMMUv3s, "
            "1024 to a simple-bus with ranges; the guest passes through every "
            f"{gen_synthetic.PASS_EVERY}th master (a fixed fraction: "
            f"N/{gen_synthetic.PASS_EVERY} devices).", ""]
    out += process_table(rows)
    out += [f"The typical guest with `--check` (every step, no output "
            f"written): {ms(typ.wall('check'))} ms, "
            f"{x(typ.ratio('check', 'fdtget'))}x fdtget; the run that "
            f"writes them takes {x(typ.ratio('tool', 'check'))}x that: "
            "the two outputs, each a new file linked and renamed over the "
            "old one (which on ext4 starts its writeback).", ""]
    out += ["## Synthetic hosts: each 4x step", "",
            "Tool time at 4N over that at N (medians).", ""]
    out += scale_table(synth)

    # Large partials.
    al = os.path.join(WORK, "aliases.dtb")
    with_aliases(typ_part, al, 16384)
    mr = os.path.join(WORK, "memreserve.dtb")
    with_memreserve(typ_part, mr, 65536)
    def floor(part):
        return [FDTGET, part, "/passthrough", "compatible"]

    cmds = {"none": tool_cmd(typ_host, typ_part, tag="none"),
            "aliases": tool_cmd(typ_host, al, tag="aliases"),
            "memreserve": tool_cmd(typ_host, mr, tag="memreserve"),
            "f-none": floor(typ_part), "f-aliases": floor(al),
            "f-memreserve": floor(mr)}
    # The case: a large partial, with and without 16384 aliases.
    s_host = os.path.join(WORK, f"synthetic{ALIAS_BASE}.dtb")
    s_part = os.path.join(WORK, f"synthetic{ALIAS_BASE}.p.dtb")
    s_al = os.path.join(WORK, f"synthetic{ALIAS_BASE}.al.dtb")
    if os.path.isfile(s_part):
        with_aliases(s_part, s_al, 16384)
        cmds["s-none"] = tool_cmd(s_host, s_part, tag="s-none")
        cmds["s-aliases"] = tool_cmd(s_host, s_al, tag="s-aliases")
        cmds["f-s-none"] = floor(s_part)
        cmds["f-s-aliases"] = floor(s_al)
    big = Case("large partials", cmds, rss=("aliases", "memreserve"))
    out += ["## Large partials", "",
            "The typical guest's partial with 16384 /aliases properties "
            "(distinct names, each naming a passed-through node), and with "
            "65536 /memreserve/ entries (no target: their copy was quadratic "
            "before 2026-11-22), against the partial alone; and the "
            f"partial of synthetic {ALIAS_BASE} (the host of that scale) "
            "with the same 16384 aliases, against it alone; tool wall time, "
            "median of per-round ratios.  The floor: the same ratio for "
            "`fdtget PARTIAL /passthrough compatible`, a process that only "
            "reads the partial.", "",
            "| partial | size | tool wall ms | ratio | floor: fdtget ratio | target | |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- |",
            f"| typical guest | {size(os.path.getsize(typ_part))} | "
            f"{ms(big.wall('none'))} | 1 | 1 | | |"]
    cases = [("+ 16384 aliases", "aliases", al, T_ALIASES, "none"),
             ("+ 65536 /memreserve/", "memreserve", mr, None, "none")]
    if "s-none" in cmds:
        out.append(f"| synthetic {ALIAS_BASE}'s partial | "
                   f"{size(os.path.getsize(s_part))} | "
                   f"{ms(big.wall('s-none'))} | 1 | 1 | | |")
        cases.append(("+ 16384 aliases", "s-aliases", s_al, T_ALIASES,
                      "s-none"))
    for label, key, path, tgt, base in cases:
        r = big.ratio(key, base)
        fail = "**tool failed**: " + big.failed[key] if key in big.failed else ""
        out.append(f"| {label} | {size(os.path.getsize(path))} | "
                   f"{ms(big.wall(key))} | {x(r)} | "
                   f"{x(big.ratio('f-' + key, 'f-' + base))} | "
                   + (f"≤ {tgt:g}x | {fail or verdict(r, tgt)} |" if tgt
                      else f"— | {fail} |"))
    out.append("")

    out += ["## Peak RSS of the tool", "",
            "ru_maxrss of the tool (bench/maxrss.c; median of 3 runs, 1 for "
            "runs over a second) against its inputs (host + partial bytes).", ""]
    typ_size = os.path.getsize(typ_host)
    out += rss_table([(r[0], r[1] + r[2], r[4].peak.get("tool")) for r in rows] + [
        ("typical guest + 16384 aliases", typ_size + os.path.getsize(al),
         big.peak.get("aliases")),
        ("typical guest + 65536 /memreserve/", typ_size + os.path.getsize(mr),
         big.peak.get("memreserve"))])

    out += ["## In-process, host reused", ""]
    out += inproc(build, typ_host, typ_part, typ_desc)

    out += ["## --fsync", ""]
    r = run_quiet([TOOL, "--help"])
    if "--fsync" in r.stdout + r.stderr:
        c = Case("fsync", {"default": tool_cmd(typ_host, typ_part, tag="default"),
                           "fsync": tool_cmd(typ_host, typ_part, ["--fsync"],
                                             tag="fsync")},
                 rss=())
        out.append(f"Typical guest with `--fsync`: {ms(c.wall('fsync'))} ms, "
                   f"against {ms(c.wall('default'))} ms without (ratio "
                   f"{x(c.ratio('fsync', 'default'))}; outputs on "
                   f"{fs_type(WORK)}; no target).")
    else:
        out.append("The tool has no `--fsync` option (none in `--help`).")
    return notes, out


def main():
    global TOOL, FDTGET, DTC, WORK, RSS_HELPER
    start = time.monotonic()
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    TOOL = os.path.join(build, "viommu-dtgen")
    if not os.access(TOOL, os.X_OK):
        sys.exit(f"bench: no {TOOL}: build it first (make BUILD={build})")
    FDTGET, DTC = shutil.which("fdtget"), shutil.which("dtc")
    if not FDTGET or not DTC:
        sys.exit("bench: needs dtc and fdtget (Debian: device-tree-compiler)")
    dtbs = os.environ.get("BENCH_DTBS", os.path.join(build, "hostdtb", "dtbs"))
    load_before = loadavg()
    WORK = tempfile.mkdtemp(prefix="bench.", dir=build)
    try:
        fs = fs_type(WORK)
        RSS_HELPER = os.path.join(WORK, "maxrss")
        if compile_c("maxrss.c", RSS_HELPER):
            RSS_HELPER = None
        notes, body = measure(build, dtbs, os.path.join(build, "tests", "mkpartial"))
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    version = run_quiet([TOOL, "--version"]).stdout.strip() or "no --version"
    elapsed = time.monotonic() - start
    now = datetime.datetime.now(datetime.timezone.utc)
    head = [
        "<!-- SPDX-License-Identifier: BSD-2-Clause -->",
        "# Benchmark results", "",
        f"Written by `bench/run` on {now:%Y-%m-%d %H:%M} UTC, in {elapsed:.0f} s.",
        "",
        f"- tool: `{TOOL}` ({version})",
        f"- bench/ and the tree it is in: {git_describe()}",
        f"- machine: {os.cpu_count()} CPUs, {cpu_model()}; Linux "
        f"{platform.release()}; outputs written to {fs}; "
        f"{cpu_sha256()} SHA-256 instructions",
        f"- load average: {load_before} before, {loadavg()} after",
        f"- real boards: {dtb_source(dtbs)}",
        f"- {ROUNDS} rounds per case (BENCH_ROUNDS); a command slower than "
        f"{BUDGET:g} s / rounds runs in fewer, at least {min(3, ROUNDS)} (BENCH_BUDGET); dtc "
        f"is killed after {DTC_TIMEOUT:g} s (BENCH_DTC_TIMEOUT)",
        "",
        "In each round every command of a case runs once, in an order that",
        "rotates from round to round.  Ratios are medians of per-round",
        "ratios; times are medians over the rounds; CPU is user + sys of the",
        "child.  `fdtget` is `fdtget HOST / compatible`, a process that",
        "reads the host DTB: the floor.  `dtc` is `dtc -I dtb -O dtb HOST -o",
        "/dev/null`, for comparison with older figures only: its checks look",
        "phandles up by walking the tree, so it is superlinear on hosts with",
        "many phandle references.  The tool runs with default options and",
        "writes `-o out.dtb --map map.yaml` into a temporary directory, each",
        "run over the files of the run before (a rename over an existing",
        "file, which on ext4 starts its writeback).",
        "Absolute times depend on the machine and its load.  A figure that",
        "misses its target is marked **MISSED**; `bench/PROFILES.md` "
        "says where the time of each such case goes.", ""]
    text = "\n".join(head + [n + "\n" for n in notes] + body) + "\n"
    with open(os.path.join(TOP, "bench", "RESULTS.md"), "w") as f:
        f.write(text)
    print(text, end="")
    say(f"done in {elapsed:.0f} s; written to bench/RESULTS.md")


if __name__ == "__main__":
    main()
