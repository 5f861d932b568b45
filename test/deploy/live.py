#!/usr/bin/env python3
"""Live checks of the nginx configuration with real nginx and stand-in nodes.

    python3 test/deploy/live.py loopback   REPO_ROOT WORKDIR
    python3 test/deploy/live.py production REPO_ROOT WORKDIR

loopback:   nginx/render-test-conf.sh in front of two stand-in nodes: strict
            round robin, WebSocket upgrade, headers, retries (GET yes, POST no),
            body limit, per-IP limits, /metrics, widget cache + gzip, CSP, logs.
production: nginx/production.conf itself (only listen ports, certificate /
            webroot paths, the DNS server address and the node port are
            substituted) with a self-signed certificate and a tiny DNS server
            playing Docker's 127.0.0.11: HTTPS, redirect, ACME webroot, HSTS,
            replicas found by DNS, scale-up seen without reload, a dead replica
            skipped.

Prints one "ok - ..." / "not ok - ..." line per check.
"""
import base64
import gzip
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    if cond:
        print(f"ok - {name}", flush=True)
    else:
        print(f"not ok - {name}" + (f": {detail}" if detail != "" else ""), flush=True)


# ------------------------------------------------------------------ stand-in node
def read_frame(rfile):
    b0, b1 = rfile.read(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", rfile.read(2))[0]
    elif n == 127:
        n = struct.unpack("!Q", rfile.read(8))[0]
    mask = rfile.read(4) if b1 & 0x80 else b"\0\0\0\0"
    data = bytes(c ^ mask[i % 4] for i, c in enumerate(rfile.read(n)))
    return b0 & 0x0F, data


def frame(payload, masked):
    head = bytearray([0x81])
    n = len(payload)
    bit = 0x80 if masked else 0
    if n < 126:
        head.append(bit | n)
    else:
        head.append(bit | 126)
        head += struct.pack("!H", n)
    if not masked:
        return bytes(head) + payload
    mask = os.urandom(4)
    return bytes(head) + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload))


class Node(BaseHTTPRequestHandler):
    """Answers JSON describing the request (node name, headers); /ws upgrades
    and echoes; paths under the node's drop prefix get the connection closed
    without an answer (a node dying mid-request)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_any(self):
        srv = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with srv.lock:
            srv.seen.append((self.command, self.path))
        if srv.dead or srv.drop_prefix and self.path.startswith(srv.drop_prefix):
            self.close_connection = True
            return
        info = {"node": srv.name, "method": self.command, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()}, "body": len(body)}
        if self.path.startswith("/ws") and self.headers.get("Upgrade", "").lower() == "websocket":
            accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"] + WS_GUID).encode()).digest())
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept.decode())
            self.end_headers()
            self.wfile.flush()
            _, data = read_frame(self.rfile)
            info["echo"] = data.decode()
            self.wfile.write(frame(json.dumps(info).encode(), masked=False))
            self.wfile.write(b"\x88\x00")
            self.wfile.flush()
            self.close_connection = True
            return
        status = 201 if self.command == "POST" else 200
        extra = {}
        if self.path.startswith("/widget.js"):
            ctype = "application/javascript"
            payload = b"/* chatdesk widget */" + b"window.chatdesk=1;" * 400
            extra = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        elif self.path.startswith("/dashboard/assets/"):
            # Like the node: hashed bundles exist, any other asset is 404.
            if self.path == "/dashboard/assets/index-abc123.js":
                ctype, payload = "application/javascript", b"console.log('dashboard')"
                extra = {"Content-Security-Policy": "default-src *", "X-Frame-Options": "SAMEORIGIN"}
            else:
                status, ctype = 404, "application/json"
                payload = b'{"error":{"code":"not_found","message":"x"}}'
                extra = {"Content-Security-Policy": "default-src 'none'", "X-Frame-Options": "DENY"}
        elif self.path.startswith("/dashboard"):
            ctype = "text/html; charset=utf-8"
            payload = b"<!doctype html><title>dashboard</title>"
            extra = {"Content-Security-Policy": "default-src *", "X-Powered-By": "go", "X-Frame-Options": "SAMEORIGIN"}
        else:
            ctype = "application/json"
            payload = json.dumps(info).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


def start_node(name, host, port=0, drop_prefix=""):
    srv = ThreadingHTTPServer((host, port), Node)
    srv.daemon_threads = True
    srv.name, srv.drop_prefix, srv.lock, srv.seen, srv.dead = name, drop_prefix, threading.Lock(), [], False
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


# ------------------------------------------------------------------ tiny DNS
class DNS:
    """Answers A queries for "chatdesk" with the current address list (what
    Docker's embedded DNS does for a scaled service); NXDOMAIN otherwise."""

    def __init__(self, addrs):
        self.addrs = list(addrs)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.queries = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                data, peer = self.sock.recvfrom(512)
            except OSError:
                return
            self.queries += 1
            qid = data[:2]
            i, labels = 12, []
            while data[i]:
                labels.append(data[i + 1:i + 1 + data[i]].decode())
                i += 1 + data[i]
            qtype = struct.unpack("!H", data[i + 1:i + 3])[0]
            question = data[12:i + 5]
            name = ".".join(labels).lower()
            if name != "chatdesk":
                self.sock.sendto(qid + b"\x81\x83" + struct.pack("!HHHH", 1, 0, 0, 0) + question, peer)
                continue
            answers = b""
            count = 0
            if qtype == 1:
                for a in self.addrs:
                    answers += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 600, 4) + socket.inet_aton(a)
                    count += 1
            self.sock.sendto(qid + b"\x81\x80" + struct.pack("!HHHH", 1, count, 0, 0) + question + answers, peer)


