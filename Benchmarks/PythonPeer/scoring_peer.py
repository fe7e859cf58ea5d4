"""An exactly-once scoring tier in Python: the peer `bizflow-lab bench` measures the Swift scoring tier against.

It does per event what `bizflow run scoring` does for a captured lead, on confluent-kafka (librdkafka):
read the CloudEvents headers and check them (spec version, content type, RFC 3339 time, required ids, the type the
topic accepts), decode the LeadCaptured, check that the record key is the lead id, drop ids already in the key's
dedupe window, validate, normalise (email, country, phone to E.164, industry), score (the four components from
Topology/scoring.yaml, the weighted total, band, confidence, disqualification, the top reasons), write LeadScored
with the lead's encoding embedded and the envelope of an event it caused (a deterministic id, the input's
correlation and trace), keep the lead and the window as state, and per batch of up to 2,000 records write one
changelog record per changed key (the runtime's group format, with the change time), a commit marker per touched
changelog partition and the consumed offsets, all in one Kafka transaction. Invalid leads go to the dead-letter
topic with the runtime's headers.

    python scoring_peer.py --bootstrap HOST:PORT --input T --output T --changelog T --group G \
        --config Topology/scoring.yaml --count N [--report FILE] [--idle-seconds S]

It stops after N records (or S seconds without any) and writes "wall cpu" seconds to --report, timed from its first
record, like the C references.
"""

import argparse
import datetime
import os
import struct
import sys
import time
import uuid

import yaml
from confluent_kafka import Consumer, Producer, TopicPartition

sys.path.insert(0, os.environ.get("BIZFLOW_PY_PROTOS", os.path.join(os.path.dirname(__file__), "gen")))
from bizflow.leads.v1 import leads_pb2  # noqa: E402
from google.protobuf import timestamp_pb2  # noqa: E402

LEAD_TYPE = "bizflow.leads.v1.LeadCaptured"
SCORED_TYPE = "bizflow.leads.v1.LeadScored"
SOURCE = "bizflow/scoring"
TIER = "scoring"
WINDOW = 8
MASK = (1 << 64) - 1

CALLING_CODES = {
    "US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "NL": "31", "SE": "46", "ES": "34", "IT": "39",
    "IE": "353", "BE": "32", "CH": "41", "AT": "43", "DK": "45", "NO": "47", "FI": "358", "PL": "48", "PT": "351",
    "AU": "61", "NZ": "64", "IN": "91", "JP": "81", "SG": "65", "BR": "55", "MX": "52", "ZA": "27",
}
COUNTRY_NAMES = {
    "UNITED STATES": "US", "USA": "US", "U.S.": "US", "UNITED KINGDOM": "GB", "UK": "GB", "ENGLAND": "GB",
    "GERMANY": "DE", "DEUTSCHLAND": "DE", "FRANCE": "FR", "NETHERLANDS": "NL", "HOLLAND": "NL", "SWEDEN": "SE",
    "SPAIN": "ES", "ITALY": "IT", "IRELAND": "IE", "CANADA": "CA", "AUSTRALIA": "AU", "INDIA": "IN", "JAPAN": "JP",
    "SWITZERLAND": "CH", "AUSTRIA": "AT", "BELGIUM": "BE", "DENMARK": "DK", "NORWAY": "NO", "FINLAND": "FI",
    "POLAND": "PL", "PORTUGAL": "PT", "BRAZIL": "BR", "MEXICO": "MX", "SINGAPORE": "SG",
}
TWO_LETTER_NAMES = {name for name in COUNTRY_NAMES if len(name) == 2}
RESERVED_TLDS = {"invalid", "test", "localhost", "example", "local"}
TIMELINES = ["unspecified", "immediate", "within_3_months", "within_6_months", "within_12_months", "exploring"]
SPACE = " \t\n\r"


# --- the rules (as in Sources/BizflowLeads/Scoring) -------------------------------------------------------------

def well_formed_email(email):
    """LeadNormalizer.isWellFormedEmail, on the UTF-8 bytes as there."""
    data = email.encode()
    if len(data) > 254:
        return False
    at = data.find(b"@")
    if at <= 0 or at > 64 or b"@" in data[at + 1:]:
        return False
    if any(c in data for c in b" \t\n\r,;<>"):
        return False
    labels = data[at + 1:].split(b".")
    return len(labels) >= 2 and all(l and l[0] != 45 and l[-1] != 45 for l in labels)


