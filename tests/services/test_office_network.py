import getpass
import ipaddress
import sys
from pathlib import Path

from services.office_network import lan_addresses, office_urls, systemd_unit


def test_the_addresses_staff_open_are_the_machines_lan_addresses_when_serving_on_all():
    for address in lan_addresses():
        assert not ipaddress.ip_address(address).is_loopback and ipaddress.ip_address(address).version == 4
    every = office_urls("0.0.0.0", 8443, tls=True)
    assert every and all(url.startswith("https://") and url.endswith(":8443") for url in every)
    assert every == [f"https://{a}:8443" for a in lan_addresses()] or every == ["https://127.0.0.1:8443"]
    assert office_urls("192.168.0.10", 8080, tls=False) == ["http://192.168.0.10:8080"]
    assert office_urls("fd00::10", 8080, tls=False) == ["http://[fd00::10]:8080"]


def test_the_systemd_unit_starts_this_folders_server_as_this_user():
    unit = systemd_unit(
        folder=Path("/srv/gogaek"),
        python=sys.executable,
        user=getpass.getuser(),
        data_dir=Path("/srv/gogaek/data"),
        host="0.0.0.0",
        port=8080,
    )
    assert f"ExecStart={sys.executable} /srv/gogaek/main.py --host 0.0.0.0 --port 8080" in unit
    assert "WorkingDirectory=/srv/gogaek" in unit and f"User={getpass.getuser()}" in unit
    assert "Environment=GOGAEK_DATA_DIR=/srv/gogaek/data" in unit
    assert "Restart=on-failure" in unit and "WantedBy=multi-user.target" in unit
