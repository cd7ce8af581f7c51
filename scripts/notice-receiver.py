"""Benchmark receiver for change-notice webhooks: verifies each request with standardwebhooks,
answers 200, and once notices stop arriving for IDLE seconds prints how many arrived, per
second, and the lag (receipt minus the notice's recordedAt) at p50 and p99, then exits.

Usage: notice-receiver.py PORT SECRET IDLE"""
import datetime
import http.server
import json
import sys
import threading
import time

from standardwebhooks import Webhook

port, secret, idle = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
webhook = Webhook(secret)
lags, first, seen = [], None, set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a production receiver would

    def do_POST(self):
        global first
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        payload = webhook.verify(body, {k.lower(): v for k, v in self.headers.items()})
        now = time.time()
        if self.headers["webhook-id"] not in seen:
            seen.add(self.headers["webhook-id"])
            first = first or now
            recorded = datetime.datetime.fromisoformat(payload["recordedAt"].replace("Z", "+00:00")).timestamp()
            lags.append(now - recorded)
        self.server.last = now
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.last = None
threading.Thread(target=server.serve_forever, daemon=True).start()
while server.last is None or time.time() - server.last < idle:
    time.sleep(0.2)
server.shutdown()
lags.sort()
span = max(server.last - first, 1e-9)
print(f"{len(seen)} notices delivered in {span:.1f} s from the first: {len(seen) / span:.0f} notices/s; "
      f"lag from recording p50 {lags[len(lags) // 2]:.1f} s, p99 {lags[int(len(lags) * 0.99)]:.1f} s, max {lags[-1]:.1f} s", flush=True)
print(f"last notice received at {server.last:.3f}", flush=True)
