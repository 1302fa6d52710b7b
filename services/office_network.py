"""Where the office opens Gogaek: this server's addresses on the office network (printed at start
and shown in 설정 → 접속 주소 with a QR code for the reception tablet), and the systemd unit that
starts the server with the machine (`python main.py service-file`)."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

ANY_ADDRESS = {"", "0.0.0.0", "::"}


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, the one of its default route first."""
    found: list[str] = []
    try:
        # a UDP "connection" sends nothing: it only asks which local address would be used
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never a real host
            found.append(probe.getsockname()[0])
    except OSError:
        pass  # no network route (an office server unplugged): the host name may still say
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    found.extend(str(info[4][0]) for info in infos)
    usable = [a for a in dict.fromkeys(found) if not ipaddress.ip_address(a).is_loopback]
    return sorted(usable, key=lambda a: not ipaddress.ip_address(a).is_private)


def office_urls(host: str, port: int, *, tls: bool) -> list[str]:
    """The addresses to give staff: every LAN address when the server listens on all of them (the
    default), else the one it listens on."""
    scheme = "https" if tls else "http"
    addresses = (lan_addresses() or ["127.0.0.1"]) if host in ANY_ADDRESS else [host]
    return [f"{scheme}://{f'[{a}]' if ':' in a else a}:{port}" for a in addresses]


def systemd_unit(*, folder: Path, python: str, user: str, data_dir: Path, host: str, port: int) -> str:
    """A unit that starts the server at boot and again after a failure, as `user`, in `folder`."""
    return f"""[Unit]
Description=Gogaek 고객관리
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={user}
WorkingDirectory={folder}
Environment=GOGAEK_DATA_DIR={data_dir}
ExecStart={python} {folder / "main.py"} --host {host} --port {port}
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
"""
