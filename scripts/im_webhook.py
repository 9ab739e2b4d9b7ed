#!/usr/bin/env python3
"""Post a signed demo event to the IM webhook, as the IM platform would (stdlib only).

Reads var/demo-im.json, written by ``manage.py ensure_demo_im`` (make run does it). Usage:
  scripts/im_webhook.py message "我换了新号码13912345678"      a customer's text message
  scripts/im_webhook.py image card.png                           a customer's image (OCR reads it)
  scripts/im_webhook.py operation link_click "新品沙发图册"        the customer clicked a link (P5)
  scripts/im_webhook.py link [STAFF_IM_ID]                       a fresh sidebar link (valid 10 minutes)
  scripts/im_webhook.py raw event.json                           any event, from a file
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "var" / "demo-im.json"


def post(config: dict, url: str, payload: dict) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    signature = hmac.new(config["secret"].encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {config['token']}",
            "X-SalesCard-Timestamp": timestamp,
            "X-SalesCard-Signature": f"sha256={signature}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            print(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        print(error.code, error.read().decode())
        sys.exit(1)


def event(kind: str, data: dict) -> dict:
    return {"event_id": f"demo-{uuid.uuid4().hex}", "type": kind, "data": data}


def main(argv: list[str]) -> None:
    if len(argv) < 2 or not CONFIG.exists():
        print(__doc__)
        sys.exit(2)
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    who = {"customer_id": config["customer_id"], "staff_id": config["staff_id"]}
    command, args = argv[1], argv[2:]
    if command == "message" and args:
        data = {**who, "message_id": uuid.uuid4().hex, "direction": "in", "kind": "text", "text": " ".join(args)}
        post(config, config["url"], event("message.received", data))
    elif command == "image" and args:
        image = base64.b64encode(Path(args[0]).read_bytes()).decode()
        kind = "image/png" if args[0].lower().endswith(".png") else "image/jpeg"
        data = {**who, "message_id": uuid.uuid4().hex, "direction": "in", "kind": "image", "image_base64": image,
                "image_type": kind}  # fmt: skip
        post(config, config["url"], event("message.received", data))
    elif command == "operation" and args:
        data = {**who, "operation": args[0], "target": " ".join(args[1:])}
        post(config, config["url"], event("customer.operation", data))
    elif command == "link":
        staff = args[0] if args else config["staff_id"]
        url = config["url"].replace("/im/webhooks/", "/im/sidebar-links/")
        post(config, url, {"staff_id": staff, "customer_id": config["customer_id"]})
    elif command == "raw" and args:
        post(config, config["url"], json.loads(Path(args[0]).read_text(encoding="utf-8")))
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
