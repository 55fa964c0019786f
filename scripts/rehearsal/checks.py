"""What the production rehearsal proves through nginx, as a client would see it. Standard library
only; one line per check, `ok`/`FAIL`; exits 1 when any check failed.

    python3 checks.py REHEARSAL_DIR PORTS_JSON
"""
import base64
import http.client
import json
import os
import random
import re
import socket
import ssl
import sys
import time
from pathlib import Path

R = Path(sys.argv[1])
PORTS = json.loads(sys.argv[2])
TLS = ssl.create_default_context(cafile=str(R / "tls" / "ca.pem"))
FAILED = []


def check(name, condition, detail=""):
    print(f"  {'ok  ' if condition else 'FAIL'} {name}" + (f" ({detail})" if detail and not condition else ""), flush=True)
    if not condition:
        FAILED.append(name)
    return condition


def request(method, path, body=None, token=None, source="127.0.0.1", headers=None, port=None, tls=True):
    """One request through nginx (HTTPS by default) from a chosen loopback address."""
    port = port or (PORTS["https"] if tls else PORTS["http"])
    cls = http.client.HTTPSConnection if tls else http.client.HTTPConnection
    kwargs = {"context": TLS} if tls else {}
    connection = cls("127.0.0.1", port, timeout=15, source_address=(source, 0), **kwargs)
    all_headers = {"Host": "localhost", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    connection.request(method, path, body=payload, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    try:
        parsed = json.loads(data) if data else None
    except ValueError:
        parsed = data.decode("utf-8", "replace")
    return response.status, response.headers, parsed


def wait_for_line(sink, predicate, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in reversed((R / "sinks" / f"{sink}.jsonl").read_text(encoding="utf-8").splitlines()):
            entry = json.loads(line)
            if predicate(entry):
                return entry
        time.sleep(0.2)
    return None


def received_sms(phone, seconds=15):
    """What the SMS providers' stand-in accepted for this phone (its control route, over the
    same HTTPS address the nodes use); the stand-in refuses a request its provider would refuse."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, body = request("GET", f"/received?to={phone}", port=PORTS["sms"])
        if status == 200 and body:
            return body[-1]
        time.sleep(0.2)
    return None


def internal_routes():
    for path in ("/metrics", "/Metrics", "/metrics/", "/METRICS/", "//metrics", "/%6detrics", "/./metrics",
                 "/health/ready", "/Health/Ready/", "/health/live", "/health/ready?x=1", "/hubs/../health/ready"):
        status, _, body = request("GET", path)
        check(f"{path} is not reachable through nginx", status == 404 and "dotnet_" not in str(body) and "Healthy" not in str(body),
              f"status {status}")
    # The same routes do answer on the nodes themselves (Prometheus scrapes there): the 404s above
    # are nginx's doing.
    status, _, body = request("GET", "/metrics", port=PORTS["node1"], tls=False)
    check("a node serves /metrics on its own port", status == 200 and "http_server" in str(body), f"status {status}")


def transport():
    status, headers, _ = request("GET", "/api/schools?query=x", tls=False, port=PORTS["http"])
    check("plain HTTP redirects to HTTPS", status == 301 and headers.get("Location", "").startswith("https://"), f"status {status}")
    status, headers, _ = request("GET", "/api/schools?query=%EA%B0%80%EC%B2%9C")
    check("HTTPS serves the API", status == 200, f"status {status}")
    check("HSTS on HTTPS responses", "max-age=" in (headers.get("Strict-Transport-Security") or ""))
    check("X-Content-Type-Options: nosniff", headers.get("X-Content-Type-Options") == "nosniff")
    check("no Cache-Control: no-store where no token is served", "no-store" not in (headers.get("Cache-Control") or ""))
    status, _, _ = request("GET", "/dev/outbox?to=01012345678")
    check("/dev/outbox is 404 in Production", status == 404, f"status {status}")


def sign_up():
    phone = "010" + "".join(random.choice("0123456789") for _ in range(8))
    status, _, body = request("POST", "/api/verifications/sms", {"phone": phone, "purpose": "signup"})
    if not check("an SMS code is requested through nginx", status == 202, f"{status} {body}"):
        return None
    sms = received_sms(phone)
    if not check("the provider's stand-in accepted the code as its API requires", sms is not None, "nothing received"):
        return None
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)
    status, headers, body = request("POST", "/api/verifications/sms/confirm", {"phone": phone, "code": code})
    if not check("the code from the SMS confirms the phone", status == 200, f"{status} {body}"):
        return None
    check("the verification token is served with Cache-Control: no-store", "no-store" in (headers.get("Cache-Control") or ""))
    profile = {"verificationToken": body["verificationToken"], "password": "rehearsal-" + phone, "gender": "female",
               "schoolCode": "GACHON", "college": "공과대학", "department": "컴퓨터공학과", "mbti": "ENFP",
               "character": "차분함", "tags": ["음악", "영화"], "hobbies": ["등산"]}
    status, headers, body = request("POST", "/api/members", profile)
    if not check("the member signs up", status == 201, f"{status} {body}"):
        return None
    check("the tokens are served with Cache-Control: no-store", "no-store" in (headers.get("Cache-Control") or ""))
    token = body["tokens"]["accessToken"]
    address = f"rehearsal{phone[-6:]}@gachon.ac.kr"
    status, _, body = request("POST", "/api/verifications/school-email", {"email": address}, token=token)
    if not check("a school e-mail code is requested", status == 202, f"{status} {body}"):
        return token
    mail = wait_for_line("mail", lambda e: address in e["to"])
    if not check("the SMTP sink received the school code", mail is not None):
        return token
    code = re.search(r"\b([0-9A-Z]{6})\b", mail["text"]).group(1)
    status, _, body = request("POST", "/api/verifications/school-email/confirm", {"code": code}, token=token)
    check("the code from the e-mail verifies the school address", status == 204, f"{status} {body}")
    status, _, body = request("GET", "/api/me", token=token)
    check("the member is student-verified", status == 200 and body.get("studentVerified") is True, f"{status} {body}")
    return token


def rate_limits():
    """Each client address has its own bucket; a client's own X-Forwarded-For changes nothing."""
    def attempt(source, headers=None):
        return request("POST", "/api/verifications/sms", {}, source=source, headers=headers)[0]

    # The per-address burst is sized for a festival crowd behind one address (hundreds of
    # sign-ups), so the check asks until the bucket is empty instead of a fixed count.
    statuses = []
    for _ in range(5000):
        statuses.append(attempt("127.0.0.2"))
        if statuses[-1] == 429:
            break
    check("127.0.0.2 is limited after its burst", statuses[-1] == 429,
          f"{len(statuses)} attempts, the last ones {statuses[-5:]}")
    # The spoof must not buy a fresh bucket. A single attempt could meet a token the bucket refilled
    # since the 429; a fresh bucket would let a whole burst through, so a 429 within 20 attempts
    # (far fewer than the burst just spent) shows the spoofed requests share 127.0.0.2's bucket.
    spoofed = []
    for _ in range(min(20, len(statuses) - 1)):
        spoofed.append(attempt("127.0.0.2", {"X-Forwarded-For": "203.0.113.7"}))
        if spoofed[-1] == 429:
            break
    check("127.0.0.2 with a spoofed X-Forwarded-For is still limited", spoofed[-1:] == [429],
          f"{len(statuses) - 1} allowed before the first 429; spoofed: {spoofed}")
    check("127.0.0.3 keeps its own bucket while 127.0.0.2 is limited", attempt("127.0.0.3") != 429)
    check("127.0.0.4 claiming to be 127.0.0.2 is not put in 127.0.0.2's bucket",
          attempt("127.0.0.4", {"X-Forwarded-For": "127.0.0.2"}) != 429)


def websocket(token):
    """Negotiate, then a WebSocket through nginx with the token in the query string, a SignalR JSON
    handshake and one hub call answered."""
    status, _, body = request("POST", "/hubs/chat/negotiate?negotiateVersion=1", token=token)
    if not check("negotiate through nginx", status == 200 and "connectionToken" in body, f"{status} {body}"):
        return
    raw = socket.create_connection(("127.0.0.1", PORTS["https"]), timeout=15)
    sock = TLS.wrap_socket(raw, server_hostname="localhost")
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /hubs/chat?id={body['connectionToken']}&access_token={token} HTTP/1.1\r\n"
                  f"Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            break
        head += chunk
    if not check("the WebSocket upgrade passes nginx (101)", head.startswith(b"HTTP/1.1 101"), head[:60]):
        return

    def send(text):
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81]) + (bytes([0x80 | len(data)]) if len(data) < 126 else bytes([0x80 | 126]) + len(data).to_bytes(2, "big"))
        sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def exactly(count):
        data = b""
        while len(data) < count:
            chunk = sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("the WebSocket closed")
            data += chunk
        return data

    def receive():
        """One unmasked server frame's text (SignalR's JSON frames are single, unfragmented)."""
        length = exactly(2)[1] & 0x7F
        if length == 126:
            length = int.from_bytes(exactly(2), "big")
        elif length == 127:
            length = int.from_bytes(exactly(8), "big")
        return exactly(length).decode()

    send('{"protocol":"json","version":1}\x1e')
    check("the SignalR handshake completes over the WebSocket", receive().startswith("{}"))
    send('{"type":1,"invocationId":"1","target":"SyncRoom","arguments":[987654321,0]}\x1e')
    reply = ""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and '"invocationId":"1"' not in reply:
        reply = receive()
    check("a hub call is answered over the WebSocket", '"type":3' in reply and "room_not_found" in reply, reply[:200])
    sock.close()
    time.sleep(0.5)  # nginx writes the access-log line when the connection ends
    log = (R / "logs" / "nginx.log").read_text(encoding="utf-8", errors="replace")
    check("nginx logged the hub request", re.search(r'"GET /hubs/chat HTTP/1.1" 101', log) is not None)
    check("nginx's log holds no access token", token not in log and "access_token" not in log)


if __name__ == "__main__":
    section = sys.argv[3] if len(sys.argv) > 3 else "all"
    if section == "all":
        transport()
        internal_routes()
        member_token = sign_up()
        rate_limits()
        if member_token:
            websocket(member_token)
    elif section == "degraded":
        # One node is gone: nginx still serves through the other.
        status, _, _ = request("GET", "/api/schools?query=%EA%B0%80%EC%B2%9C", source="127.0.0.5")
        check("with one node killed, nginx still serves through the other", status == 200, f"status {status}")
    print(f"checks: {len(FAILED)} failed" + (f": {', '.join(FAILED)}" if FAILED else ""), flush=True)
    sys.exit(1 if FAILED else 0)