def problems(lead):
    found = []
    email = lead.email.strip(SPACE)
    if not email and not lead.phone:
        found.append("email or phone is required")
    if email and not well_formed_email(email):
        found.append("email is not a well-formed address")
    if lead.company_size < 0:
        found.append("company_size must not be negative")
    if lead.website_visits < 0 or lead.email_opens < 0 or lead.content_downloads < 0:
        found.append("activity counts must not be negative")
    if lead.HasField("budget") and lead.budget.amount_minor < 0:
        found.append("budget must not be negative")
    return found


def country(raw):
    if len(raw) == 2 and raw.isascii() and raw.isupper() and raw.isalpha() and raw not in TWO_LETTER_NAMES:
        return raw
    upper = raw.strip(SPACE).upper()
    return COUNTRY_NAMES.get(upper, upper)


def e164(raw, code_country):
    trimmed = raw.strip(SPACE)
    if not trimmed:
        return ""
    digits = "".join(c for c in trimmed if "0" <= c <= "9") if trimmed.isascii() else "".join(c for c in trimmed if c.isnumeric())
    if trimmed.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    code = CALLING_CODES.get(code_country)
    if code is None:
        return digits
    if code == "1":
        if len(digits) == 11 and digits.startswith("1"):
            return "+" + digits
        return "+1" + digits if len(digits) == 10 else digits
    if digits.startswith("0"):
        digits = digits[1:]
    return "+" + code + digits if len(digits) >= 6 else digits


def normalise(lead):
    """Sets the normalised fields; True when any changed."""
    changed = False
    email = lead.email.strip(SPACE).lower()
    if email != lead.email:
        lead.email, changed = email, True
    code = country(lead.country)
    if code != lead.country:
        lead.country, changed = code, True
    phone = e164(lead.phone, lead.country)
    if phone != lead.phone:
        lead.phone, changed = phone, True
    industry = lead.industry.strip(SPACE).lower()
    if industry != lead.industry:
        lead.industry, changed = industry, True
    return changed