# ------------------------------------------------------------------ clients
_TLS = None


def tls_context():
    """One client context for every connection (test certificate: no verify)."""
    global _TLS
    if _TLS is None:
        _TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        _TLS.check_hostname = False
        _TLS.verify_mode = ssl.CERT_NONE
    return _TLS


def request(addr, method, path, headers=None, body=None, source="127.0.0.1", tls=False, timeout=10):
    host, port = addr
    if tls:
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, source_address=(source, 0),
                                           context=tls_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        tls_version = conn.sock.version() if tls and conn.sock else None
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, tls_version
    finally:
        conn.close()


def header_values(addr, path, name):
    """Every value of one response header (request() keeps only the last)."""
    conn = http.client.HTTPConnection(*addr, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return [v for k, v in resp.getheaders() if k.lower() == name.lower()]
    finally:
        conn.close()


def jbody(data):
    try:
        return json.loads(data)
    except ValueError:
        return {}


def websocket(addr, path="/ws", tls=False, extra=None):
    """Raw WebSocket handshake + one text frame each way."""
    raw = socket.create_connection(addr, timeout=10)
    sock = raw
    if tls:
        sock = tls_context().wrap_socket(raw, server_hostname="chat.test")
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET {path} HTTP/1.1", "Host: chat.test", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", "Origin: https://shop.example.vn"]
    lines += extra or []
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    rfile = sock.makefile("rb")
    status = rfile.readline().decode()
    headers = {}
    while True:
        line = rfile.readline().decode().strip()
        if not line:
            break
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    result = {"status": status, "headers": headers, "accept_ok": False, "info": {}}
    expect = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
    result["accept_ok"] = headers.get("sec-websocket-accept") == expect
    if " 101 " in status:
        sock.sendall(frame(b'{"type":"hello"}', masked=True))
        _, data = read_frame(rfile)
        result["info"] = json.loads(data)
    sock.close()
    return result


