"""The rehearsal's stand-ins for the outside world, in one process:

    python3 sinks.py OUT_DIR CERT KEY SMS_PORT STANDIN_PORT WEBHOOK_PORT SMTP_PORT

- HTTPS on SMS_PORT, forwarded byte for byte to the SMS providers' stand-in
  (tools/Distance.StandIns, plain http on STANDIN_PORT): the nodes talk to an https URL, as they
  must outside Development, and the stand-in checks each request as the provider would.
- webhook.jsonl: Alertmanager's Slack-compatible posts (HTTPS).
- mail.jsonl: every message an SMTP client hands over (plain SMTP, like the compose network's
  relay), with its decoded text body.
"""
import email
import email.policy
import json
import socket
import socketserver
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

OUT = Path(sys.argv[1])
CERT, KEY = sys.argv[2], sys.argv[3]
SMS_PORT, STANDIN_PORT = int(sys.argv[4]), int(sys.argv[5])
WEBHOOK_PORT, SMTP_PORT = int(sys.argv[6]), int(sys.argv[7])
LOCK = threading.Lock()


def record(name, entry):
    with LOCK, open(OUT / f"{name}.jsonl", "a", encoding="utf-8") as file:
        file.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Handler(BaseHTTPRequestHandler):

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
        payload = None
        try:
            payload = json.loads(self.read_body())
        except ValueError:
            pass
        record("webhook", {"path": self.path, "payload": payload})
        self.reply(200, b"ok")


class TlsForward(socketserver.BaseRequestHandler):
    """Terminates TLS and pipes the bytes both ways to the stand-in."""

    def handle(self):
        upstream = socket.create_connection(("127.0.0.1", STANDIN_PORT))
        def pump(source, target):
            try:
                while data := source.recv(65536):
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for end in (source, target):
                    try:
                        end.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
        back = threading.Thread(target=pump, args=(upstream, self.request), daemon=True)
        back.start()
        pump(self.request, upstream)
        back.join(5)
        upstream.close()


def serve_tls_forward(port):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERT, KEY)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), TlsForward, bind_and_activate=False)
    server.allow_reuse_address = True
    server.daemon_threads = True
    server.server_bind()
    server.server_activate()
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def serve_https(port):
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
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
    for name in ("webhook", "mail"):
        (OUT / f"{name}.jsonl").touch()
    serve_tls_forward(SMS_PORT)
    serve_https(WEBHOOK_PORT)
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", SMTP_PORT), Smtp) as smtp:
        print("sinks ready", flush=True)
        smtp.serve_forever()