class Scorer:
    def __init__(self, config):
        self.version = str(config["version"])
        self.weights = config["weights"]
        self.weight_sum = sum(self.weights[k] for k in ("demographic", "firmographic", "behavioural", "engagement"))
        self.bands = config["bands"]
        self.top = config["top_reasons"]
        d, f = config["demographic"], config["firmographic"]
        self.titles = [([w.lower() for w in rule["match"]], rule["points"]) for rule in d["titles"]]
        self.countries, self.default_country = d["countries"], d["default_country_points"]
        self.sizes = sorted(((t["min"], t["points"]) for t in f["company_size"]), reverse=True)
        self.industries, self.default_industry = f["industries"], f["default_industry_points"]
        self.budgets = sorted(((t["min"], t["points"]) for t in f["budget"]), reverse=True)
        self.timeline = [f["timeline"].get(name, 0) for name in TIMELINES]
        self.per_service, self.max_services = f["points_per_service"], f["max_service_points"]
        self.b, self.e = config["behavioural"], config["engagement"]
        q = config["disqualify"]
        self.disposable, self.competitors = set(q["disposable_domains"]), set(q["competitor_domains"])
        self.require_consent = q["require_consent"]

    @staticmethod
    def threshold(value, table):
        for minimum, points in table:
            if value >= minimum:
                return points
        return 0

    def band(self, total):
        b = self.bands
        return 1 if total >= b["hot"] else 2 if total >= b["warm"] else 3 if total >= b["cold"] else 4

    def disqualification(self, lead):
        if lead.email:
            at = lead.email.rfind("@")
            domain = lead.email[at + 1:].lower() if at >= 0 else ""
            tld = domain.rstrip(".").rsplit(".", 1)[-1]
            if not domain.rstrip(".") or tld in RESERVED_TLDS:
                return "invalid_email_domain", domain
            if domain in self.disposable:
                return "disposable_email", domain
            if domain in self.competitors:
                return "competitor", domain
        if lead.marketing_consent == 2:
            return "consent_denied", "the lead refused marketing contact"
        if self.require_consent and lead.marketing_consent != 1:
            return "consent_missing", "marketing consent was not given"
        return None

    def score(self, lead, scored):
        reasons = []
        title = lead.job_title.lower()
        title_points = next((p for words, p in self.titles if any(w in title for w in words)), 0)
        country_points = (self.countries.get(lead.country, self.default_country)) if lead.country else 0
        size_points = self.threshold(lead.company_size, self.sizes)
        industry_points = self.industries.get(lead.industry, self.default_industry) if lead.industry else 0
        has_budget = lead.HasField("budget")
        budget_points = self.threshold(lead.budget.amount_minor, self.budgets) if has_budget else 0
        timeline_points = self.timeline[lead.timeline] if 0 <= lead.timeline < len(TIMELINES) else 0
        services = list(lead.service_requirements)
        service_points = min(self.max_services, self.per_service * len(services))
        b, e = self.b, self.e
        visits, downloads, opens = lead.website_visits, lead.content_downloads, lead.email_opens
        visit_points = min(b["max_website_points"], visits * b["website_visit"])
        download_points = min(b["max_download_points"], downloads * b["content_download"])
        open_points = opens * e["email_open"]
        for component, factor, points, detail in (
            ("demographic", "seniority", title_points, lambda: lead.job_title),
            ("demographic", "country", country_points, lambda: lead.country),
            ("firmographic", "company_size", size_points, lambda: "%d employees" % lead.company_size),
            ("firmographic", "industry", industry_points, lambda: lead.industry),
            ("firmographic", "budget", budget_points,
             lambda: "%d %s" % (truncated_hundredths(lead.budget.amount_minor), lead.budget.currency)),
            ("firmographic", "timeline", timeline_points, lambda: TIMELINES[lead.timeline] if lead.timeline < 6 else "unspecified"),
            ("firmographic", "services", service_points, lambda: ", ".join(services)),
            ("behavioural", "website_visits", visit_points, lambda: "%d visits" % visits),
            ("behavioural", "content_downloads", download_points, lambda: "%d downloads" % downloads),
            ("engagement", "email_opens", open_points, lambda: "%d opens" % opens),
        ):
            if points:
                reasons.append((points, factor, component, detail))
        clamp = lambda v: 100 if v > 100 else 0 if v < 0 else v  # noqa: E731
        demographic = clamp(title_points + country_points)
        firmographic = clamp(size_points + industry_points + budget_points + timeline_points + service_points)
        behavioural = clamp(visit_points + download_points)
        engagement = clamp(open_points)
        w = self.weights
        weighted = (demographic * w["demographic"] + firmographic * w["firmographic"] + behavioural * w["behavioural"]
                    + engagement * w["engagement"]) / self.weight_sum
        total = clamp(int(round_half_away(weighted)))
        scored.lead_id, scored.tenant_id = lead.lead_id, lead.tenant_id
        scored.demographic, scored.firmographic, scored.behavioural, scored.engagement = (
            demographic, firmographic, behavioural, engagement)
        scored.total = total
        filled = (bool(lead.email) + bool(lead.phone) + bool(lead.first_name or lead.last_name) + bool(lead.company_name)
                  + (lead.company_size > 0) + bool(lead.industry) + bool(lead.job_title) + bool(lead.country)
                  + (has_budget and lead.budget.amount_minor > 0) + (lead.timeline != 0))
        scored.confidence = round_half_away(filled / 10 * 100) / 100
        scored.scoring_version = self.version
        disqualified = self.disqualification(lead)
        if disqualified:
            scored.band = 4
            scored.reasons.add(component="disqualification", factor=disqualified[0], points=0, detail=disqualified[1])
        else:
            scored.band = self.band(total)
            reasons.sort(key=lambda r: (r[0], r[1]), reverse=True)
            for points, factor, component, detail in reasons[:self.top]:
                scored.reasons.add(component=component, factor=factor, points=points, detail=detail())


def truncated_hundredths(minor):
    """Swift's Int64 `/ 100`: toward zero."""
    return minor // 100 if minor >= 0 else -((-minor) // 100)


def round_half_away(value):
    """Swift's `rounded()`: halves away from zero."""
    return float(int(value + 0.5)) if value >= 0 else -float(int(-value + 0.5))


# --- the runtime's formats (as in Sources/BizflowRuntime) ---------------------------------------------------------

def derived_id(*parts):
    """EventID.derived: two FNV-style lanes over the parts, shaped like a UUID."""
    a, b = 0xcbf29ce484222325, 0x84222325cbf29ce4
    for part in parts:
        for byte in part.encode():
            a = ((a ^ byte) * 0x100000001b3) & MASK
            b = (((b ^ byte) * 0x100000001b3) + 0x9e3779b9) & MASK
        a = ((a ^ 0x1f) * 0x100000001b3) & MASK
        b = ((b ^ 0x1f) * 0x100000001b3) & MASK
    a ^= b >> 29
    b = (b ^ (a << 17)) & MASK
    text = "%016x%016x" % (a, b)
    return "%s-%s-%s-%s-%s" % (text[:8], text[8:12], text[12:16], text[16:20], text[20:])


