#!/usr/bin/env python3
"""Load driver of the evently demo (Python standard library only).

Creates customers on customer-subscriber, places a stream of orders on order-publisher
(some over the limit, some for unknown customers, some cancelled), shows progress, waits
until every order is final and the credit has converged, then prints a summary and checks
that every customer's credit is consistent with the orders the order service approved.

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


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100.0 * len(ordered) + 0.5) - 1))
    return ordered[index]


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
            plans.append({"kind": kind, "customerId": customer, "total": total, "cancel": cancel,
                          "key": str(uuid.uuid4())})  # not seeded: unique across runs
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
        status, body = call("POST", self.args.order_url + "/orders",
                            {"customerId": plan["customerId"], "orderTotal": float(plan["total"])},
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
                 f"{sum(p['cancel'] for p in plans)} to be cancelled)")
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
        self.summary(report, time.monotonic() - started)
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

    def summary(self, report, elapsed):
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
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--customers", type=int, default=12)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=25, help="orders placed per second")
    parser.add_argument("--deadline", type=float, default=120, help="seconds until every order must be final")
    parser.add_argument("--seed", type=int, default=None)
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
