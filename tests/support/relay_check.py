"""tests/support/relay_check.py — the judge of tattle's envelopes, built on Sentry Relay's own code (PyPI sentry-relay).

Run with the venv from scripts/setup-python.sh; normally through tests/support/relay.mjs:

    python relay_check.py envelopes <input.json>   input {"bodies": [base64, ...], "options": {...}}
    python relay_check.py pii <input.json>         input {"events": [event, ...], "options": {...}}
    python relay_check.py selftest                 the judge judged: good and bad envelopes of each kind it checks

Prints one JSON object on stdout: {"ok": bool, "problems": [...], ...}. Exit status 0 whenever it could judge
(even when ok is false); non-zero only when the judge itself broke.

envelopes — for every body (raw bytes of one envelope, already Content-Encoding-decoded):
  * strict parse of the Sentry envelope format: header line (a JSON object) ending in "\n"; per item a header line
    (JSON object with a string `type`, optional non-negative integer `length`) and the payload: exactly `length`
    bytes followed by "\n" or the end, or, without `length`, everything up to the next "\n" or the end. A wrong length,
    a blank line where an item header belongs or trailing garbage are problems (Relay itself skips whitespace between
    items; we don't — tattle writes the canonical form).
  * envelope rules: header `sent_at` present, RFC 3339 UTC ("Z" or "+00:00"); header `event_id` = 32 lowercase hex,
    required when an event item is present; optional `dsn` is a URL string; optional `sdk` has string name + version;
    at most ONE event item; event item ≤ 1 MiB; the event payload is a JSON object whose `event_id` equals the header's.
  * every `event` item through sentry_relay's StoreNormalizer(project_id=1).normalize_event(event); each entry of the
    normalizer's `errors` list is a problem (invalid_data, invalid_attribute, … with the field name and value).
    Note: in sentry-relay 0.10.1 the store normalizer does NOT trim (a 300-char tag value or a 9000-char message pass
    without complaint), so tattle's own truncation rules (DESIGN §3) are checked here explicitly as kind "limit":
    tag keys/values ≤ 200 chars, message/logentry ≤ 8192 chars, ≤ 50 frames per stacktrace, ≤ 100 breadcrumbs.
    Disable with options {"limits": false}.
  * `transaction` items as event items (at most one event or transaction per envelope, the header's `event_id`
    equal to the payload's, ≤ 1 MiB) and through the same normalize_event (it validates transactions: a missing
    trace context, a span without ids or times, an end before the start raise; those are problems of kind
    "normalizer" too), plus tattle's own rule: at most 1000 spans.
  * header `trace` (dynamic sampling context), when present: an object of string values with `trace_id` (32 hex)
    and `public_key`.
  * `session` items: `sid` a UUID, `status` one of ok/exited/crashed/abnormal/errored, `started` (and `timestamp`
    if present) RFC 3339, `errors`/`seq` non-negative integers, `duration` a non-negative number, `init` a bool,
    `did` a string, `attrs.release` a non-empty string (Relay drops sessions without), `attrs.environment` a string.
    `sessions` items: `aggregates` a non-empty list of {started RFC 3339, exited/errored/abnormal/crashed
    non-negative integers, did string} and `attrs` as above. Kind "session".
  * client_report items: JSON object, `discarded_events` a list of {reason: str, category: str, quantity: int ≥ 0};
    other JSON item types (user_report, feedback, …) must at least be JSON.

pii — Relay's default server-side data scrubbing: convert_datascrubbing_config({scrubData, scrubDefaults,
  scrubIpAddresses, sensitiveFields, excludeFields}) (defaults: true, true, true, [], []; override via options) and
  pii_strip_event on the NORMALIZED event (Relay scrubs after normalizing: e.g. a Cookie header is only split into
  request.cookies by the normalizer). Every leaf value the scrubber would still change is a problem, with the path
  (in normalized form: tags are [key, value] pairs, headers too), the value before/after and the rule from `_meta`.
"""

import base64
import json
import re
import sys

from sentry_relay.processing import (
    StoreNormalizer,
    convert_datascrubbing_config,
    pii_strip_event,
)

