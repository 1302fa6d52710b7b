"""Telephony settings: saved values, environment overrides, and where each value came from."""

import pytest

from core.errors import PermissionDenied, StaleRecordError, ValidationError
from core.settings import reload_settings
from services import telephony_settings as ts
from tests.factories.staff import make_admin, make_staff


async def save_cti(admin, version=None, **overrides):
    values = {
        "enabled": True,
        "port": "/dev/ttyUSB0",
        "baud": 9600,
        "preset": "modem",
        "regex": "",
        "init_commands": "ATZ\nAT+VCID=1",
    }
    return await ts.save_cti_settings(by=admin, version=version, **{**values, **overrides})


async def test_defaults_until_saved_then_saved_values(db):
    loaded = await ts.load_cti_settings()
    assert loaded.values == ts.CtiSettings()
    assert loaded.origin_label("port") == "기본값"
    admin = await make_admin()
    saved = await save_cti(admin, baud=115200)
    assert (saved.values.port, saved.values.baud, saved.values.init_commands) == (
        "/dev/ttyUSB0",
        115200,
        ("ATZ", "AT+VCID=1"),
    )
    assert saved.origin_label("baud") == "저장된 설정"
    assert saved.origin_label("regex") == "저장된 설정"


async def test_environment_variables_win_and_say_so(db, monkeypatch):
    monkeypatch.setenv("GOGAEK_CTI_PORT", "/dev/pts/7")
    monkeypatch.setenv("GOGAEK_CTI_BAUD", "1200")
    monkeypatch.setenv("GOGAEK_CTI_PRESET", "REGEX")
    monkeypatch.setenv("GOGAEK_CTI_REGEX", r"CID:(?P<number>\d+)")
    monkeypatch.setenv("GOGAEK_CENTREX_BASE_URL", "http://127.0.0.1:9999/RestApi/")
    monkeypatch.setenv("GOGAEK_CENTREX_POLL_SECONDS", "0.5")
    reload_settings()

    cti = await ts.load_cti_settings()
    assert cti.values == ts.CtiSettings(
        enabled=True, port="/dev/pts/7", baud=1200, preset=ts.Preset.REGEX, regex=r"CID:(?P<number>\d+)"
    )
    assert cti.origin_label("port") == "환경변수 GOGAEK_CTI_PORT"
    assert cti.origin_label("enabled") == "환경변수 GOGAEK_CTI_PORT"  # a port given means: read it
    assert cti.origin_label("init_commands") == "기본값"
    centrex = await ts.load_centrex_settings()
    assert (centrex.values.base_url, centrex.values.poll_seconds) == ("http://127.0.0.1:9999/RestApi", 0.5)
    assert centrex.origin_label("poll_seconds") == "환경변수 GOGAEK_CENTREX_POLL_SECONDS"
    assert centrex.origin_label("timeout_seconds") == "기본값"

    # saving from the screen does not overwrite what the environment decides
    admin = await make_admin()
    saved = await save_cti(admin, port="/dev/ttyS0", baud=9600, preset="modem", regex="")
    assert (saved.values.port, saved.values.baud) == ("/dev/pts/7", 1200)


async def test_invalid_environment_values_are_ignored_and_reported(db, monkeypatch):
    monkeypatch.setenv("GOGAEK_CTI_BAUD", "fast")
    monkeypatch.setenv("GOGAEK_CTI_PRESET", "telepathy")
    reload_settings()
    cti = await ts.load_cti_settings()
    assert cti.values.baud == 9600 and cti.values.preset == ts.Preset.MODEM
    assert set(cti.env_errors) == {"baud", "preset"}
    assert "GOGAEK_CTI_BAUD" in cti.env_errors["baud"]


async def test_validation_messages_next_to_the_fields(db):
    admin = await make_admin()
    with pytest.raises(ValidationError) as caught:
        await save_cti(
            admin, port="", baud=1234, preset="regex", regex="(no-group)", init_commands="ATZ\n한글"
        )
    assert set(caught.value.fields) == {"port", "baud", "regex", "init_commands"}
    assert "(?P<number>" in caught.value.fields["regex"]
    with pytest.raises(ValidationError, match="정규식 오류"):
        await save_cti(admin, preset="regex", regex="(?P<number>[")
    assert (await ts.load_cti_settings()).version is None  # nothing was saved


async def test_a_stale_save_is_refused(db):
    admin = await make_admin()
    first = await save_cti(admin)
    await save_cti(admin, version=first.version, baud=19200)
    with pytest.raises(StaleRecordError) as stale:
        await save_cti(admin, version=first.version, baud=38400)
    assert stale.value.differing == ("baud",) and stale.value.latest_version == first.version + 1


async def test_only_admins_change_telephony_settings(db):
    clerk = await make_staff()
    with pytest.raises(PermissionDenied):
        await save_cti(clerk)
    with pytest.raises(PermissionDenied):
        await ts.save_call_settings(
            by=clerk, version=None, dedup_seconds=30, popup_target="all", others_delay_seconds=5
        )


async def test_call_and_centrex_settings(db):
    admin = await make_admin()
    calls = await ts.save_call_settings(
        by=admin, version=None, dedup_seconds=10, popup_target="extension_only", others_delay_seconds=0
    )
    assert calls.values == ts.CallSettings(10, ts.PopupTarget.EXTENSION_ONLY, 0)
    with pytest.raises(ValidationError) as caught:
        await ts.save_centrex_settings(
            by=admin,
            version=None,
            base_url="centrex",
            poll_seconds=0,
            timeout_seconds=100,
            ring_host="192.168.0.10",
            ring_port=70000,
        )
    assert set(caught.value.fields) == {
        "base_url",
        "poll_seconds",
        "timeout_seconds",
        "ring_host",
        "ring_port",
    }
    assert "공인 IP" in caught.value.fields["ring_host"]


async def test_the_ring_secret_is_long_random_and_kept(db):
    first = (await ts.load_centrex_settings()).values.ring_secret
    assert len(first) >= 40 and (await ts.load_centrex_settings()).values.ring_secret == first
    renewed = await ts.renew_ring_secret(by=await make_admin())
    assert renewed.values.ring_secret != first


async def test_the_reader_can_be_kept_off_although_a_port_is_given(db, monkeypatch):
    monkeypatch.setenv("GOGAEK_CTI_PORT", "/dev/ttyUSB0")
    monkeypatch.setenv("GOGAEK_CTI_ENABLED", "0")
    reload_settings()
    cti = await ts.load_cti_settings()
    assert cti.values.enabled is False and cti.origin_label("enabled") == "환경변수 GOGAEK_CTI_ENABLED"