def event_time(seconds):
    ms = int(seconds * 1000)
    moment = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7f) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def group_value(entries, changed_ms):
    """ChangelogGroup.encode: the change time (reserved store ""), then each store's name and value."""
    out = bytearray(b"\x00\x08") + struct.pack("<q", changed_ms)
    for store, value in entries.items():
        out += varint(len(store)) + store.encode() + varint(len(value)) + value
    return bytes(out)


def marker_value(txn, offsets):
    """CommitMarker in the state codec: a map of txn (string), offsets (map of ints) and aborted (empty array)."""
    def string(text):
        data = text.encode()
        return b"\x07" + varint(len(data)) + data

    def container(tag, entries):
        body = b"".join(entries)
        return bytes([tag]) + struct.pack("<II", len(entries), len(body)) + body

    def key(name):
        return varint(len(name)) + name.encode()

    offset_entries = [key(topic) + b"\x03" + varint((n << 1) ^ (n >> 63)) for topic, n in offsets.items()]
    return b"\xb1" + container(10, [key("txn") + string(txn), key("offsets") + container(10, offset_entries),
                                    key("aborted") + container(9, [])])


def dead_letter(message, error_class, reason, now):
    headers = list(message.headers() or []) + [
        ("bizflow.dlq.topic", message.topic().encode()), ("bizflow.dlq.partition", str(message.partition()).encode()),
        ("bizflow.dlq.offset", str(message.offset()).encode()), ("bizflow.dlq.error-class", error_class.encode()),
        ("bizflow.dlq.reason", reason.encode()), ("bizflow.dlq.attempts", b"1"), ("bizflow.dlq.tier", TIER.encode()),
        ("bizflow.dlq.time", event_time(now).encode()),
    ]
    return message.topic() + ".dlq", message.key(), message.value(), headers


# --- the tier ---------------------------------------------------------------------------------------------------

