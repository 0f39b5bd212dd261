#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Random differential test of --lock against an independent model.

Usage: tests/lockdiff.py [BUILD_DIR] [--scenarios N] [--seed S] [--keep]

Each scenario makes a host tree (SMMUs, single-ID devices, PCI bridges whose
iommu-map ranges sit in fixed slots, some slots with two bridges of
different lengths), a run 1 over some of its devices (--map run1.yaml), then
changes the devices (removed, added, bridges added, removed, grown or
shrunk) for a run 2 with --lock run1.yaml --map run2.yaml.  Some scenarios
corrupt the lock file instead (one key at two vIDs, two keys at one vID).

The model below does not call the tool's allocator; it restates the rules
of viommu-dtgen(1), --lock:
  * the lock maps each (IOMMU, pID) of an unmasked entry to a vID;
  * a key of run 2 that lies inside one lock entry keeps its vIDs (the same
    key, or a single ID that used to sit inside a range);
  * a key (a range) reaching beyond the lock entries it meets must sit where
    all of them keep their vIDs, and on vIDs no earlier key holds; keys of
    the first kind are placed before any of the second, the second in
    order of first appearance; otherwise run 2 fails with an error naming
    the range's node;
  * a lock giving one pID two vIDs, or one vID two keys, is refused.
On success it checks that every locked pID still used keeps its vID, that
no two keys share a vID and that every pID of run 2 is mapped.

