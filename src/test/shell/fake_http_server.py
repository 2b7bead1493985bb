#!/usr/bin/python3
"""A tiny HTTP server standing in for the recorder's probes in the healthcheck tests.

  fake_http_server.py PORT_FILE LOG_FILE [--status N] [--basic USER:PASSWORD]

Listens on 127.0.0.1 (a free port, written to PORT_FILE once it listens) and answers every GET with
status N (default 200) and a small JSON body; with --basic, a request without exactly these
credentials gets 401. Each request is appended to LOG_FILE as one JSON line. Runs until killed.
"""

import argparse
import base64
import http.server
import json
import os


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port_file")
    parser.add_argument("log_file")
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--basic")
    args = parser.parse_args()
    expected = "Basic " + base64.b64encode(args.basic.encode()).decode() if args.basic else None

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            authorization = self.headers.get("Authorization")
            with open(args.log_file, "a", encoding="utf-8") as log:
                log.write(json.dumps({"path": self.path, "authorization": authorization}) + "\n")
            status = 401 if expected and authorization != expected else args.status
            body = json.dumps({"status": "UP" if status == 200 else "DOWN", "path": self.path}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *unused):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    temporary = args.port_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(str(server.server_address[1]))
    os.replace(temporary, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
