#!/usr/bin/env python3
"""Write the local ``.env`` once, from ``.env.example`` (issue 16, safe defaults): ``make run`` then serves with
DEBUG off, a SECRET_KEY generated here, the local host names, and the HTTPS-only protections off because a local
server speaks plain HTTP. An existing ``.env`` is never touched: it may hold a developer's choices and the key
that signs their sessions and links.

Usage: scripts/write-env.py [--host HOST] [--example .env.example] [--output .env]
Standard library only: it runs before the virtual environment has its packages.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Addresses that mean "every interface": not a host name a browser sends.
WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}
PLAIN_HTTP_NOTE = "# Plain local HTTP (make run): a real deployment behind HTTPS sets this to true."


def local_values(host: str) -> dict[str, str]:
    hosts = list(LOCAL_HOSTS)
    if host not in WILDCARD_HOSTS:
        name = f"[{host}]" if ":" in host and not host.startswith("[") else host
        if name not in hosts:
            hosts.append(name)
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": ",".join(hosts),
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false",
    }


def render(example: str, values: dict[str, str]) -> str:
    """The example with ``values`` in place of its own; a key the example lacks is appended."""
    pending = dict(values)
    lines = []
    for line in example.splitlines():
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith("#") else None
        if key in pending:
            if pending[key] == "false" and key.endswith(("_SECURE", "_REDIRECT")):
                lines.append(PLAIN_HTTP_NOTE)
            line = f"{key}={pending.pop(key)}"
        lines.append(line)
    for key, value in pending.items():
        if value == "false" and key.endswith(("_SECURE", "_REDIRECT")):
            lines.append(PLAIN_HTTP_NOTE)
        lines.append(f"{key}={value}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="the address make run serves on (Makefile HOST)")
    parser.add_argument("--example", type=Path, default=ROOT / ".env.example")
    parser.add_argument("--output", type=Path, default=ROOT / ".env")
    args = parser.parse_args()

    values = local_values(args.host.strip())
    text = render(args.example.read_text(encoding="utf-8"), values)
    try:
        # O_EXCL: never overwrite, even when two set-ups race; 0600: the file holds the secret key.
        descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"{args.output} exists; left as it is.")
        return 0
    with os.fdopen(descriptor, "w", encoding="utf-8") as env_file:
        env_file.write(text)
    print(f"Wrote {args.output}: DEBUG off, a new SECRET_KEY, ALLOWED_HOSTS={values['ALLOWED_HOSTS']}.")
    if args.host.strip() in WILDCARD_HOSTS:
        print("Serving on every interface: add the names other machines use to ALLOWED_HOSTS in .env.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