MAX_EVENT_ITEM = 1024 * 1024
EVENT_ID_RE = re.compile(r"^[0-9a-f]{32}$")
UUID_RE = re.compile(r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")
RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SESSION_STATUSES = {"ok", "exited", "crashed", "abnormal", "errored"}
MAX_SPANS = 1000
SENT_AT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00)$")
JSON_TYPES = {"event", "transaction", "client_report", "session", "sessions", "user_report", "feedback",
              "check_in", "statsd", "log", "span", "profile", "replay_event"}

_normalizer = None


def normalizer():
    global _normalizer
    if _normalizer is None:
        _normalizer = StoreNormalizer(project_id=1)
    return _normalizer


class Problems:
    def __init__(self):
        self.items = []

    def add(self, envelope, kind, message, item=None, **extra):
        p = {"envelope": envelope, "kind": kind, "message": message}
        if item is not None:
            p["item"] = item
        p.update(extra)
        self.items.append(p)


def _reject_constant(name):
    # Python's json accepts NaN/Infinity; JSON (and Relay) do not
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


def parse_json_object(raw):
    """JSON object from bytes (strict UTF-8), or raise ValueError with a reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8: {e}")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON: {e}")
    if not isinstance(value, dict):
        raise ValueError(f"not a JSON object but {type(value).__name__}")
    return value


def split_envelope(body, n, problems):
    """Strictly split one envelope into (header, [(item_header, payload_bytes)]); problems go to `problems`."""
    nl = body.find(b"\n")
    header_raw = body if nl < 0 else body[:nl]
    pos = len(body) if nl < 0 else nl + 1
    try:
        header = parse_json_object(header_raw)
    except ValueError as e:
        problems.add(n, "parse", f"envelope header {e}: {header_raw[:200]!r}")
        return None, []
    items = []
    index = 0
    while pos < len(body):
        nl = body.find(b"\n", pos)
        line = body[pos:] if nl < 0 else body[pos:nl]
        if line.strip() == b"":
            problems.add(n, "parse", f"blank line at byte {pos} where an item header belongs", item=index)
            return header, items
        try:
            ih = parse_json_object(line)
        except ValueError as e:
            problems.add(n, "parse", f"item header {e}: {line[:200]!r}", item=index)
            return header, items
        if not isinstance(ih.get("type"), str) or not ih.get("type"):
            problems.add(n, "parse", f"item header without a string `type`: {ih}", item=index)
        if nl < 0:
            # header at the very end without payload: only valid for an explicit length of 0
            if ih.get("length") not in (0, None):
                problems.add(n, "parse", f"item header says length {ih.get('length')} but the envelope ends",
                             item=index)
            items.append((ih, b""))
            return header, items
        pos = nl + 1
        if "length" in ih:
            length = ih["length"]
            if not isinstance(length, int) or isinstance(length, bool) or length < 0:
                problems.add(n, "parse", f"item length is not a non-negative integer: {length!r}", item=index)
                return header, items
            payload = body[pos:pos + length]
            if len(payload) < length:
                problems.add(n, "parse", f"item length {length} but only {len(payload)} bytes remain", item=index)
                return header, items
            pos += length
            if pos < len(body):
                if body[pos:pos + 1] != b"\n":
                    problems.add(n, "parse", f"item length {length} is wrong: payload not followed by a newline "
                                 f"(next bytes {body[pos:pos + 20]!r})", item=index)
                    return header, items
                pos += 1
        else:
            nl = body.find(b"\n", pos)
            payload = body[pos:] if nl < 0 else body[pos:nl]
            pos = len(body) if nl < 0 else nl + 1
        items.append((ih, payload))
        index += 1
    return header, items


def check_limits(event, n, i, problems):
    def limit(path, value, max_len):
        if isinstance(value, str) and len(value) > max_len:
            problems.add(n, "limit", f"{path} has {len(value)} chars (max {max_len})", item=i)

    tags = event.get("tags")
    pairs = tags.items() if isinstance(tags, dict) else (
        [t for t in tags if isinstance(t, list) and len(t) == 2] if isinstance(tags, list) else [])
    for k, v in pairs:
        limit(f"tag key {str(k)[:40]!r}", k, 200)
        limit(f"tags.{str(k)[:40]}", v, 200)
    msg = event.get("message")
    limit("message", msg if isinstance(msg, str) else (msg or {}).get("formatted") if isinstance(msg, dict) else None,
          8192)
    if isinstance(msg, dict):
        limit("message.message", msg.get("message"), 8192)
    le = event.get("logentry")
    if isinstance(le, dict):
        limit("logentry.formatted", le.get("formatted"), 8192)
        limit("logentry.message", le.get("message"), 8192)
    stacks = []
    exc = event.get("exception")
    values = exc.get("values") if isinstance(exc, dict) else exc if isinstance(exc, list) else None
    for j, v in enumerate(values or []):
        if isinstance(v, dict) and isinstance(v.get("stacktrace"), dict):
            stacks.append((f"exception.values.{j}.stacktrace", v["stacktrace"]))
    if isinstance(event.get("stacktrace"), dict):
        stacks.append(("stacktrace", event["stacktrace"]))
    th = event.get("threads")
    for j, t in enumerate((th.get("values") if isinstance(th, dict) else None) or []):
        if isinstance(t, dict) and isinstance(t.get("stacktrace"), dict):
            stacks.append((f"threads.values.{j}.stacktrace", t["stacktrace"]))
    for path, st in stacks:
        frames = st.get("frames")
        if isinstance(frames, list) and len(frames) > 50:
            problems.add(n, "limit", f"{path} has {len(frames)} frames (max 50)", item=i)
    bc = event.get("breadcrumbs")
    crumbs = bc.get("values") if isinstance(bc, dict) else bc if isinstance(bc, list) else None
    if isinstance(crumbs, list) and len(crumbs) > 100:
        problems.add(n, "limit", f"breadcrumbs has {len(crumbs)} entries (max 100)", item=i)


def check_client_report(report, n, i, problems):
    de = report.get("discarded_events", [])
    if not isinstance(de, list):
        problems.add(n, "client_report", "discarded_events is not a list", item=i)
        return
    for j, d in enumerate(de):
        ok = (isinstance(d, dict) and isinstance(d.get("reason"), str) and isinstance(d.get("category"), str)
              and isinstance(d.get("quantity"), int) and not isinstance(d.get("quantity"), bool)
              and d["quantity"] >= 0)
        if not ok:
            problems.add(n, "client_report", f"discarded_events[{j}] is not {{reason, category, quantity}}: {d!r}",
                         item=i)


def check_session(obj, item_type, n, i, problems):
    def bad(message):
        problems.add(n, "session", message, item=i)

    def count(o, k, where):
        v = o.get(k)
        if v is not None and not (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
            bad(f"{where}{k} is not a non-negative integer: {v!r}")

    def time(o, k, where, required):
        v = o.get(k)
        if v is None:
            if required:
                bad(f"{where}{k} is missing")
        elif not (isinstance(v, str) and RFC3339_RE.match(v)):
            bad(f"{where}{k} is not RFC 3339: {v!r}")

    attrs = obj.get("attrs")
    if not isinstance(attrs, dict):
        bad("attrs is not an object")
        attrs = {}
    release = attrs.get("release")
    if not (isinstance(release, str) and release.strip()):
        bad(f"attrs.release is not a non-empty string: {release!r} (Relay drops sessions without a release)")
    for k in ("environment", "user_agent", "ip_address"):
        if k in attrs and not isinstance(attrs[k], str):
            bad(f"attrs.{k} is not a string: {attrs[k]!r}")
    if item_type == "session":
        if not (isinstance(obj.get("sid"), str) and UUID_RE.match(obj["sid"])):
            bad(f"sid is not a UUID: {obj.get('sid')!r}")
        if obj.get("status") not in SESSION_STATUSES:
            bad(f"status is not one of {sorted(SESSION_STATUSES)}: {obj.get('status')!r}")
        time(obj, "started", "", True)
        time(obj, "timestamp", "", False)
        count(obj, "errors", "")
        count(obj, "seq", "")
        d = obj.get("duration")
        if d is not None and not (isinstance(d, (int, float)) and not isinstance(d, bool) and d >= 0):
            bad(f"duration is not a non-negative number: {d!r}")
        if "init" in obj and not isinstance(obj["init"], bool):
            bad(f"init is not a bool: {obj['init']!r}")
        if "did" in obj and not isinstance(obj["did"], str):
            bad(f"did is not a string: {obj['did']!r}")
    else:
        aggregates = obj.get("aggregates")
        if not (isinstance(aggregates, list) and aggregates):
            bad(f"aggregates is not a non-empty list: {aggregates!r}")
            return
        for j, a in enumerate(aggregates):
            where = f"aggregates[{j}]."
            if not isinstance(a, dict):
                bad(f"aggregates[{j}] is not an object")
                continue
            time(a, "started", where, True)
            for k in ("exited", "errored", "abnormal", "crashed"):
                count(a, k, where)
            if "did" in a and not isinstance(a["did"], str):
                bad(f"{where}did is not a string: {a['did']!r}")


def check_trace_header(trace, n, problems):
    if not isinstance(trace, dict):
        problems.add(n, "header", f"envelope header trace is not an object: {trace!r}")
        return
    for k, v in trace.items():
        if not isinstance(v, str):
            problems.add(n, "header", f"envelope header trace.{k} is not a string: {v!r}")
    if not (isinstance(trace.get("trace_id"), str) and EVENT_ID_RE.match(trace["trace_id"])):
        problems.add(n, "header", f"envelope header trace.trace_id is not 32 lowercase hex: {trace.get('trace_id')!r}")
    if not isinstance(trace.get("public_key"), str) or not trace.get("public_key"):
        problems.add(n, "header", f"envelope header trace has no public_key: {trace!r}")


def check_envelope(body, n, problems, options):
    header, items = split_envelope(body, n, problems)
    summary = {"index": n, "header": header, "items": [ih for ih, _ in items]}
    if header is None:
        return summary
    types = [ih.get("type") for ih, _ in items]
    event_count = types.count("event") + types.count("transaction")

    hid = header.get("event_id")
    if hid is None:
        if event_count or "attachment" in types:
            problems.add(n, "header", "envelope header has no event_id but carries an event/attachment")
    elif not isinstance(hid, str) or not EVENT_ID_RE.match(hid):
        problems.add(n, "header", f"envelope header event_id is not 32 lowercase hex: {hid!r}")
    sent_at = header.get("sent_at")
    if sent_at is None:
        if options.get("requireSentAt", True):
            problems.add(n, "header", "envelope header has no sent_at")
    elif not isinstance(sent_at, str) or not SENT_AT_RE.match(sent_at):
        problems.add(n, "header", f"envelope header sent_at is not RFC 3339 UTC: {sent_at!r}")
    if "dsn" in header and not (isinstance(header["dsn"], str) and re.match(r"^https?://[^@/]+@", header["dsn"])):
        problems.add(n, "header", f"envelope header dsn is not a DSN: {header['dsn']!r}")
    sdk = header.get("sdk")
    if sdk is not None and not (isinstance(sdk, dict) and isinstance(sdk.get("name"), str)
                                and isinstance(sdk.get("version"), str)):
        problems.add(n, "header", f"envelope header sdk needs string name and version: {sdk!r}")
    if "trace" in header:
        check_trace_header(header["trace"], n, problems)
    if event_count > 1:
        problems.add(n, "envelope", f"{event_count} event/transaction items in one envelope (max 1)")
    if not items and not any(p["envelope"] == n and p["kind"] == "parse" for p in problems.items):
        problems.add(n, "envelope", "envelope has no items")

    summary["event_ids"] = []
    for i, (ih, payload) in enumerate(items):
        t = ih.get("type")
        if t in JSON_TYPES and t not in ("statsd",):
            try:
                obj = parse_json_object(payload)
            except ValueError as e:
                problems.add(n, "payload", f"{t} payload {e}", item=i)
                continue
        else:
            continue
        if t in ("event", "transaction"):
            if len(payload) > MAX_EVENT_ITEM:
                problems.add(n, "envelope", f"{t} item is {len(payload)} bytes (max {MAX_EVENT_ITEM})", item=i)
            eid = obj.get("event_id")
            summary["event_ids"].append(eid)
            if eid is None:
                problems.add(n, "event", f"{t} payload has no event_id", item=i)
            elif eid != hid:
                problems.add(n, "event", f"{t} payload event_id {eid!r} != envelope header event_id {hid!r}",
                             item=i)
            if t == "transaction":
                if obj.get("type") != "transaction":
                    problems.add(n, "event", f"transaction payload type is {obj.get('type')!r}", item=i)
                spans = obj.get("spans")
                if isinstance(spans, list) and len(spans) > MAX_SPANS:
                    problems.add(n, "limit", f"transaction has {len(spans)} spans (max {MAX_SPANS})", item=i)
            try:
                normalized = normalizer().normalize_event(obj)
            except Exception as e:  # an invalid transaction raises (ProcessingErrorInvalidTransaction)
                problems.add(n, "normalizer", f"{type(e).__name__}: {str(e).splitlines()[0]}", item=i)
                continue
            for err in normalized.get("errors") or []:
                desc = err.get("type", "?")
                if err.get("name"):
                    desc += f" at {err['name']}"
                if "value" in err:
                    desc += f" (value {json.dumps(err['value'])[:200]})"
                if err.get("reason"):
                    desc += f": {err['reason']}"
                problems.add(n, "normalizer", desc, item=i, error=err)
            if options.get("limits", True):
                check_limits(obj, n, i, problems)
        elif t == "client_report":
            check_client_report(obj, n, i, problems)
        elif t in ("session", "sessions"):
            check_session(obj, t, n, i, problems)
    return summary


def run_envelopes(data):
    options = data.get("options") or {}
    problems = Problems()
    envelopes = []
    for n, b64 in enumerate(data.get("bodies") or []):
        envelopes.append(check_envelope(base64.b64decode(b64), n, problems, options))
    if not data.get("bodies") and not options.get("allowEmpty"):
        problems.add(None, "input", "no envelope bodies given")
    return {"ok": not problems.items, "problems": problems.items, "envelopes": envelopes}


def diff(before, after, path, out):
    if isinstance(before, dict) and isinstance(after, dict):
        for k in sorted(set(before) | set(after)):
            if k == "_meta" and not path:
                continue
            diff(before.get(k), after.get(k), path + [str(k)], out)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for j, (b, a) in enumerate(zip(before, after)):
            diff(b, a, path + [str(j)], out)
    elif before != after:
        out.append((path, before, after))


def meta_at(meta, path):
    node = meta
    for p in path:
        if not isinstance(node, dict) or p not in node:
            return None
        node = node[p]
    return node.get("") if isinstance(node, dict) else None


def run_pii(data):
    options = data.get("options") or {}
    settings = {
        "scrubData": options.get("scrubData", True),
        "scrubDefaults": options.get("scrubDefaults", True),
        "scrubIpAddresses": options.get("scrubIpAddresses", True),
        "sensitiveFields": options.get("sensitiveFields", []),
        "excludeFields": options.get("excludeFields", []),
    }
    config = convert_datascrubbing_config(settings)
    problems = []
    for n, event in enumerate(data.get("events") or []):
        normalized = normalizer().normalize_event(event)
        baseline = pii_strip_event({}, normalized)
        stripped = pii_strip_event(config, normalized)
        changes = []
        diff(baseline, stripped, [], changes)
        for path, before, after in changes:
            if path == ["user", "sentry_user"]:
                continue  # derived by the normalizer from user.ip_address; reported there already
            m = meta_at(stripped.get("_meta") or {}, path) or {}
            rules = [r[0] for r in m.get("rem") or [] if isinstance(r, list) and r]
            problems.append({
                "event": n, "kind": "pii", "path": ".".join(path), "before": before, "after": after,
                "rules": rules,
                "message": f"{'.'.join(path)}: {json.dumps(before)[:120]} -> {json.dumps(after)[:120]}"
                           f" ({', '.join(rules) or 'rule unknown'})",
            })
    return {"ok": not problems, "problems": problems, "datascrubbing": settings}


def selftest():
    """The judge judged: each kind of envelope it checks, once as tattle should send it (no problem) and in ways it
    must not be (each with the problem expected). Prints {"ok", "failures"}."""
    def env(header, item_type, payload):
        p = json.dumps(payload).encode()
        return json.dumps(header).encode() + b"\n" + json.dumps({"type": item_type, "length": len(p)}).encode() + b"\n" + p

    sent_at = "2026-11-30T01:02:03.456Z"
    eid = "0123456789abcdef0123456789abcdef"
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    dsc = {"trace_id": trace_id, "public_key": "k", "sample_rate": "1", "sampled": "true"}

    def span(k):
        return {"trace_id": trace_id, "span_id": f"{k + 1:016x}", "parent_span_id": "00f067aa0ba902b7", "op": "http.client",
                "description": "GET /a", "start_timestamp": 1764467362.5, "timestamp": 1764467362.75, "status": "ok"}

    def tx(**changes):
        t = {"event_id": eid, "type": "transaction", "transaction": "/a", "transaction_info": {"source": "url"},
             "start_timestamp": 1764467362.25, "timestamp": 1764467363.5, "platform": "javascript",
             "contexts": {"trace": {"trace_id": trace_id, "span_id": "00f067aa0ba902b7", "op": "pageload"}},
             "spans": [span(0)], "measurements": {"lcp": {"value": 1234.5, "unit": "millisecond"}}}
        t.update(changes)
        return t

    session = {"sid": "fedcba9876543210fedcba9876543210", "init": True, "started": sent_at, "timestamp": sent_at,
               "status": "ok", "errors": 0, "attrs": {"release": "r@1", "environment": "e2e"}}
    sessions = {"aggregates": [{"started": "2026-11-30T01:02:00Z", "exited": 3, "errored": 1}], "attrs": {"release": "r@1"}}
    cases = [  # (name, body, expected problem kind or None)
        ("transaction", env({"event_id": eid, "sent_at": sent_at, "trace": dsc}, "transaction", tx()), None),
        ("session", env({"sent_at": sent_at}, "session", session), None),
        ("sessions", env({"sent_at": sent_at}, "sessions", sessions), None),
        ("transaction without trace context", env({"event_id": eid, "sent_at": sent_at}, "transaction", tx(contexts={})), "normalizer"),
        ("span end before start", env({"event_id": eid, "sent_at": sent_at}, "transaction",
                                      tx(spans=[dict(span(0), timestamp=1.0)])), "normalizer"),
        ("span status unknown", env({"event_id": eid, "sent_at": sent_at}, "transaction",
                                    tx(spans=[dict(span(0), status="fine")])), "normalizer"),
        ("1001 spans", env({"event_id": eid, "sent_at": sent_at}, "transaction", tx(spans=[span(k) for k in range(1001)])), "limit"),
        ("transaction id mismatch", env({"event_id": "f" * 32, "sent_at": sent_at}, "transaction", tx()), "event"),
        ("trace header number", env({"event_id": eid, "sent_at": sent_at, "trace": dict(dsc, sample_rate=1)}, "transaction", tx()), "header"),
        ("trace header without public_key", env({"event_id": eid, "sent_at": sent_at, "trace": {"trace_id": trace_id}}, "transaction", tx()), "header"),
        ("session without release", env({"sent_at": sent_at}, "session", dict(session, attrs={})), "session"),
        ("session status", env({"sent_at": sent_at}, "session", dict(session, status="fine")), "session"),
        ("session sid", env({"sent_at": sent_at}, "session", dict(session, sid="nope")), "session"),
        ("session started seconds", env({"sent_at": sent_at}, "session", dict(session, started=1764467362)), "session"),
        ("session errors", env({"sent_at": sent_at}, "session", dict(session, errors=-1)), "session"),
        ("sessions without aggregates", env({"sent_at": sent_at}, "sessions", dict(sessions, aggregates=[])), "session"),
        ("sessions count", env({"sent_at": sent_at}, "sessions", dict(sessions, aggregates=[{"started": sent_at, "crashed": "1"}])), "session"),
    ]
    failures = []
    for name, body, expected in cases:
        problems = Problems()
        check_envelope(body, 0, problems, {})
        kinds = sorted({p["kind"] for p in problems.items})
        if (expected is None and kinds) or (expected is not None and expected not in kinds):
            failures.append({"case": name, "expected": expected, "problems": problems.items})
    return {"ok": not failures, "failures": failures, "cases": len(cases)}


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "selftest":
        sys.stdout.write(json.dumps(selftest()))
        return
    if len(sys.argv) != 3 or sys.argv[1] not in ("envelopes", "pii"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[2], "rb") as f:
        data = json.load(f)
    result = run_envelopes(data) if sys.argv[1] == "envelopes" else run_pii(data)
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
