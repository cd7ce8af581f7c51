"""A webhook receiver that is not ours: it verifies every request with the `standardwebhooks`
library (the Standard Webhooks reference implementation), answers 500 to the first FAILURES
attempts at each webhook-id and 200 after, and hands each webhook-id to the "application" once.
It appends one line per request to LOG: 'attempt <webhook-id> <status> <verified>', and one per
message the application handled: 'handled <webhook-id> <sequence>'.

Usage: webhook_receiver.py PORT SECRET LOG FAILURES"""
import http.server
import json
import sys

from standardwebhooks import Webhook

port, secret, log_path, failures = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
webhook = Webhook(secret)
attempts = {}
handled = set()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            payload = webhook.verify(body, headers)
            verified = True
        except Exception:
            payload, verified = None, False
        message_id = headers.get("webhook-id", "")
        attempts[message_id] = attempts.get(message_id, 0) + 1
        status = 401 if not verified else (500 if attempts[message_id] <= failures else 200)
        with open(log_path, "a") as log:
            log.write(f"attempt {message_id} {status} {verified}\n")
            if status == 200 and message_id not in handled:
                handled.add(message_id)
                log.write(f"handled {message_id} {payload['sequence']}\n")
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