def wait_port(addr, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(addr, timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def free_port(host="127.0.0.1"):
    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_nginx(args, workdir):
    out = open(os.path.join(workdir, "nginx.stdout"), "wb")
    return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop_nginx(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------ loopback
def loopback(root, work):
    a = start_node("a", "127.0.0.1", drop_prefix="/api/flaky")
    b = start_node("b", "127.0.0.1")
    pa, pb = a.server_address[1], b.server_address[1]
    port = free_port()
    conf = subprocess.run([os.path.join(root, "nginx/render-test-conf.sh"), "--dir", work,
                           "--listen", f"127.0.0.1:{port}", "--backend", f"127.0.0.1:{pa}",
                           "--backend", f"127.0.0.1:{pb}"], check=True, capture_output=True, text=True).stdout.strip()
    rendered = open(conf).read()
    check("render: upstream lists every node with max_fails=1 fail_timeout=2s, no stickiness",
          f"server 127.0.0.1:{pa} max_fails=1 fail_timeout=2s;" in rendered
          and f"server 127.0.0.1:{pb} max_fails=1 fail_timeout=2s;" in rendered
          and not re.search(r"\b(ip_hash|sticky|hash)\b", rendered))
    check("render: includes the repository's shared files (symlinks)",
          all(os.path.realpath(os.path.join(work, f)) == os.path.join(root, "nginx", f)
              for f in ("chatdesk-http.conf", "chatdesk-proxy.conf", "chatdesk-headers.conf")))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = start_nginx([nginx, "-p", work, "-e", os.path.join(work, "error.log"), "-c", conf], work)
    addr = ("127.0.0.1", port)
    try:
        up = wait_port(addr)
        check("loopback nginx starts", up, open(os.path.join(work, "nginx.stdout")).read()[-500:])
        if not up:
            return

        # Round robin, no stickiness.
        order = [jbody(request(addr, "GET", f"/api/ping?i={i}")[2]).get("node") for i in range(8)]
        check("round robin: consecutive requests alternate between the nodes",
              all(order[i] != order[i + 1] for i in range(7)) and set(order) == {"a", "b"}, order)

        # WebSocket upgrade through nginx.
        ws = websocket(addr)
        h = ws["info"].get("headers", {})
        check("websocket: handshake answered 101 with the node's accept key",
              " 101 " in ws["status"] and ws["accept_ok"], ws["status"])
        check("websocket: Upgrade/Connection forwarded to the node",
              h.get("upgrade", "").lower() == "websocket" and h.get("connection", "").lower() == "upgrade", h)
        check("websocket: frames flow both ways", ws["info"].get("echo") == '{"type":"hello"}', ws["info"])
        check("websocket: X-Forwarded-For/Proto and X-Request-ID reach the node",
              h.get("x-forwarded-for") == "127.0.0.1" and h.get("x-forwarded-proto") == "http"
              and re.fullmatch(r"[0-9a-f]{32}", h.get("x-request-id", "")), h)
        ws2 = websocket(addr)
        check("websocket: successive handshakes go to different nodes",
              ws2["info"].get("node") and ws2["info"].get("node") != ws["info"].get("node"))

        # Header hygiene.
        _, rh, data, _ = request(addr, "GET", "/api/echo", {"Upgrade": "h2c", "Connection": "Upgrade, HTTP2-Settings",
                                                             "X-Forwarded-For": "6.6.6.6",
                                                             "X-Request-ID": "req-12345678"})
        h = jbody(data).get("headers", {})
        check("non-WebSocket Upgrade (h2c smuggling) is not forwarded",
              "upgrade" not in h and "upgrade" not in h.get("connection", "").lower(), h)
        check("client X-Forwarded-For is overwritten, not trusted", h.get("x-forwarded-for") == "127.0.0.1", h)
        check("a well-formed client X-Request-ID is passed through and echoed",
              h.get("x-request-id") == "req-12345678" and rh.get("x-request-id") == "req-12345678")
        _, rh, data, _ = request(addr, "GET", "/api/echo", {"X-Request-ID": "bad id\u0007"[:6] + " x"})
        check("a malformed X-Request-ID is replaced by nginx's id",
              re.fullmatch(r"[0-9a-f]{32}", jbody(data).get("headers", {}).get("x-request-id", "")))
        check("API responses carry nosniff and Referrer-Policy, no HSTS on plain HTTP",
              rh.get("x-content-type-options") == "nosniff" and rh.get("referrer-policy") == "same-origin"
              and "strict-transport-security" not in rh, rh)

        # Retries: GET moves to the next node, POST is never re-sent.
        a.seen.clear()
        b.seen.clear()
        got = [request(addr, "GET", "/api/flaky")[0:3:2] for _ in range(2)]
        check("GET whose node drops the connection is retried on the other node",
              all(s == 200 and jbody(d).get("node") == "b" for s, d in got)
              and any(p == "/api/flaky" for _, p in a.seen), [(s, jbody(d).get("node")) for s, d in got])
        time.sleep(3.1)  # fail_timeout=2s (whole seconds): node a is back in rotation
        a.seen.clear()
        b.seen.clear()
        statuses, refused = [], None
        for i in range(4):
            s, _, d, _ = request(addr, "POST", "/api/flaky", {"Content-Type": "application/json"}, b'{"x":1}')
            statuses.append(s)
            if s != 201:
                refused = (s, jbody(d))
                break
        posts = [m for m, _ in a.seen + b.seen if m == "POST"]
        check("POST whose node drops the connection is NOT re-sent (503 unavailable, one delivery)",
              refused and refused[0] == 503 and refused[1].get("error", {}).get("code") == "unavailable"
              and len(posts) == len(statuses), (statuses, refused, len(posts)))

        # Body limit.
        s, rh, d, _ = request(addr, "POST", "/api/conversations", {"Content-Type": "application/json"},
                              b"{" + b" " * (70 * 1024) + b"}")
        check("API body over 64 KiB: 413 JSON too_large",
              s == 413 and jbody(d).get("error", {}).get("code") == "too_large", (s, d[:120]))
        s, _, _, _ = request(addr, "POST", "/api/conversations", {"Content-Type": "application/json"},
                             b"{" + b" " * (60 * 1024) + b"}")
        check("API body under 64 KiB passes", s == 201, s)
        s, _, _, _ = request(addr, "POST", "/api/conversations/abc/attachments",
                             {"Content-Type": "application/octet-stream"}, b"x" * (2 * 1024 * 1024))
        check("attachments location accepts 2 MiB (limit 11m)", s == 201, s)

        # Per-IP limits (127.0.0.1 is exempt, 127.0.0.2 is not).
        codes = [request(addr, "GET", "/api/ping", source="127.0.0.2")[0:3:2] for _ in range(100)]
        limited = [d for s, d in codes if s == 429]
        check("per-IP request limit: a burst from one address gets 429 rate_limited (JSON)",
              limited and jbody(limited[0]).get("error", {}).get("code") == "rate_limited"
              and "vui lòng" in jbody(limited[0])["error"].get("message", "").lower(), len(limited))
        check("per-IP request limit: loopback (tests, health checks) is exempt",
              all(request(addr, "GET", "/api/ping")[0] == 200 for _ in range(70)))

        # Ops endpoints.
        check("/metrics is refused from a non-allowed address (404)",
              request(addr, "GET", "/metrics", source="127.0.0.2")[0] == 404)
        check("/metrics and /readyz are proxied for allowed addresses",
              request(addr, "GET", "/metrics")[0] == 200 and request(addr, "GET", "/readyz")[0] == 200)

        # Widget and dashboard.
        s, rh, d, _ = request(addr, "GET", "/widget.js?v=1.2.3", {"Accept-Encoding": "gzip"})
        check("widget.js?v=...: 1-year immutable cache, CORP cross-origin, gzip",
              s == 200 and rh.get("cache-control") == "public, max-age=31536000, immutable"
              and rh.get("cross-origin-resource-policy") == "cross-origin"
              and rh.get("content-encoding") == "gzip" and gzip.decompress(d).startswith(b"/* chatdesk widget */"), rh)
        s, rh, _, _ = request(addr, "GET", "/widget.js")
        check("widget.js without version: short cache", rh.get("cache-control") == "public, max-age=300", rh)
        s, rh, _, _ = request(addr, "GET", "/dashboard/")
        csp = rh.get("content-security-policy", "")
        check("dashboard: strict CSP (nginx's, not the node's), frame-ancestors none, X-Frame-Options DENY",
              "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self' ws://127.0.0.1;" in csp
              and "default-src *" not in csp and rh.get("x-frame-options") == "DENY" and "x-powered-by" not in rh, rh)

        check("dashboard: exactly one X-Frame-Options (DENY), the node's SAMEORIGIN replaced",
              header_values(addr, "/dashboard/", "X-Frame-Options") == ["DENY"]
              and header_values(addr, "/dashboard/", "Content-Security-Policy") == [csp])

        s, rh, _, _ = request(addr, "GET", "/dashboard/assets/index-abc123.js")
        check("dashboard assets (hashed names): 1-year immutable cache, dashboard CSP, not framed",
              s == 200 and rh.get("cache-control") == "public, max-age=31536000, immutable"
              and rh.get("content-security-policy") == csp and rh.get("x-frame-options") == "DENY", rh)
        s, rh, d, _ = request(addr, "GET", "/dashboard/assets/anything-else")
        check("dashboard: an unknown asset stays the node's 404 (no index.html, never cached), with the headers",
              s == 404 and "html" not in rh.get("content-type", "") and "immutable" not in rh.get("cache-control", "")
              and rh.get("content-security-policy") == csp and rh.get("x-frame-options") == "DENY"
              and rh.get("x-content-type-options") == "nosniff", (s, rh, d[:80]))
        _, rh, _, _ = request(addr, "GET", "/api/ping")
        check("API answers are never framed either (X-Frame-Options DENY)", rh.get("x-frame-options") == "DENY", rh)

        # Access log: JSON, request id, no query strings.
        request(addr, "GET", "/api/conversations?q=0912345678&status=waiting")
        time.sleep(0.2)
        log = open(os.path.join(work, "access.log")).read().splitlines()
        parsed = [json.loads(l) for l in log if l.strip()]
        check("access log: one JSON object per request with request_id and upstream",
              parsed and all(p.get("request_id") for p in parsed) and any(p.get("upstream") for p in parsed))
        check("access log: query strings (search terms, phone numbers) are not logged",
              not any("0912345678" in l for l in log) and any(p["path"] == "/api/conversations" for p in parsed))
        check("access log: the GET retry shows both nodes tried",
              any(p["path"] == "/api/flaky" and p["method"] == "GET" and "," in p["upstream"] for p in parsed))

        # All nodes down (open keep-alive connections are cut too).
        for n in (a, b):
            n.dead = True
            n.shutdown()
            n.server_close()
        s, _, d, _ = request(addr, "GET", "/api/conversations/x")
        check("every node down: API answers 503 JSON unavailable",
              s == 503 and jbody(d).get("error", {}).get("code") == "unavailable", (s, d[:100]))
    finally:
        stop_nginx(proc)


# ------------------------------------------------------------------ production
def production(root, work):
    node_port = free_port()
    http_port, https_port = free_port(), free_port()
    dns = DNS(["127.0.0.1", "127.0.0.2"])
    conf = os.path.join(work, "production.conf")
    subprocess.run([os.path.join(root, "test/deploy/prod-conf.sh"), work, "live", str(http_port), str(https_port),
                    str(dns.port), str(node_port)], check=True)
    # nginx's workers run as the unprivileged default user: let them read.
    for d, _, files in os.walk(work):
        os.chmod(d, 0o755)
        for f in files:
            if not os.path.islink(os.path.join(d, f)):
                os.chmod(os.path.join(d, f), 0o644)
    www = os.path.join(work, "certbot/.well-known/acme-challenge")
    os.makedirs(www)
    with open(os.path.join(www, "token123"), "w") as f:
        f.write("token123.thumbprint")
    for d in (os.path.join(work, "certbot"), os.path.join(work, "certbot/.well-known"), www):
        os.chmod(d, 0o755)
    os.chmod(os.path.join(www, "token123"), 0o644)

    n1 = start_node("n1", "127.0.0.1", node_port)
    n2 = start_node("n2", "127.0.0.2", node_port)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = start_nginx([nginx, "-p", work, "-e", os.path.join(work, "error.log"), "-c", conf,
                        "-g", f"daemon off; pid {work}/nginx.pid;"], work)
    plain, tls = ("127.0.0.1", http_port), ("127.0.0.1", https_port)
    try:
        up = wait_port(tls) and wait_port(plain)
        check("production.conf: nginx starts (HTTP + HTTPS)", up, open(os.path.join(work, "nginx.stdout")).read()[-500:])
        if not up:
            return
        s, h, _, _ = request(plain, "GET", "/dashboard/?x=1", {"Host": "chat.test"})
        check("production: HTTP redirects to HTTPS (301, path and query kept)",
              s == 301 and h.get("location") == "https://chat.test/dashboard/?x=1", (s, h.get("location")))
        s, _, d, _ = request(plain, "GET", "/.well-known/acme-challenge/token123", {"Host": "chat.test"})
        check("production: ACME challenge served from the certbot webroot over HTTP",
              s == 200 and d == b"token123.thumbprint", (s, d[:80]))
        check("production: nginx-health only from loopback",
              request(plain, "GET", "/nginx-health")[0] == 200
              and request(plain, "GET", "/nginx-health", source="127.0.0.2")[0] == 404)

        s, h, d, version = request(tls, "GET", "/api/ping", {"Host": "chat.test"}, tls=True)
        check("production: HTTPS with TLS 1.2+ proxies to a node found through DNS",
              s == 200 and version in ("TLSv1.2", "TLSv1.3") and jbody(d).get("node") in ("n1", "n2"), (s, version))
        check("production: HSTS, nosniff, Referrer-Policy, X-Request-ID on HTTPS",
              h.get("strict-transport-security", "").startswith("max-age=63072000")
              and h.get("x-content-type-options") == "nosniff" and h.get("referrer-policy")
              and re.fullmatch(r"[0-9a-f]{32}", h.get("x-request-id", "")), h)
        hn = jbody(d).get("headers", {})
        check("production: X-Forwarded-Proto https and X-Forwarded-For reach the node",
              hn.get("x-forwarded-proto") == "https" and hn.get("x-forwarded-for") == "127.0.0.1", hn)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        with socket.create_connection(tls, timeout=5) as raw, ctx.wrap_socket(raw) as t:
            v12 = t.version()
        check("production: TLS 1.2 accepted (TLS 1.3 preferred)", v12 == "TLSv1.2", v12)
        s, h, _, _ = request(tls, "GET", "/dashboard/", {"Host": "chat.test"}, tls=True)
        check("production: dashboard CSP allows wss:// to its own host only",
              "connect-src 'self' wss://chat.test;" in h.get("content-security-policy", ""), h.get("content-security-policy"))
        check("production: /metrics refused from the internet",
              request(tls, "GET", "/metrics", {"Host": "chat.test"}, source="127.0.0.2", tls=True)[0] == 404)
        ws = websocket(tls, tls=True)
        check("production: WebSocket upgrade over TLS", " 101 " in ws["status"] and ws["accept_ok"]
              and ws["info"].get("headers", {}).get("upgrade") == "websocket", ws["status"])

        nodes = [jbody(request(tls, "GET", "/api/ping", {"Host": "chat.test"}, tls=True)[2]).get("node") for _ in range(40)]
        check("production: requests spread over every replica returned by DNS (no stickiness)",
              nodes.count("n1") >= 5 and nodes.count("n2") >= 5, {n: nodes.count(n) for n in set(nodes)})

        # Scale up: a third replica appears in DNS; nginx sees it without reload
        # once the 10 s cache (resolver ... valid=10s) expires.
        n3 = start_node("n3", "127.0.0.3", node_port)
        dns.addrs = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
        # nginx re-resolves once its cached answer (valid=10s) expires; when
        # that cache was last filled is not known here, so poll for the new
        # replica (at most 25 s), then check the spread.
        changed = time.time()
        seen_after = None
        while time.time() - changed < 25:
            if jbody(request(tls, "GET", "/api/ping", {"Host": "chat.test"}, tls=True)[2]).get("node") == "n3":
                seen_after = time.time() - changed
                break
            time.sleep(0.2)
        nodes = [jbody(request(tls, "GET", "/api/ping", {"Host": "chat.test"}, tls=True)[2]).get("node") for _ in range(60)]
        check("production: a replica added by --scale is used after the 10 s DNS cache, without reload",
              seen_after is not None and seen_after <= 21 and
              nodes.count("n3") >= 5 and nodes.count("n1") >= 5 and nodes.count("n2") >= 5,
              {"seen_after_s": None if seen_after is None else round(seen_after, 1), **{n: nodes.count(n) for n in set(nodes)}})

        # A replica dies (still in the DNS cache): connection refused -> next one.
        n2.dead = True
        n2.shutdown()
        n2.server_close()
        gets = [request(tls, "GET", "/api/ping", {"Host": "chat.test"}, tls=True)[0] for _ in range(20)]
        posts = [request(tls, "POST", "/api/conversations", {"Host": "chat.test", "Content-Type": "application/json"},
                         b"{}", tls=True)[0] for _ in range(20)]
        check("production: a stopped replica is skipped (GET and not-yet-sent POST move on)",
              all(s == 200 for s in gets) and all(s == 201 for s in posts), (gets, posts))
        n1.shutdown()
        n3.shutdown()
    finally:
        stop_nginx(proc)


if __name__ == "__main__":
    mode, root, work = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    os.makedirs(work, exist_ok=True)
    {"loopback": loopback, "production": production}[mode](root, work)
    print(f"# live {mode}: {sum(results)} passed, {len(results) - sum(results)} failed")
