#!/usr/bin/env python3
"""Verify a Vendor Response Portal audit log exported as JSON Lines (one GET /api/v1/audit item per line).

Usage: python3 verify_audit.py audit.jsonl [expected_head_hash]
Exit 0 when the chain is intact (and ends at expected_head_hash, if given), 1 otherwise.
Algorithm: docs/audit.md. Standard library only.
"""
import hashlib
import json
import sys

FIELDS = ["seq", "occurredAt", "actorId", "actorRole", "action", "subjectType",
          "subjectId", "requestId", "ip", "userAgent", "data"]
GENESIS = "0" * 64


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def main(path, expected_head=None):
    prev, expected_seq = GENESIS, 1
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            item = json.loads(line)
            event = {k: item[k] for k in FIELDS}
            digest = hashlib.sha256((prev + canonical(event)).encode("utf-8")).hexdigest()
            if item["seq"] != expected_seq or item["prevHash"] != prev or item["hash"] != digest:
                print(f"BROKEN at seq {expected_seq} (row seq {item['seq']})")
                return 1
            prev, expected_seq = digest, expected_seq + 1
    if expected_head and prev != expected_head:
        print(f"TRUNCATED: log ends at {prev}, expected head {expected_head}")
        return 1
    print(f"OK {expected_seq - 1} {prev}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
