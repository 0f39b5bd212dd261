#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""validate_system.py SCHEMA_DIR KIND FILE...: check YAML files against
the schemas of SCHEMA_DIR: KIND "system" a system file
(viommu-system.schema.yaml), KIND "map" a system map
(viommu-system-map.schema.yaml, whose every guest's map is checked against
viommu-map.schema.yaml as well, with validate_map.py's checks of order).
Exit 1 on any violation, one line per problem."""
import os
import sys

import jsonschema
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate_map  # noqa: E402


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def check(schema, doc, path, prefix=""):
    jsonschema.Draft202012Validator.check_schema(schema)
    for err in jsonschema.Draft202012Validator(schema).iter_errors(doc):
        where = "/".join(str(p) for p in err.absolute_path)
        yield f"{path}: {prefix}{where}: {err.message}"


def main():
    sdir, kind, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = []
    if kind == "system":
        schema = load(os.path.join(sdir, "viommu-system.schema.yaml"))
        for path in files:
            bad += check(schema, load(path), path)
    else:
        outer = load(os.path.join(sdir, "viommu-system-map.schema.yaml"))
        inner = load(os.path.join(sdir, "viommu-map.schema.yaml"))
        ref = outer["properties"]["guests"]["additionalProperties"]["$ref"]
        if ref != inner["$id"]:
            bad.append(f"{sdir}: system map schema refers to {ref}, not {inner['$id']}")
        # The guests' maps are checked against the map schema one by one.
        outer["properties"]["guests"]["additionalProperties"] = True
        for path in files:
            doc = load(path)
            bad += check(outer, doc, path)
            guests = doc.get("guests") if isinstance(doc, dict) else None
            for name, m in (guests or {}).items():
                with open(f"{path}.{name}.tmp", "w", encoding="utf-8") as f:
                    yaml.safe_dump(m, f)
                bad += [line.replace(f"{path}.{name}.tmp", f"{path}: guests/{name}")
                        for line in validate_map.problems(inner, f"{path}.{name}.tmp")]
                os.unlink(f"{path}.{name}.tmp")
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
