"""A loopback SMTP server for the email action's tests (Debian python3-aiosmtpd).

Usage: smtp_server.py OUT_DIR [CERT KEY USER PASSWORD]
Saves each message as OUT_DIR/N.eml (with the envelope in N.json), prints "READY <port>" once
listening, and stops when stdin closes. With a certificate it offers STARTTLS, requires it
before AUTH, and accepts only USER/PASSWORD.
"""
import asyncio
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out_dir, str(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        }
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    out_dir = sys.argv[1]
    kwargs = {}
    if len(sys.argv) >= 6:
        cert, key, user, password = sys.argv[2:6]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and \
                auth_data.login.decode() == user and auth_data.password.decode() == password
            # handled=False: let aiosmtpd answer 535 itself on a failure.
            return AuthResult(success=ok, handled=False)

        kwargs = dict(tls_context=context, require_starttls=True, auth_required=True,
                      auth_require_tls=True, authenticator=authenticator)
    port = free_port()
    controller = Controller(Saver(out_dir), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print(f"READY {port}", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
