#!/usr/bin/env python3
"""Load driver of the evently demo (Python standard library only).

Creates customers on customer-subscriber, places a stream of orders on order-publisher
(some over the limit, some for unknown customers, some cancelled), shows progress, waits
until every order is final and the credit has converged, then prints a summary and checks
that every customer's credit is consistent with the orders the order service approved.
With --notification-url it also shows the SNS fan-out (events published per topic against
events received per queue, from the services' /metrics) and checks that notification-service
holds every order's complete timeline and exactly one notification per approved or rejected order.
Every --large-every'th order carries a --note-kib KiB note, which makes its OrderCreated larger
than SNS's 256 KiB: it travels through the S3 claim-check, and the summary shows that both
subscribers of order-events received it whole.

Exit status: 0 when everything is consistent, 1 otherwise.
"""
import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal

FINAL = {"APPROVED", "REJECTED", "CANCELLED"}
ORDER_CREATED = "dev.evently.saga.order.created"
ORDER_CANCELLED = "dev.evently.saga.order.cancelled"
CREDIT_RESERVED = "dev.evently.saga.customer.credit-reserved"
CREDIT_FAILED = "dev.evently.saga.customer.credit-reservation-failed"
REPLIES = {CREDIT_RESERVED, CREDIT_FAILED}


def call(method, url, body=None, retry_for=30.0, idempotency_key=None, traceparent=None):
    """One JSON request; connection failures (and timeouts) are retried until retry_for seconds
    passed. With an idempotency_key it is sent as the Idempotency-Key header and 5xx answers are
    retried too: the server creates at most one order or customer per key, so a retry never creates a
    second one. A traceparent (W3C) makes the request part of that trace."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    if traceparent is not None:
        headers["traceparent"] = traceparent
    deadline = time.monotonic() + retry_for
    while True:
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            payload = e.read()
            if idempotency_key is not None and e.code >= 500 and time.monotonic() <= deadline:
                time.sleep(0.2)
                continue
            return e.code, json.loads(payload) if payload else None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def metrics(base_url):
    """The samples of a service's Prometheus /metrics: {(name, frozenset of label pairs): value}."""
    request = urllib.request.Request(base_url + "/metrics")
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#") or "{" not in line:
            continue
        name, rest = line.split("{", 1)
        labels, value = rest.rsplit("} ", 1)
        pairs = frozenset(tuple(p.split("=", 1)) for p in labels.replace('"', "").split(",") if "=" in p)
        samples[(name, pairs)] = float(value.split()[0])
    return samples


def metric_sum(samples, name, **labels):
    """The sum of a metric's samples whose labels include all of labels."""
    wanted = set(labels.items())
    return sum(v for (n, pairs), v in samples.items() if n == name and wanted <= set(pairs))


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100.0 * len(ordered) + 0.5) - 1))
    return ordered[index]