Prints one line per failure and ends with "N passed, N failed".
"""

import concurrent.futures
import os
import random
import struct
import subprocess
import sys
import tempfile
import time

import yaml

NSMMU_MAX = 3
NSINGLE = 40          # single-ID devices per host
SLOTS = 4             # bridge slots per SMMU: pIDs [8k, 8k + 8)


class Dev:
    def __init__(self, name, kind, iommu, pid, count=1):
        self.name = name          # host node name, below /soc
        self.kind = kind          # 'single' or 'bridge'
        self.iommu = iommu        # SMMU index
        self.pid = pid
        self.count = count
        self.slot = pid // 8 if kind == 'bridge' else None

    @property
    def node(self):
        return '/passthrough/' + self.name

    @property
    def host(self):
        return '/soc/' + self.name


def smmu_path(i):
    return '/iommu@%x' % (0x4f000000 + i * 0x100000)


def make_host(rng):
    nsmmu = rng.randint(1, NSMMU_MAX)
    devs = []
    for i in range(rng.randint(6, NSINGLE)):
        devs.append(Dev('dev%d@%x' % (i, 0x1000 * (i + 1)), 'single',
                        rng.randrange(nsmmu), rng.randrange(0, 40)))
    n = 0
    for s in range(nsmmu):
        for slot in range(SLOTS):
            for _ in range(rng.choice((0, 1, 1, 2))):
                off = rng.choice((0, 0, 2))
                count = rng.choice((8 - off, 4, 2))
                devs.append(Dev('pcie%d@%x' % (n, 0x100000 * (n + 1)),
                                'bridge', s, 8 * slot + off, count))
                n += 1
    return nsmmu, devs


def host_dts(nsmmu, devs):
    out = ['/dts-v1/;', '/ {', '\t#address-cells = <2>; #size-cells = <2>;']
    for i in range(nsmmu):
        base = 0x4f000000 + i * 0x100000
        out.append('\tsmmu%d: iommu@%x { compatible = "arm,smmu-v3"; '
                   'reg = <0x0 0x%x 0x0 0x20000>; #iommu-cells = <1>; };'
                   % (i, base, base))
    out.append('\tsoc { compatible = "simple-bus"; ranges; '
               '#address-cells = <2>; #size-cells = <2>;')
    for d in devs:
        if d.kind == 'single':
            out.append('\t\t%s { iommus = <&smmu%d 0x%x>; };'
                       % (d.name, d.iommu, d.pid))
        else:
            out.append('\t\t%s { iommu-map = <0x0 &smmu%d 0x%x 0x%x>; };'
                       % (d.name, d.iommu, d.pid, d.count))
    out += ['\t};', '};', '']
    return '\n'.join(out)


def partial_dts(devs):
    out = ['/dts-v1/;', '/ {', '\t#address-cells = <2>; #size-cells = <2>;',
           '\tpassthrough { compatible = "simple-bus"; ranges; '
           '#address-cells = <2>; #size-cells = <2>;']
    for d in devs:
        out.append('\t\t%s { compatible = "test"; xen,path = "%s"; };'
                   % (d.name, d.host))
    out += ['\t};', '};', '']
    return '\n'.join(out)


def fdt_blob(root):
    """A DTB of @root: (name, [(prop, bytes)], [children])."""
    strings, offs, body = bytearray(), {}, bytearray()

    def pad(b):
        b.extend(b'\0' * (-len(b) % 4))

    def node(n):
        name, props, kids = n
        body.extend(struct.pack('>I', 1))
        body.extend(name.encode() + b'\0')
        pad(body)
        for pname, val in props:
            if pname not in offs:
                offs[pname] = len(strings)
                strings.extend(pname.encode() + b'\0')
            body.extend(struct.pack('>III', 3, len(val), offs[pname]))
            body.extend(val)
            pad(body)
        for k in kids:
            node(k)
        body.extend(struct.pack('>I', 2))

    node(root)
    body.extend(struct.pack('>I', 9))
    rsv = 40
    off_struct = rsv + 16
    off_strings = off_struct + len(body)
    total = off_strings + len(strings)
    hdr = struct.pack('>10I', 0xd00dfeed, total, off_struct, off_strings, rsv,
                      17, 16, 0, len(strings), len(body))
    return hdr + b'\0' * 16 + bytes(body) + bytes(strings)


def cells(*v):
    return struct.pack('>%dI' % len(v), *v)


def sz(s):
    return s.encode() + b'\0'


ADDR = [('#address-cells', cells(2)), ('#size-cells', cells(2))]


def host_dtb(nsmmu, devs):
    kids = []
    for i in range(nsmmu):
        base = 0x4f000000 + i * 0x100000
        kids.append(('iommu@%x' % base,
                     [('compatible', sz('arm,smmu-v3')),
                      ('reg', cells(0, base, 0, 0x20000)),
                      ('#iommu-cells', cells(1)), ('phandle', cells(i + 1))],
                     []))
    soc = []
    for d in devs:
        if d.kind == 'single':
            soc.append((d.name, [('iommus', cells(d.iommu + 1, d.pid))], []))
        else:
            soc.append((d.name, [('iommu-map', cells(0, d.iommu + 1, d.pid,
                                                     d.count))], []))
    kids.append(('soc', [('compatible', sz('simple-bus')), ('ranges', b'')]
                 + ADDR, soc))
    return fdt_blob(('', ADDR, kids))


def partial_dtb(devs):
    pt = [(d.name, [('compatible', sz('test')), ('xen,path', sz(d.host))], [])
          for d in devs]
    return fdt_blob(('', ADDR, [('passthrough', [('compatible', sz('simple-bus')),
                                                 ('ranges', b'')] + ADDR, pt)]))


def pick(rng, devs, base=None):
    """A subset in host order with at most one bridge per (SMMU, slot)."""
    chosen = set(base or ())
    if base is None:
        for d in devs:
            if rng.random() < 0.4:
                chosen.add(d.name)
    else:
        for d in devs:
            r = rng.random()
            if d.name in chosen and r < 0.25:
                chosen.discard(d.name)
            elif d.name not in chosen and r < 0.15:
                chosen.add(d.name)
    out, slots = [], {}
    for d in devs:
        if d.name not in chosen:
            continue
        if d.kind == 'bridge':
            k = (d.iommu, d.slot)
            if k in slots and (slots[k].pid, slots[k].count) != (d.pid, d.count):
                continue
            slots[k] = d
        out.append(d)
    rng.shuffle(out)
    return out


def keys_of(devs):
    """Run 2's keys in order of first appearance: (iommu, pid, count)."""
    ranges = {}
    for d in devs:
        if d.kind == 'bridge':
            ranges.setdefault(d.iommu, set()).add((d.pid, d.count))
    order = []
    for d in devs:
        if d.kind == 'single':
            k = (d.iommu, d.pid, 1)
            for p, c in ranges.get(d.iommu, ()):
                if p <= d.pid < p + c:
                    k = (d.iommu, p, c)
        else:
            k = (d.iommu, d.pid, d.count)
        if k not in order:
            order.append(k)
    return order


def lock_of(path):
    """The lock as read: list of (iommu path, pid, count, mask, vid)."""
    with open(path) as f:
        m = yaml.safe_load(f)
    return [(e['piommu']['path'], e['pid'], e['count'], e['mask'], e['vid'])
            for e in m.get('entries') or []]