class Peer:
    def __init__(self, args):
        with open(args.config) as f:
            self.scorer = Scorer(yaml.safe_load(f))
        self.args = args
        self.consumer = Consumer({
            "bootstrap.servers": args.bootstrap, "group.id": args.group, "auto.offset.reset": "earliest",
            "enable.auto.commit": False, "isolation.level": "read_committed",
            "partition.assignment.strategy": "range", "session.timeout.ms": 10000, "fetch.wait.max.ms": 100,
        })
        self.producer = Producer({
            "bootstrap.servers": args.bootstrap, "transactional.id": "%s-%s" % (args.group, uuid.uuid4().hex[:8]),
            "linger.ms": 5, "enable.idempotence": True,
        })
        self.producer.init_transactions(30)
        self.consumer.subscribe([args.input])
        self.state = {}  # key -> {"leads": bytes, "__seen": bytes}
        self.incarnation = uuid.uuid4().hex[:8]
        self.sequence = 0

    def handle(self, message, now, stamp, time_text, out, dirty):
        headers = {}
        for name, value in message.headers() or []:
            headers[name] = value
        try:
            fields = {name: headers[name].decode() for name in
                      ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type", "ce_tenantid")}
        except (KeyError, AttributeError, UnicodeDecodeError):
            return out.append(dead_letter(message, "invalid_envelope", "a CloudEvents header is missing", now))
        if fields["ce_specversion"] != "1.0" or not fields["content-type"].lower().startswith("application/protobuf"):
            return out.append(dead_letter(message, "invalid_envelope", "unsupported spec version or content type", now))
        try:
            parse_time(fields["ce_time"])
        except ValueError:
            return out.append(dead_letter(message, "invalid_envelope", "header ce_time is invalid", now))
        if fields["ce_type"] != LEAD_TYPE:
            return out.append(dead_letter(message, "unexpected_event_type", fields["ce_type"], now))
        payload = message.value()
        lead = leads_pb2.LeadCaptured()
        try:
            lead.ParseFromString(payload)
        except Exception as error:  # noqa: BLE001 (any decode failure is a dead letter)
            return out.append(dead_letter(message, "undecodable", str(error), now))
        key = message.key().decode() if message.key() else None
        if key != lead.lead_id:
            return out.append(dead_letter(message, "key_mismatch", "record key %r, lead_id %r" % (key, lead.lead_id), now))
        entries = self.state.setdefault(key, {})
        window = entries.get("__seen", b"")
        event_id = fields["ce_id"]
        if event_id.encode() in window.split(b"\n"):
            return
        found = problems(lead)
        if found:
            return out.append(dead_letter(message, "validation_failed", "; ".join(found), now))
        stored = lead.SerializeToString() if normalise(lead) else payload
        scored = leads_pb2.LeadScored()
        self.scorer.score(lead, scored)
        scored.scored_at.CopyFrom(stamp)
        value = scored.SerializeToString() + b"\x6a" + varint(len(stored)) + stored  # field 13, the lead as stored
        out_headers = [
            ("ce_specversion", b"1.0"), ("ce_id", derived_id(event_id, TIER, "0").encode()), ("ce_source", SOURCE.encode()),
            ("ce_type", SCORED_TYPE.encode()), ("ce_time", time_text), ("content-type", b"application/protobuf"),
            ("ce_tenantid", fields["ce_tenantid"].encode()),
            ("ce_correlationid", headers.get("ce_correlationid") or event_id.encode()), ("ce_causationid", event_id.encode()),
        ]
        if "traceparent" in headers:
            out_headers.append(("traceparent", headers["traceparent"]))
        out.append((self.args.output, message.key(), value, out_headers))
        entries["leads"] = stored
        ids = window.split(b"\n")[-(WINDOW - 1):] if window else []
        entries["__seen"] = b"\n".join(ids + [event_id.encode()])
        dirty.setdefault(message.partition(), set()).add(key)

    def commit(self, messages, out, dirty, now):
        txn = "%s:%d" % (self.incarnation, self.sequence)
        self.sequence += 1
        txn_header = [("bizflow.txn", txn.encode())]
        self.producer.begin_transaction()
        for topic, key, value, headers in out:
            self.produce(topic, key, value, headers)
        changed_ms = int(round(now * 1000))
        for partition, keys in dirty.items():
            for key in keys:
                self.produce(self.args.changelog, b"\x1e" + key.encode(), group_value(self.state[key], changed_ms),
                             txn_header, partition)
        self.producer.flush()
        offsets = {}
        for message in messages:
            offsets[(message.topic(), message.partition())] = message.offset() + 1
        for (topic, partition), offset in offsets.items():
            if partition in dirty:
                self.produce(self.args.changelog, b"__commit", marker_value(txn, {topic: offset}), txn_header, partition)
        self.producer.send_offsets_to_transaction(
            [TopicPartition(t, p, o) for (t, p), o in offsets.items()], self.consumer.consumer_group_metadata(), 30)
        self.producer.commit_transaction(30)

    def produce(self, topic, key, value, headers, partition=None):
        while True:
            try:
                if partition is None:
                    self.producer.produce(topic, value=value, key=key, headers=headers)
                else:
                    self.producer.produce(topic, value=value, key=key, headers=headers, partition=partition)
                return
            except BufferError:
                self.producer.poll(0.01)

    def run(self):
        done, first, last_seen = 0, None, time.monotonic()
        while done < self.args.count:
            messages = [m for m in self.consumer.consume(2000, 0.02) if m.error() is None]
            if not messages:
                if time.monotonic() - last_seen > self.args.idle_seconds:
                    break
                continue
            last_seen = time.monotonic()
            if first is None:
                first = (time.monotonic(), time.process_time())
            now = time.time()
            stamp = timestamp_pb2.Timestamp(seconds=int(now), nanos=int((now % 1) * 1e9))
            time_text = event_time(now).encode()
            out, dirty = [], {}
            for message in messages:
                self.handle(message, now, stamp, time_text, out, dirty)
            self.commit(messages, out, dirty, now)
            done += len(messages)
        wall = time.monotonic() - first[0] if first else 0
        cpu = time.process_time() - first[1] if first else 0
        self.consumer.close()
        if self.args.report:
            with open(self.args.report, "w") as f:
                f.write("%s %s" % (wall, cpu))
        print("scoring peer: %d records, %.2f s, %.1f us CPU per record" % (done, wall, cpu / max(done, 1) * 1e6))
        return 0 if done >= self.args.count else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name in ("bootstrap", "input", "output", "changelog", "group", "config"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--report", default="")
    parser.add_argument("--idle-seconds", type=float, default=30)
    return Peer(parser.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
