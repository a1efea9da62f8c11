#!/usr/bin/env python3
"""Verify a Vendor Response Portal audit log on your own machine. Python 3.6+, standard library only.

  python3 verify_audit.py export URL audit.jsonl   fetch every page of GET URL (e.g.
        https://portal.example.gov/api/v1/audit) with the bearer token in $VRP_TOKEN, one event a line
  python3 verify_audit.py audit.jsonl [HEAD_HASH]  recompute the chain; exit 0 when intact (and ending
        at HEAD_HASH, if given), 1 naming the first bad row
  python3 verify_audit.py canonical values.jsonl   print the RFC 8785 form of each JSON line (to compare)
  python3 verify_audit.py production EXPORT.zip|DIR  the audit files of a production (docs/export-format.md):
        every event of audit/audit-log.jsonl recomputes to its hash and matches audit/chain.jsonl, which
        links from seq 1 to audit/head.json; exit 0 when all holds, 1 naming the first problem

The hash and the canonical form are in docs/audit.md. Parsing and canonicalisation use explicit
stacks, never recursion, so data nested to any depth is handled (Python's json module stops near 1,000).
"""
import hashlib
import json
import os
import re
import sys
import io
import zipfile
import urllib.parse
import urllib.request

FIELDS = ["seq", "occurredAt", "actorId", "actorRole", "action", "subjectType",
          "subjectId", "requestId", "ip", "userAgent", "data"]
GENESIS = "0" * 64