def lock_consistent(entries):
    """Whether no pID has two vIDs and no vID two keys (the model's check)."""
    by_pid, by_vid = {}, {}
    for ipath, pid, count, mask, vid in entries:
        for i in range(count):
            k = (ipath, mask, pid + i) if mask == 0 else (ipath, mask, pid, count)
            if k in by_pid:
                return False
            by_pid[k] = vid + i
            if vid + i in by_vid:
                return False
            by_vid[vid + i] = k
    return True


def model(devs, lock):
    """None if run 2 must succeed, else the node of the range that fails."""
    locked = {}
    for ipath, pid, count, mask, vid in lock:
        if mask == 0:
            for i in range(count):
                locked[(ipath, pid + i)] = vid + i
    keys = keys_of(devs)
    taken = {}
    beyond = []
    for k in keys:
        iommu, pid, count = k
        ipath = smmu_path(iommu)
        wants = [(locked[(ipath, pid + i)] - i) for i in range(count)
                 if (ipath, pid + i) in locked]
        if not wants:
            continue
        # Inside one lock entry: every pID locked, one placement, and the
        # entry covers them all (an entry is a run of consecutive vIDs).
        if len(wants) == count and len(set(wants)) == 1 and \
                inside_one(lock, ipath, pid, count):
            for i in range(count):
                taken[wants[0] + i] = k
        else:
            beyond.append((k, wants))
    for k, wants in beyond:
        iommu, pid, count = k
        v = wants[0]
        if len(set(wants)) != 1 or v < 0 or \
                any(v + i in taken for i in range(count)):
            return range_node(devs, k)
        for i in range(count):
            taken[v + i] = k
    return None


def inside_one(lock, ipath, pid, count):
    for p, lp, lc, mask, vid in lock:
        if p == ipath and mask == 0 and lp <= pid and pid + count <= lp + lc:
            return True
    return False


def range_node(devs, k):
    for d in devs:
        if d.kind == 'bridge' and (d.iommu, d.pid, d.count) == k:
            return d.node
    return '?'


def check_run2(devs, lock, path):
    """The failures of a successful run 2's map."""
    with open(path) as f:
        m = yaml.safe_load(f)
    got, owner = {}, {}
    for e in m.get('entries') or []:
        for i in range(e['count']):
            v = e['vid'] + i
            if v in owner:
                return ['vID 0x%x given twice' % v]
            owner[v] = e
            got[(e['piommu']['path'], e['pid'] + i)] = v
    locked = {}
    for ipath, pid, count, mask, vid in lock:
        if mask == 0:
            for i in range(count):
                locked[(ipath, pid + i)] = vid + i
    errs = []
    for d in devs:
        ipath = smmu_path(d.iommu)
        for i in range(d.count):
            k = (ipath, d.pid + i)
            if k not in got:
                errs.append('%s pID 0x%x is not mapped' % (d.node, d.pid + i))
            elif k in locked and got[k] != locked[k]:
                errs.append('%s pID 0x%x moved from vID 0x%x to 0x%x'
                            % (d.node, d.pid + i, locked[k], got[k]))
    return errs


def corrupt(rng, path):
    """Make the lock contradict itself; returns what was done."""
    with open(path) as f:
        m = yaml.safe_load(f)
    ents = m['entries']
    e = rng.choice(ents)
    top = max(x['vid'] + x['count'] for x in ents)
    if rng.random() < 0.5 or len(ents) < 2:
        dup = dict(e, vid=top + rng.randrange(0, 5))
        ents.append(dup)
        what = 'one key at two vIDs'
    else:
        other = rng.choice([x for x in ents if x is not e])
        dup = dict(other, vid=e['vid'])
        ents.remove(other)
        ents.append(dup)
        what = 'two keys at one vID'
    ents.sort(key=lambda x: x['vid'])
    with open(path, 'w') as f:
        yaml.safe_dump(m, f, sort_keys=False)
    return what


