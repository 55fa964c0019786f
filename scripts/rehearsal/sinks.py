"""The rehearsal's stand-ins for the outside world, one process, each recording what it received
as JSON lines under OUT_DIR:

    python3 sinks.py OUT_DIR CERT KEY SMS_PORT SMS_API_KEY WEBHOOK_PORT SMTP_PORT

- sms.jsonl: the generic HTTP relay's requests (POST {to, text}, Authorization: Bearer <key>),
  over HTTPS like a real provider; any other request is refused and recorded as refused.
- webhook.jsonl: Alertmanager's Slack-compatible posts (HTTPS).
- mail.jsonl: every message an SMTP client hands over (plain SMTP, like the compose network's
  relay), with its decoded text body.
"""
import email
import email.policy
import json
import socketserver
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

OUT = Path(sys.argv[1])
CERT, KEY = sys.argv[2], sys.argv[3]
SMS_PORT, SMS_API_KEY = int(sys.argv[4]), sys.argv[5]
WEBHOOK_PORT, SMTP_PORT = int(sys.argv[6]), int(sys.argv[7])
LOCK = threading.Lock()


def record(name, entry):
    with LOCK, open(OUT / f"{name}.jsonl", "a", encoding="utf-8") as file:
        file.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Handler(BaseHTTPRequestHandler):
    sink = ""

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"{}"):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0], 16)
            chunk = self.rfile.read(size + 2)  # the chunk and its CRLF
            if size == 0:
                return body
            body += chunk[:-2]

    def do_POST(self):
        body = self.read_body()
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if self.sink == "sms":
            problems = []
            if self.path != "/sms/send":
                problems.append(f"path {self.path}")
            if self.headers.get("Authorization") != f"Bearer {SMS_API_KEY}":
                problems.append("Authorization is not the configured key")
            if not self.headers.get("Content-Type", "").startswith("application/json"):
                problems.append("Content-Type is not JSON")
            if not isinstance(payload, dict) or set(payload) != {"to", "text"}:
                problems.append("body is not {to, text}")
            record("sms", {"accepted": not problems, "problems": problems, "payload": payload})
            self.reply(400 if problems else 200)
        else:
            record("webhook", {"path": self.path, "payload": payload})
            self.reply(200, b"ok")


def serve_https(port, sink):
    handler = type(f"{sink}Handler", (Handler,), {"sink": sink})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERT, KEY)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()


class Smtp(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for one client: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def send(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.send("220 rehearsal-smtp ESMTP")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.send("250-rehearsal-smtp")
                self.send("250-8BITMIME")
                self.send("250 SMTPUTF8")
            elif verb == "HELO":
                self.send("250 rehearsal-smtp")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].split()[0].strip("<>"), []
                self.send("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].split()[0].strip("<>"))
                self.send("250 OK")
            elif verb == "DATA":
                self.send("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                message = email.message_from_bytes(bytes(data), policy=email.policy.default)
                body = message.get_body(("plain",))
                record("mail", {"from": sender, "to": recipients, "subject": str(message["Subject"]),
                                "text": body.get_content() if body else ""})
                self.send("250 OK queued")
            elif verb == "RSET":
                sender, recipients = None, []
                self.send("250 OK")
            elif verb == "NOOP":
                self.send("250 OK")
            elif verb == "QUIT":
                self.send("221 Bye")
                return
            else:
                self.send("502 Command not implemented")


if __name__ == "__main__":
    for name in ("sms", "webhook", "mail"):
        (OUT / f"{name}.jsonl").touch()
    serve_https(SMS_PORT, "sms")
    serve_https(WEBHOOK_PORT, "webhook")
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", SMTP_PORT), Smtp) as smtp:
        print("sinks ready", flush=True)
        smtp.serve_forever()