# ---- Reading JSON (RFC 8259) without recursion --------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
# Unrolled so that an unterminated string fails in linear time.
_STRING = re.compile(r'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))


def _fail(text, pos, what):
    raise ValueError(f"not valid JSON at character {pos}: {what}")


def _scalar(text, pos):
    if text.startswith('"', pos):
        m = _STRING.match(text, pos)
        if not m:
            _fail(text, pos, "bad string")
        return json.loads(m.group()), m.end()  # one flat string: json's decoder does not recurse here
    m = _NUMBER.match(text, pos)
    if m and m.end() > pos:
        token = m.group()
        # Integers stay int (seq is compared as one); canonical() reads every number as a double.
        return (float(token) if m.group(1) or m.group(2) or len(token) > 300 else int(token)), m.end()
    for word, value in _LITERALS:
        if text.startswith(word, pos):
            return value, pos + len(word)
    _fail(text, pos, "expected a value")


def _member_name(text, pos):
    if not text.startswith('"', pos):
        _fail(text, pos, "expected a member name")
    name, pos = _scalar(text, pos)
    pos = _WS.match(text, pos).end()
    if not text.startswith(":", pos):
        _fail(text, pos, "expected ':'")
    return name, _WS.match(text, pos + 1).end()


def parse(text):
    """One JSON text to Python values. A repeated member name keeps the last value, as JavaScript does."""
    stack = []  # open containers: [container, member name or None]
    pos = _WS.match(text, 0).end()
    while True:
        opener = text[pos:pos + 1]
        if opener in ("{", "["):
            closer = "}" if opener == "{" else "]"
            pos = _WS.match(text, pos + 1).end()
            if not text.startswith(closer, pos):
                frame = [{} if opener == "{" else [], None]
                if opener == "{":
                    frame[1], pos = _member_name(text, pos)
                stack.append(frame)
                continue
            value, pos = ({} if opener == "{" else []), pos + 1
        else:
            value, pos = _scalar(text, pos)
        while True:  # attach the finished value; close every container that ends here
            pos = _WS.match(text, pos).end()
            if not stack:
                if pos != len(text):
                    _fail(text, pos, "extra data after the value")
                return value
            container, name = stack[-1]
            if name is None:
                container.append(value)
            else:
                container[name] = value
            if text.startswith(",", pos):
                pos = _WS.match(text, pos + 1).end()
                if name is not None:
                    stack[-1][1], pos = _member_name(text, pos)
                break
            if not text.startswith("}" if name is not None else "]", pos):
                _fail(text, pos, "expected ',' or the end of the container")
            value, pos = stack.pop()[0], pos + 1

# ---- RFC 8785 canonical form -----------------------------------------------------------------------

_ESCAPE = re.compile(r'["\\\x00-\x1f]')
_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SURROGATE = re.compile("[\ud800-\udfff]")  # a pair was joined by the parser: any left is lone


def canonical_string(s):
    """JSON.stringify's escaping (RFC 8785 3.2.2.2): only these escapes, lowercase hex, all else UTF-8."""
    if _SURROGATE.search(s):
        raise ValueError("a string holds a lone UTF-16 surrogate, which RFC 8785 cannot represent")
    return '"' + _ESCAPE.sub(lambda m: _SHORT.get(m.group(), "\\u%04x" % ord(m.group())), s) + '"'


def canonical_number(value):
    """ECMAScript Number::toString (ECMA-262 7.1.12.1), as RFC 8785 3.2.2.3 requires."""
    x = float(value)  # an integer becomes the nearest double, exactly as JavaScript reads it
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError(f"{value!r} is not a finite double, which RFC 8785 cannot represent")
    if x == 0:
        return "0"  # also -0
    sign, x = ("-", -x) if x < 0 else ("", x)
    # repr() gives the shortest digits that round-trip (the closest such), as ECMAScript requires.
    mantissa, _, exponent = repr(x).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    n = len(whole) + int(exponent or 0)  # value = 0.<digits> * 10**n
    s = digits.lstrip("0")
    n -= len(digits) - len(s)
    s = s.rstrip("0")
    k = len(s)
    if k <= n <= 21:
        text = s + "0" * (n - k)
    elif 0 < n <= 21:
        text = s[:n] + "." + s[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + s
    else:
        e = n - 1
        text = s[0] + ("." + s[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + text


def _utf16(name):
    return name.encode("utf-16-be", "surrogatepass")


def canonical(value):
    """RFC 8785: members sorted by UTF-16 code units, no whitespace, the number and string forms above."""
    parts = []
    stack = [[None, [value], 0]]  # [closing bracket, children (name/value pairs in objects), next index]
    while stack:
        frame = stack[-1]
        closer, children, i = frame
        if i == len(children):
            stack.pop()
            parts.append(closer or "")
            continue
        frame[2] = i + 1
        if i and closer:
            parts.append(",")
        child = children[i]
        if closer == "}":
            parts.append(canonical_string(child[0]) + ":")
            child = child[1]
        if isinstance(child, dict):
            parts.append("{")
            stack.append(["}", [(k, child[k]) for k in sorted(child, key=_utf16)], 0])
        elif isinstance(child, list):
            parts.append("[")
            stack.append(["]", child, 0])
        elif child is None or isinstance(child, bool):
            parts.append({None: "null", True: "true", False: "false"}[child])
        elif isinstance(child, str):
            parts.append(canonical_string(child))
        else:
            parts.append(canonical_number(child))
    return "".join(parts)

# ---- Commands ----------------------------------------------------------------------------------------


def _lines(path):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                yield number, line


def verify(path, expected_head=None):
    prev, expected_seq = GENESIS, 1
    for _number, line in _lines(path):
        item, problem = None, None
        try:
            item = parse(line)
            digest = hashlib.sha256((prev + canonical({k: item[k] for k in FIELDS})).encode("utf-8")).hexdigest()
            if item["seq"] != expected_seq:
                problem = f"sequence gap: expected {expected_seq}"
            elif item["prevHash"] != prev:
                problem = "prev_hash does not match the previous row's hash"
            elif item["hash"] != digest:
                problem = "hash does not match the row's content"
        except (ValueError, KeyError, TypeError) as err:
            problem = f"unreadable row: {err}"
        if problem:
            row = item.get("seq") if isinstance(item, dict) else "?"
            print(f"BROKEN at seq {expected_seq} (row seq {row}): {problem}")
            return 1
        prev, expected_seq = digest, expected_seq + 1
    if expected_head and prev != expected_head:
        print(f"TRUNCATED: log ends at {prev}, expected head {expected_head}")
        return 1
    print(f"OK {expected_seq - 1} {prev}")
    return 0


def export(url, path):
    headers = {"Accept": "application/json", "Authorization": "Bearer " + os.environ.get("VRP_TOKEN", "")}
    cursor, count = None, 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        while True:
            query = urllib.parse.urlencode({"limit": 200, **({"cursor": cursor} if cursor else {})})
            with urllib.request.urlopen(urllib.request.Request(f"{url}?{query}", headers=headers)) as response:
                page = parse(response.read().decode("utf-8"))
            for item in page["items"]:
                out.write(canonical(item) + "\n")  # the same values, written without recursion
                count += 1
            cursor = page.get("nextCursor")
            if not cursor:
                break
    print(f"EXPORTED {count} events to {path}")
    return 0


def canonical_lines(path):
    status = 0
    for number, line in _lines(path):
        try:
            text = canonical(parse(line))
        except ValueError as err:
            text, status = f"ERROR line {number}: {err}", 1
        sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    return status


def _production_files(target):
    """Opens audit/audit-log.jsonl, audit/chain.jsonl and audit/head.json from a ZIP or an extracted folder."""
    names = ("audit/audit-log.jsonl", "audit/chain.jsonl", "audit/head.json")
    if os.path.isdir(target):
        return [open(os.path.join(target, *n.split("/")), encoding="utf-8") for n in names]
    archive = zipfile.ZipFile(target)
    return [io.TextIOWrapper(archive.open(n), encoding="utf-8") for n in names]


def _numbered(f):
    for number, line in enumerate(f, 1):
        if line.strip():
            yield number, line


def production(target):
    """Both JSONL files are read side by side, in seq order, so a chain of any length needs no memory."""
    log, chain, head_file = _production_files(target)
    head = parse(head_file.read())
    events = _numbered(log)
    event, count, last_seq = None, 0, 0

    def next_event():
        nonlocal count, last_seq
        for number, line in events:
            item = parse(line)
            where = f"audit/audit-log.jsonl line {number} (seq {item.get('seq')})"
            if not isinstance(item.get("seq"), int) or item["seq"] <= last_seq:
                raise ValueError(f"{where}: out of order")
            digest = hashlib.sha256((item["prevHash"] + canonical({k: item[k] for k in FIELDS})).encode("utf-8")).hexdigest()
            if digest != item["hash"]:
                raise ValueError(f"{where}: the event does not hash to its recorded hash")
            last_seq, count = item["seq"], count + 1
            return item, where
        return None

    try:
        event = next_event()
        prev, expected = GENESIS, 1
        for number, line in _numbered(chain):
            link = parse(line)
            if link.get("seq") != expected:
                raise ValueError(f"audit/chain.jsonl line {number}: the chain is cut: expected seq {expected}")
            if link.get("prevHash") != prev:
                raise ValueError(f"audit/chain.jsonl line {number}: prevHash is not the hash of seq {expected - 1}")
            if event and event[0]["seq"] == expected:
                if (event[0]["hash"], event[0]["prevHash"]) != (link["hash"], link["prevHash"]):
                    raise ValueError(f"{event[1]}: does not match audit/chain.jsonl")
                event = next_event()
            prev, expected = link["hash"], expected + 1
        if event:
            raise ValueError(f"{event[1]}: beyond the end of audit/chain.jsonl")
        if (expected - 1, prev) != (head["seq"], head["hash"]):
            raise ValueError(f"TRUNCATED: audit/chain.jsonl ends at seq {expected - 1} {prev}, audit/head.json says seq {head['seq']} {head['hash']}")
    except (ValueError, KeyError, TypeError) as err:
        print(f"BROKEN: {err}")
        return 1
    print(f"OK {count} events linked to head {head['seq']} {head['hash']}")
    return 0


def main(args):
    if len(args) == 3 and args[0] == "export":
        return export(args[1], args[2])
    if len(args) == 2 and args[0] == "production":
        return production(args[1])
    if len(args) == 2 and args[0] == "canonical":
        return canonical_lines(args[1])
    if 1 <= len(args) <= 2:
        return verify(*args)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
