#!/usr/bin/env python3
"""Slow clients against one service: does /health still answer while connections hang mid-request?

    benchmarks/slow-clients.py --url http://127.0.0.1:8081 --connections 40 [--health-timeout 10]
                               [--max-wait 90] [--json FILE]

Opens --connections sockets to the service, each sending only the start of a request
("POST /orders HTTP/1.1", Host and Content-Type headers, no blank line, no body) and then
nothing more, and holds them. Meanwhile it times GET /health on a new connection (at most
--health-timeout seconds), then waits until the server closes the held connections (or answers
them, e.g. 408) for at most --max-wait seconds, and times /health once more after letting go
of the rest. Prints each figure and optionally writes them as JSON. Python 3 standard library
only; sends only to the given URL (use a loopback address).
"""
import argparse
import http.client
import json
import selectors
import socket
import statistics
import sys
import time
import urllib.parse

PARTIAL_REQUEST = b"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


def health(host, port, timeout):
    """(seconds, status or error text) of one GET /health on a new connection."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", "/health")
        response = conn.getresponse()
        response.read()
        return time.monotonic() - started, str(response.status)
    except (socket.timeout, TimeoutError):
        return time.monotonic() - started, f"no answer within {timeout:g} s"
    except OSError as e:
        return time.monotonic() - started, f"error: {e}"
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the service's base URL, e.g. http://127.0.0.1:8081")
    parser.add_argument("--connections", type=int, required=True, help="slow connections to hold (1..1000)")
    parser.add_argument("--health-timeout", type=float, default=10.0, help="seconds for each GET /health (10)")
    parser.add_argument("--max-wait", type=float, default=90.0,
                        help="seconds to wait for the server to close the held connections (90)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if not 1 <= args.connections <= 1000:
        parser.error("--connections must be 1..1000")
    url = urllib.parse.urlsplit(args.url)
    if url.scheme != "http" or not url.hostname:
        parser.error("--url must be http://HOST:PORT")
    host, port = url.hostname, url.port or 80

    before_s, before_status = health(host, port, args.health_timeout)
    print(f"GET /health before: {before_s * 1000:.0f} ms ({before_status})")

    held = []
    opened = time.monotonic()
    for _ in range(args.connections):
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(PARTIAL_REQUEST)
        s.setblocking(False)
        held.append(s)
    time.sleep(0.5)  # let the server accept them and start reading
    print(f"holding {len(held)} connections, each with a request that never ends")

    during_s, during_status = health(host, port, args.health_timeout)
    print(f"GET /health while held: {during_s * 1000:.0f} ms ({during_status})")

    # wait for the server to close (or answer) each held connection
    selector = selectors.DefaultSelector()
    for s in held:
        selector.register(s, selectors.EVENT_READ)
    closed_after, answers = [], {}
    deadline = opened + args.max_wait
    while selector.get_map() and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=max(0.0, min(1.0, deadline - time.monotonic()))):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except (ConnectionResetError, BlockingIOError, OSError):
                data = b""
            first_line = data.split(b"\r\n", 1)[0].decode("latin-1") if data else "closed"
            answers[first_line] = answers.get(first_line, 0) + 1
            closed_after.append(time.monotonic() - opened)
            selector.unregister(s)
    still_open = len(selector.get_map())
    if closed_after:
        print(f"server closed/answered {len(closed_after)} of {len(held)}: after "
              f"{min(closed_after):.1f} s (first), {statistics.median(closed_after):.1f} s (median), "
              f"{max(closed_after):.1f} s (last); first bytes: {answers}")
    if still_open:
        print(f"still open after {args.max_wait:g} s: {still_open} of {len(held)}")
    for s in held:
        s.close()
    time.sleep(0.5)

    after_s, after_status = health(host, port, args.health_timeout)
    print(f"GET /health after letting go: {after_s * 1000:.0f} ms ({after_status})")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "url": args.url, "connections": args.connections, "health_timeout_s": args.health_timeout,
                "max_wait_s": args.max_wait,
                "health_before": {"ms": round(before_s * 1000), "result": before_status},
                "health_while_held": {"ms": round(during_s * 1000), "result": during_status},
                "closed_by_server": len(closed_after),
                "closed_after_s": {"first": min(closed_after), "median": statistics.median(closed_after),
                                   "last": max(closed_after)} if closed_after else None,
                "first_bytes": answers, "still_open_at_max_wait": still_open,
                "health_after": {"ms": round(after_s * 1000), "result": after_status},
            }, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
