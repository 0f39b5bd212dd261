# SPDX-License-Identifier: BSD-2-Clause
"""--batch FILE for the test oracles: one interpreter for many checks."""
import contextlib
import io
import shlex
import sys


def batch(listfile, main):
    """One check per line of LISTFILE, "NAME<TAB>ARGS" (ARGS as on the
    command line, shell quoting), each run through MAIN(argv); prints
    "ok NAME" or "FAIL NAME: REASON" per line and returns 1 if any failed."""
    bad = 0
    with open(listfile, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            name, _, rest = line.partition("\t")
            buf = io.StringIO()
            try:
                with contextlib.redirect_stdout(buf), \
                        contextlib.redirect_stderr(buf):
                    rc = main(shlex.split(rest))
            except SystemExit as e:
                rc = e.code if isinstance(e.code, int) else 2
            if rc == 0:
                print(f"ok {name}")
            else:
                bad += 1
                why = " ".join(buf.getvalue().split()) or f"exit {rc}"
                print(f"FAIL {name}: {why}")
            sys.stdout.flush()
    return 1 if bad else 0
