"""A serial caller-ID device played by a pseudo-terminal.

The application opens a stable path (a symlink, like /dev/serial/by-id/… on a real machine) that
points at the slave side; the test writes what the device would print to the master side.
`unplug()` closes the master (the slave disappears, reads fail); `plug_in()` makes a new pair
behind the same path."""

from __future__ import annotations

import os
from pathlib import Path

MODEM_BLOCK = "\r\nRING\r\n\r\nDATE = 1127\r\nTIME = 1507\r\nNMBR = {number}\r\n{name}\r\nRING\r\n"


def modem_block(number: str, name: str = "") -> bytes:
    return MODEM_BLOCK.format(number=number, name=f"NAME = {name}\r\n" if name else "").encode()


class FakeSerialDevice:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "ttyCTI"
        self.master: int | None = None
        self.plug_in()

    def plug_in(self) -> None:
        master, slave = os.openpty()
        slave_path = os.ttyname(slave)
        os.close(slave)  # the application opens it by path
        if self.path.is_symlink():
            self.path.unlink()
        self.path.symlink_to(slave_path)
        self.master = master

    def unplug(self) -> None:
        """The device node goes away, as /dev/ttyUSB0 does when the cable is pulled (a link left to
        the closed pty could meet another test's new pty under the same /dev/pts number)."""
        if self.path.is_symlink():
            self.path.unlink()
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def write(self, data: bytes | str) -> None:
        assert self.master is not None, "the device is unplugged"
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def read_sent(self) -> bytes:
        """What the application wrote to the device (e.g. the modem init commands)."""
        assert self.master is not None
        os.set_blocking(self.master, False)
        try:
            return os.read(self.master, 4096)
        except BlockingIOError:
            return b""
        finally:
            os.set_blocking(self.master, True)

    def close(self) -> None:
        self.unplug()
        if self.path.is_symlink():
            self.path.unlink()
