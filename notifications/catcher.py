"""The development mail catcher: an aiosmtpd SMTP server that keeps every message.

Messages go to a Maildir (data/mailbox) which the portal's dev mailbox page reads.
Run: python -m notifications.catcher --port 8025 --dir data/mailbox
"""

import argparse
import asyncio
import logging
import mailbox
import signal
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from notifications.sender import MESSAGE_POLICY

log = logging.getLogger("cvms.catcher")


class MaildirHandler:
    def __init__(self, directory: Path) -> None:
        directory.parent.mkdir(parents=True, exist_ok=True)
        self.maildir = mailbox.Maildir(directory, create=True)  # makes cur/ new/ tmp/

    async def handle_DATA(self, _server, _session, envelope: Envelope) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content or b"", policy=MESSAGE_POLICY)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.maildir.add(message)
        log.info("caught mail to %s: %s", envelope.rcpt_tos, message["Subject"])
        return "250 Message accepted for delivery"


def start(directory: Path, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    # SMTPUTF8: an address in its own letters (josé@…) is caught as a real relay takes it
    controller = Controller(MaildirHandler(directory), hostname=host, port=port,
                            enable_SMTPUTF8=True)
    controller.start()
    return controller


def main() -> None:
    parser = argparse.ArgumentParser(description="CVMS development mail catcher")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("data/mailbox"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s catcher %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    controller = start(args.dir, args.host, args.port)
    log.info("mail catcher on %s:%s, keeping messages in %s", args.host, args.port, args.dir)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
