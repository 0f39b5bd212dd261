#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""validate_map.py SCHEMA MAP...: check YAML maps against the schema, and
that entries are sorted by vid with no vid range shared.  Exit 1 on any
violation, printing one line per problem."""
import sys

import jsonschema
import yaml


def problems(schema, path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    for err in jsonschema.Draft202012Validator(schema).iter_errors(doc):
        where = "/".join(str(p) for p in err.absolute_path)
        yield f"{path}: {where}: {err.message}"
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        return
    end = -1
    for i, e in enumerate(doc["entries"]):
        if not isinstance(e, dict) or not isinstance(e.get("vid"), int):
            continue
        if e["vid"] <= end:
            yield f"{path}: entries/{i}: vid {e['vid']:#x} overlaps or is out of order"
        end = max(end, e["vid"] + max(int(e.get("count", 1)), 1) - 1)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = yaml.safe_load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    bad = [p for m in sys.argv[2:] for p in problems(schema, m)]
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