def run(tool, args):
    p = subprocess.run([tool] + args, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stderr


def scenario(tool, seed, tmp, dts=False):
    # Ten scenarios share a host tree.
    hrng = random.Random(seed // 10)
    nsmmu, devs = make_host(hrng)
    rng = random.Random(seed)
    ext = '.dts' if dts else '.dtb'
    host = os.path.join(tmp, 'host' + ext)
    with open(host, 'w' if dts else 'wb') as f:
        f.write(host_dts(nsmmu, devs) if dts else host_dtb(nsmmu, devs))
    s1 = pick(rng, devs)
    if not s1:
        s1 = [devs[0]]
    p1, p2 = os.path.join(tmp, 'p1' + ext), os.path.join(tmp, 'p2' + ext)
    m1, m2 = os.path.join(tmp, 'run1.yaml'), os.path.join(tmp, 'run2.yaml')
    with open(p1, 'w' if dts else 'wb') as f:
        f.write(partial_dts(s1) if dts else partial_dtb(s1))
    for x in (m1, m2):
        if os.path.exists(x):
            os.unlink(x)
    rc, err = run(tool, ['--host', host, '--partial', p1, '-o',
                         os.path.join(tmp, 'o1.dtb'), '--map', m1])
    if rc != 0:
        return ['run 1 failed: ' + err.strip()]
    bad_lock = None
    if rng.random() < 0.08:
        bad_lock = corrupt(rng, m1)
    lock = lock_of(m1)
    s2 = pick(rng, devs, [d.name for d in s1])
    if not s2:
        s2 = [devs[-1]]
    with open(p2, 'w' if dts else 'wb') as f:
        f.write(partial_dts(s2) if dts else partial_dtb(s2))
    rc, err = run(tool, ['--host', host, '--partial', p2, '-o',
                         os.path.join(tmp, 'o2.dtb'), '--lock', m1,
                         '--map', m2])
    first = err.splitlines()[0] if err else ''
    if bad_lock:
        if lock_consistent(lock):
            return []          # the corruption happened to be harmless
        if rc != 1 or 'run1.yaml' not in first:
            return ['%s: lock accepted (exit %d): %s' % (bad_lock, rc, first)]
        return []
    want = model(s2, lock)
    if want is None:
        if rc != 0:
            return ['run 2 failed, the model says it succeeds: ' + first]
        return check_run2(s2, lock, m2)
    if rc != 1:
        errs = ['run 2 succeeded (exit %d), the model says %s cannot be '
                'placed' % (rc, want)]
        if rc == 0:
            errs += check_run2(s2, lock, m2)
        return errs
    if want not in first or 'cannot be placed' not in first:
        return ['run 2 failed, but not on %s: %s' % (want, first)]
    if not os.path.exists(m2):
        return []
    return ['run 2 failed but wrote its map']


def one(tool, seed, keep, dts):
    tmp = tempfile.mkdtemp(prefix='lockdiff.')
    try:
        errs = scenario(tool, seed, tmp, dts)
        if errs and keep:
            subprocess.run(['cp', '-r', tmp, 'lockdiff-fail-%d' % seed])
        return errs, os.path.exists(os.path.join(tmp, 'run2.yaml'))
    finally:
        subprocess.run(['rm', '-rf', tmp])


def main():
    args = sys.argv[1:]
    build, n, seed, keep, dts = 'build', 1000, 20240611, False, False
    i = 0
    while i < len(args):
        if args[i] == '--scenarios':
            n = int(args[i + 1])
            i += 1
        elif args[i] == '--seed':
            seed = int(args[i + 1])
            i += 1
        elif args[i] == '--keep':
            keep = True
        elif args[i] == '--dts':
            dts = True          # DTS inputs, compiled by the tool with dtc
        else:
            build = args[i]
        i += 1
    tool = os.path.join(os.path.abspath(build), 'viommu-dtgen')
    if not os.access(tool, os.X_OK):
        print('lockdiff.py: %s not found (build it first)' % tool,
              file=sys.stderr)
        return 2
    passed = failed = 0
    stats = {'ok': 0, 'conflict': 0, 'bad lock': 0}
    start = time.time()
    jobs = int(os.environ.get('LOCKDIFF_JOBS', '2'))
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        results = ex.map(lambda s: one(tool, seed + s, keep, dts), range(n))
        for s, (errs, ok) in enumerate(results):
            if errs:
                failed += 1
                for e in errs[:5]:
                    print('FAIL scenario %d (--seed %d --scenarios 1): %s'
                          % (s, seed + s, e))
            else:
                passed += 1
            stats['ok'] += ok
    print('lockdiff: %d scenarios in %.1fs (%d with a run 2 map)'
          % (n, time.time() - start, stats['ok']))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