def large_note(i, kib):
    """A note of exactly kib KiB of ASCII text (so many UTF-8 bytes): a delivery instruction, repeated."""
    line = f"Order note {i}: please leave the parcel with the neighbour at number 7 if nobody answers. "
    return (line * (kib * 1024 // len(line) + 1))[:kib * 1024]


class Demo:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.customers = {}        # customerId -> creditLimit
        self.orders = {}           # orderId -> plan dict
        self.placed = 0
        self.failures = []

    def log(self, message):
        print(message, flush=True)

    def create_customers(self):
        for i in range(self.args.customers):
            limit = Decimal(self.rng.choice([300, 500, 800, 1200, 2000]))
            # One key per customer (not seeded: unique across runs): a retry cannot create a second.
            status, body = call("POST", self.args.customer_url + "/customers",
                                {"name": f"customer-{i + 1}", "creditLimit": float(limit)},
                                idempotency_key=str(uuid.uuid4()))
            if status != 201:
                raise SystemExit(f"creating a customer failed: HTTP {status} {body}")
            self.customers[body["customerId"]] = limit
        self.log(f"created {len(self.customers)} customers "
                 f"(credit limits {sorted(set(int(v) for v in self.customers.values()))})")

    def plan(self):
        ids = list(self.customers)
        plans = []
        for i in range(self.args.orders):
            roll = self.rng.random()
            if roll < 0.08:
                kind, customer = "unknown-customer", str(uuid.uuid4())
                total = Decimal(self.rng.randint(5, 80))
            elif roll < 0.20:
                kind, customer = "over-limit", self.rng.choice(ids)
                total = self.customers[customer] + Decimal(self.rng.randint(1, 100))
            else:
                kind, customer = "normal", self.rng.choice(ids)
                total = Decimal(self.rng.randint(5, 90)) + Decimal(self.rng.randint(0, 99)) / 100
            cancel = kind == "normal" and self.rng.random() < 0.12
            plan = {"kind": kind, "customerId": customer, "total": total, "cancel": cancel,
                    "key": str(uuid.uuid4())}  # not seeded: unique across runs
            if self.args.large_every and i % self.args.large_every == 0:
                plan["note"] = large_note(i, self.args.note_kib)
            plans.append(plan)
        return plans

    def write_progress(self):
        """The number of placed orders, replaced atomically (demo.sh reads it concurrently)."""
        if self.args.progress_file == "/dev/null":
            return
        tmp = self.args.progress_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{self.placed}\n")
        os.replace(tmp, self.args.progress_file)

    def place(self, plan):
        # One key per planned order: retries after a timeout, a reset or a 5xx cannot double it.
        # With --trace-file each order is placed in a trace of its own (the id is ours), so the
        # demo can show that order's trace afterwards.
        traceparent = None
        if self.args.trace_file:
            plan["traceId"] = uuid.uuid4().hex
            traceparent = f"00-{plan['traceId']}-{uuid.uuid4().hex[:16]}-01"
        order = {"customerId": plan["customerId"], "orderTotal": float(plan["total"])}
        if plan.get("note"):
            order["note"] = plan["note"]
        status, body = call("POST", self.args.order_url + "/orders", order,
                            idempotency_key=plan["key"], traceparent=traceparent)
        if status != 202 or body.get("state") != "PENDING":
            with self.lock:
                self.failures.append(f"placing an order answered HTTP {status} {body}")
            return
        plan["orderId"] = body["orderId"]
        plan["state"] = "PENDING"
        with self.lock:
            self.orders[body["orderId"]] = plan
            self.placed += 1
            self.write_progress()
        if plan["cancel"]:
            # Half are cancelled at once (usually still PENDING), half a moment later.
            if self.rng.random() < 0.5:
                time.sleep(self.rng.uniform(0.2, 1.5))
            status, body = call("POST", f"{self.args.order_url}/orders/{plan['orderId']}/cancel")
            plan["cancelStatus"] = status
            if status == 202:
                self.merge(plan, body)
            if status not in (202, 409):
                with self.lock:
                    self.failures.append(f"cancelling {plan['orderId']} answered HTTP {status} {body}")

    def merge(self, order, body):
        """Takes a view of the order unless it is older than the one we have (responses race)."""
        with self.lock:
            if order.get("updatedAt") and instant(body["updatedAt"]) < instant(order["updatedAt"]):
                return
            order.update(state=body["state"], reason=body.get("rejectionReason"),
                         createdAt=body["createdAt"], updatedAt=body["updatedAt"])

    def refresh(self, everything=False):
        orders = [o for o in list(self.orders.values()) if everything or o.get("state") not in FINAL]
        for order in orders:
            status, body = call("GET", f"{self.args.order_url}/orders/{order['orderId']}")
            if status == 200:
                self.merge(order, body)

    def counts(self):
        states = [o.get("state") for o in list(self.orders.values())]
        return {s: states.count(s) for s in ("PENDING", "APPROVED", "REJECTED", "CANCELLED")}

    def progress(self, started):
        c = self.counts()
        final = c["APPROVED"] + c["REJECTED"] + c["CANCELLED"]
        self.log(f"[{time.monotonic() - started:5.1f}s] placed {self.placed:4d}/{self.args.orders}  "
                 f"final {final:4d}  approved {c['APPROVED']:4d}  rejected {c['REJECTED']:4d}  "
                 f"cancelled {c['CANCELLED']:4d}  pending {c['PENDING']:4d}")

    def credit_report(self):
        """Per customer: (limit, approved total, availableCredit)."""
        approved = {cid: Decimal(0) for cid in self.customers}
        for order in self.orders.values():
            if order.get("state") == "APPROVED":
                approved[order["customerId"]] += order["total"]
        report = {}
        for cid, limit in self.customers.items():
            status, body = call("GET", f"{self.args.customer_url}/customers/{cid}", retry_for=60)
            available = Decimal(str(body["availableCredit"])) if status == 200 else None
            report[cid] = (limit, approved[cid], available)
        return report

    @staticmethod
    def consistent(report):
        return all(a is not None and limit - used == a for limit, used, a in report.values())

    def run(self):
        started = time.monotonic()
        self.create_customers()
        plans = self.plan()
        self.log(f"placing {len(plans)} orders at {self.args.rate:g}/s with {self.args.concurrency} concurrent clients "
                 f"({sum(p['kind'] == 'over-limit' for p in plans)} over the limit, "
                 f"{sum(p['kind'] == 'unknown-customer' for p in plans)} for unknown customers, "
                 f"{sum(p['cancel'] for p in plans)} to be cancelled, "
                 f"{sum(1 for p in plans if p.get('note'))} with a {self.args.note_kib} KiB note)")
        self.write_progress()
        pool = ThreadPoolExecutor(self.args.concurrency)
        stop = threading.Event()

        def poll():
            while not stop.is_set():
                self.refresh()
                stop.wait(0.25)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        futures = []
        interval = 1.0 / self.args.rate
        next_at = time.monotonic()
        last = time.monotonic()
        for p in plans:
            # A steady stream (not one burst) keeps the queues shallow, as in production.
            futures.append(pool.submit(self.place, p))
            next_at += interval
            while time.monotonic() < next_at:
                time.sleep(min(0.02, max(0.0, next_at - time.monotonic())))
            if time.monotonic() - last >= 1.0:
                self.progress(started)
                last = time.monotonic()
        deadline = time.monotonic() + self.args.deadline
        while True:
            time.sleep(0.25)
            done = all(f.done() for f in futures)
            if time.monotonic() - last >= 1.0:
                self.progress(started)
                last = time.monotonic()
            if done and all(o.get("state") in FINAL for o in list(self.orders.values())):
                self.progress(started)
                break
            if time.monotonic() > deadline:
                self.failures.append("deadline passed with orders still PENDING")
                break
        stop.set()
        poller.join()
        pool.shutdown(wait=True)
        for f in futures:
            if f.exception():
                self.failures.append(f"a client failed: {f.exception()}")
        # Cancellations release credit asynchronously: wait for the customer side to converge.
        self.refresh(everything=True)
        report = self.credit_report()
        converge_deadline = time.monotonic() + 30
        while not self.consistent(report) and time.monotonic() < converge_deadline:
            time.sleep(0.5)
            self.refresh(everything=True)
            report = self.credit_report()
        fanout = self.fanout_report() if self.args.notification_url else None
        self.summary(report, time.monotonic() - started, fanout)
        if self.args.trace_file:
            self.write_traced_order()
        return 0 if not self.failures else 1

    def write_traced_order(self):
        """Writes "orderId traceId state" of one order to show: an approved one if any."""
        orders = [o for o in self.orders.values() if o.get("traceId")]
        orders.sort(key=lambda o: (o.get("state") != "APPROVED", o.get("cancel", False)))
        if orders:
            with open(self.args.trace_file, "w") as f:
                f.write(f"{orders[0]['orderId']} {orders[0]['traceId']} {orders[0].get('state')}\n")

    def expected_timeline(self, order):
        """Event types an order's timeline must hold once the saga settled, or None if unknown."""
        state = order.get("state")
        if state == "APPROVED":
            return {ORDER_CREATED, CREDIT_RESERVED}
        if state == "REJECTED":
            return {ORDER_CREATED, CREDIT_FAILED}
        if state == "CANCELLED":
            return {ORDER_CREATED, ORDER_CANCELLED}   # plus one credit reply, either kind
        return None

    def timeline_problems(self, order, events):
        types = [e["type"] for e in events]
        expected = self.expected_timeline(order)
        missing = sorted(expected - set(types))
        problems = [f"no {t.rsplit('.', 1)[-1]}" for t in missing]
        replies = [t for t in types if t in REPLIES]
        if len(replies) != 1:
            problems.append(f"{len(replies)} credit replies")
        if len(set(e["eventId"] for e in events)) != len(events):
            problems.append("an event twice")
        times = [instant(e["time"]) for e in events]
        if times != sorted(times):
            problems.append("not ordered by time")
        note_bytes = [e.get("noteBytes") for e in events if e["type"] == ORDER_CREATED]
        want = len(order["note"].encode()) if order.get("note") else None
        if note_bytes and note_bytes[0] != want:
            problems.append(f"OrderCreated's note {note_bytes[0]} bytes, placed with {want}")
        return problems

    def fanout_report(self):
        """Waits (up to 60 s) until notification-service holds every final order's complete timeline,
        then reads the notifications and every service's counters."""
        base = self.args.notification_url
        orders = [o for o in self.orders.values() if o.get("state") in FINAL]
        incomplete = {o["orderId"]: ["not checked"] for o in orders}
        deadline = time.monotonic() + 60
        while incomplete and time.monotonic() < deadline:
            for order_id in list(incomplete):
                status, body = call("GET", f"{base}/orders/{order_id}/timeline")
                events = body.get("events", []) if status == 200 else []
                problems = ["no timeline"] if status == 404 else self.timeline_problems(self.orders[order_id], events)
                if problems:
                    incomplete[order_id] = problems
                else:
                    del incomplete[order_id]
            if incomplete:
                time.sleep(0.5)
        notified = {}
        for customer in sorted(set(o["customerId"] for o in orders)):
            status, body = call("GET", f"{base}/customers/{customer}/notifications")
            for n in body.get("notifications", []) if status == 200 else []:
                notified.setdefault(n["orderId"], []).append(n["kind"])
        return {"incomplete": incomplete, "notified": notified, "checked": len(orders),
                "orders": metrics(self.args.order_url), "customers": metrics(self.args.customer_url),
                "notifications": metrics(base)}

    def fanout_summary(self, fanout):
        o, c, n = fanout["orders"], fanout["customers"], fanout["notifications"]
        restarted = self.args.restart_marker and os.path.exists(self.args.restart_marker)
        published = {"order-events": metric_sum(o, "evently_publish_published_total", topic="order-events"),
                     "customer-events": metric_sum(c, "evently_publish_published_total", topic="customer-events")}
        queues = [("order-service", o, ["customer-events"]), ("customer-service", c, ["order-events"]),
                  ("notification-service", n, ["order-events", "customer-events"])]
        self.log("fan-out            published per topic (publishers' evently_publish_published_total):")
        for topic, count in published.items():
            readers = [q for q, _, topics in queues if topic in topics]
            self.log(f"  {topic:<16} {count:6.0f} events -> {' and '.join(readers)}")
        self.log("                   received per queue (consumers' evently_consumer_received/succeeded_total):")
        for queue, samples, topics in queues:
            received = metric_sum(samples, "evently_consumer_received_total")
            succeeded = metric_sum(samples, "evently_consumer_succeeded_total")
            expected = sum(published[t] for t in topics)
            self.log(f"  {queue:<20} received {received:6.0f}  succeeded {succeeded:6.0f}  "
                     f"(published to {' + '.join(topics)}: {expected:.0f})")
            if not restarted and succeeded < expected:
                self.failures.append(f"{queue} succeeded {succeeded:.0f} events, {expected:.0f} were published to it")
        if restarted:
            self.log("                   (customer-subscriber was restarted: its counters start at the restart)")
        noted = [p for p in self.orders.values() if p.get("note")]
        if noted:
            offloaded = metric_sum(o, "evently_publish_offloaded_total", topic="order-events")
            size = len(noted[0]["note"].encode()) // 1024
            whole = sum(1 for p in noted if p["orderId"] not in fanout["incomplete"])
            decided = sum(1 for p in noted if p.get("state") in FINAL)
            self.log(f"large events       {len(noted)} orders with a {size} KiB note (over SNS's 256 KiB): {offloaded:.0f} stored "
                     f"in S3 and published as pointers")
            self.log(f"                   (evently_publish_offloaded_total); both subscribers resolved them: customer-service "
                     f"decided {decided}/{len(noted)},")
            self.log(f"                   notification-service shows each note's size on {whole}/{len(noted)} timelines")
            if offloaded < len(noted):
                self.failures.append(f"{len(noted)} orders with a large note, {offloaded:.0f} events offloaded to S3")
        incomplete = fanout["incomplete"]
        self.log(f"timelines          {fanout['checked'] - len(incomplete)}/{fanout['checked']} complete "
                 f"(OrderCreated + one credit reply, + OrderCancelled if cancelled; by event time)")
        for order_id, problems in sorted(incomplete.items())[:10]:
            self.log(f"  BAD {order_id}  {self.orders[order_id].get('state')}: {', '.join(problems)}")
        if incomplete:
            self.failures.append(f"{len(incomplete)} order(s) with an incomplete timeline")
        notified = fanout["notified"]
        wrong = []
        for order in self.orders.values():
            kinds = notified.get(order["orderId"], [])
            want = {"APPROVED": ["ORDER_APPROVED"], "REJECTED": ["ORDER_REJECTED"]}.get(order.get("state"))
            if want is not None and kinds != want:
                wrong.append(f"{order['orderId']} {order.get('state')}: notified {kinds or 'nothing'}")
            elif len(kinds) > 1:
                wrong.append(f"{order['orderId']} {order.get('state')}: notified {kinds}")
        sent = sum(len(k) for k in notified.values())
        approved_then_cancelled = sum(1 for o in self.orders.values() if o.get("state") == "CANCELLED"
                                      and notified.get(o["orderId"]) == ["ORDER_APPROVED"])
        self.log(f"notifications      {sent} sent, none twice: every approved and every rejected order's "
                 f"({sum(k == ['ORDER_APPROVED'] for k in notified.values())} approvals, of which "
                 f"{approved_then_cancelled} cancelled later; {sum(k == ['ORDER_REJECTED'] for k in notified.values())} rejections)")
        for w in wrong[:10]:
            self.log(f"  BAD {w}")
        if wrong:
            self.failures.append(f"{len(wrong)} order(s) with a missing, wrong or duplicated notification")

    def summary(self, report, elapsed, fanout=None):
        orders = list(self.orders.values())
        c = self.counts()
        reasons = {}
        for o in orders:
            if o.get("state") == "REJECTED":
                reasons[o.get("reason")] = reasons.get(o.get("reason"), 0) + 1
        self.log("")
        self.log("=== summary " + "=" * 60)
        self.log(f"orders placed      {len(orders)} in {elapsed:.1f}s")
        self.log(f"approved           {c['APPROVED']}")
        self.log(f"rejected           {c['REJECTED']}  " +
                 ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items(), key=str)))
        self.log(f"cancelled          {c['CANCELLED']}")
        self.log(f"still pending      {c['PENDING']}")
        # Expected outcomes by construction.
        for o in orders:
            if o["kind"] == "unknown-customer" and o.get("state") != "REJECTED":
                self.failures.append(f"order {o['orderId']} of an unknown customer is {o.get('state')}")
            if o["kind"] == "unknown-customer" and o.get("state") == "REJECTED" and o.get("reason") != "unknown customer":
                self.failures.append(f"order {o['orderId']} of an unknown customer rejected for {o.get('reason')}")
            if o["kind"] == "over-limit" and o.get("state") == "APPROVED":
                self.failures.append(f"order {o['orderId']} over the credit limit was approved")
            if o.get("cancelStatus") == 202 and o.get("state") != "CANCELLED":
                self.failures.append(f"order {o['orderId']} was cancelled (202) but is {o.get('state')}")
        self.log("credit check       creditLimit - approved totals == availableCredit, per customer:")
        bad = 0
        for cid, (limit, used, available) in report.items():
            ok = available is not None and limit - used == available
            bad += 0 if ok else 1
            self.log(f"  {'ok ' if ok else 'BAD'} {cid}  limit {limit:>8}  approved {used:>9}  "
                     f"expected {limit - used:>9}  available {available}")
        if bad:
            self.failures.append(f"{bad} customer(s) with inconsistent credit")
        latencies = [(instant(o["updatedAt"]) - instant(o["createdAt"])).total_seconds() * 1000
                     for o in orders if o.get("state") in ("APPROVED", "REJECTED")]
        self.log(f"saga latency       p50 {percentile(latencies, 50):.0f} ms  p99 {percentile(latencies, 99):.0f} ms  "
                 f"max {max(latencies) if latencies else float('nan'):.0f} ms  "
                 f"(order placed -> APPROVED/REJECTED, {len(latencies)} orders)")
        if fanout is not None:
            self.fanout_summary(fanout)
        if self.failures:
            self.log("INCONSISTENT:")
            for failure in self.failures[:20]:
                self.log(f"  - {failure}")
        else:
            self.log("consistent         yes")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--order-url", required=True)
    parser.add_argument("--customer-url", required=True)
    parser.add_argument("--notification-url", default=None,
                        help="notification-service: show the fan-out and check every order's timeline")
    parser.add_argument("--restart-marker", default=None,
                        help="a file that exists once customer-subscriber was restarted (its counters reset)")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--customers", type=int, default=12)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=25, help="orders placed per second")
    parser.add_argument("--deadline", type=float, default=120, help="seconds until every order must be final")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--large-every", type=int, default=40,
                        help="every n-th order carries a large note (0: none)")
    parser.add_argument("--note-kib", type=int, default=300, help="size of a large note in KiB (max 900)")
    parser.add_argument("--progress-file", default="/dev/null",
                        help="where the number of placed orders is written (for demo.sh)")
    parser.add_argument("--trace-file", default=None,
                        help="place each order in a trace of its own and write one order's id, trace id and state here")
    args = parser.parse_args()
    if args.orders < 1:
        parser.error("--orders must be at least 1")
    sys.exit(Demo(args).run())


if __name__ == "__main__":
    main()
