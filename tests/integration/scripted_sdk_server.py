#!/usr/bin/env python3
"""An HTTPS server that answers each POST with the next file of a script, for
the replies vcsim cannot be made to give (a session that expires, a body that
is not SOAP). Usage: scripted_sdk_server.py PORT CERT KEY LOG STATUS:FILE...
Each request's SOAP method (the body's first element) goes to LOG, a line each."""
import http.server
import re
import ssl
import sys

port, cert, key, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
script = [(int(s.split(":", 1)[0]), s.split(":", 1)[1]) for s in sys.argv[5:]]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        m = re.search(r"<soapenv:Body><(\w+)", body)
        with open(log, "a") as f:
            f.write((m.group(1) if m else "?") + "\n")
        status, path = script.pop(0) if script else (500, None)
        data = open(path, "rb").read() if path else b""
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", port), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print("ready", flush=True)
server.serve_forever()
