"""Gogaek 고객관리 — entry point and command line.

    python main.py                      serve on http://0.0.0.0:8080 (--host, --port;
                                        --certfile/--keyfile: https)
    python main.py migrate              apply database migrations
    python main.py create-admin ...     create an admin account (scriptable set-up)
    python main.py seed-demo            load the manual's example office
    python main.py backup [PATH]        consistent backup of the database + uploaded files
    python main.py restore PATH         restore a backup (server stopped)

The data folder is ./data or $GOGAEK_DATA_DIR; the database is $DATABASE_URL or SQLite in it.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import secrets
import socket
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

from core.korean import josa

# NiceGUI reads its storage folder when imported: keep browser storage inside the data folder.
os.environ.setdefault(
    "NICEGUI_STORAGE_PATH", str(Path(os.environ.get("GOGAEK_DATA_DIR", "data")).resolve() / ".nicegui")
)

from fastapi.responses import JSONResponse
from nicegui import app, ui
from tortoise.contrib.fastapi import RegisterTortoise

from core.audit import SYSTEM
from core.db import migrate, open_database, tortoise_config
from core.errors import ValidationError
from core.logs import setup_logging
from core.settings import Settings, get_settings, reload_settings, use_office_timezone
from services import lifecycle
from services.office_network import office_urls, systemd_unit

TITLE = "Gogaek 고객관리"
UNCONNECTED_CLIENT_SECONDS = 15.0
UNCONNECTED_PRUNE_SECONDS = 2.0


def _storage_secret(settings: Settings) -> str:
    """Signs the browser cookie; made once per installation and kept in the data folder."""
    path = settings.data_dir / ".storage_secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


async def _on_database_ready() -> None:
    from services.codes import seed_codes
    from services.html_templates import seed_default_template

    await seed_codes()
    await seed_default_template()


def _install_lifespan() -> None:
    """Migrate, then open the ORM around NiceGUI's own lifespan. The original lifespan is kept on
    the router so that building the app again (tests re-run this file) does not stack ORMs."""
    router = app.router
    original = router.__dict__.setdefault("_gogaek_original_lifespan", router.lifespan_context)

    @asynccontextmanager
    async def lifespan(asgi_app):
        await migrate()
        async with RegisterTortoise(app, config=tortoise_config()):
            await _on_database_ready()
            await lifecycle.start_background()
            try:
                async with original(asgi_app):
                    yield
            finally:
                await lifecycle.stop_background()

    router.lifespan_context = lifespan


async def healthz() -> JSONResponse:
    from services.health import health_report

    report = await health_report()
    return JSONResponse(report, status_code=200 if report["ok"] else 503)


async def _upload_allowed(client_id: str, browser_id: str | None) -> bool:
    """An upload goes to a signed-in page, from the browser that opened that page, while the
    page's session and account still hold (checked now, like every other action)."""
    from nicegui import Client

    from pages.frame import page_may_act, signed_in_clients

    client = Client.instances.get(client_id)
    if client is None or browser_id is None or client_id not in signed_in_clients:
        return False
    try:
        owner = client.request.session.get("id")
    except (ValueError, AssertionError):  # a page built without a request or a session
        return False
    return owner == browser_id and await page_may_act(client_id)


def _prune_unconnected_clients() -> None:
    """A page whose browser never opens its websocket (a probe, a link preview, a closed tab)
    keeps its whole element tree; NiceGUI frees it only a minute after it was made, too late when
    thousands arrive. Here it is freed UNCONNECTED_CLIENT_SECONDS after the page was sent: a slow
    tablet connects well within that, a page still being built is not touched, and a page that
    connected once is left to NiceGUI's reconnect_timeout."""
    from nicegui import Client

    from core.security import RESPONSE_STARTED

    sent_before = time.monotonic() - UNCONNECTED_CLIENT_SECONDS
    for client in list(Client.instances.values()):
        request = client._request  # the page's request; None for NiceGUI's own pages
        if client.has_socket_connection or client._delete_tasks or request is None:
            continue
        if request.scope.get(RESPONSE_STARTED, sent_before + 1) <= sent_before:
            client.delete()


def _open_pages() -> dict[str, int]:
    """Pages the server holds in memory, and how many of them have their browser connected."""
    from nicegui import Client

    clients = list(Client.instances.values())
    return {"open": len(clients), "connected": sum(client.has_socket_connection for client in clients)}


def _harden(settings: Settings) -> None:
    from nicegui import core

    from core.security import SecurityHeadersMiddleware, UploadLimitMiddleware, UploadSessionMiddleware

    app.add_middleware(UploadLimitMiddleware, limit_bytes=settings.upload_limit_bytes)
    app.add_middleware(UploadSessionMiddleware, allowed=_upload_allowed)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.uses_tls)
    core.sio.eio.cors_allowed_origins = None  # websocket: same origin only
    app.on_startup(lambda: app.timer(UNCONNECTED_PRUNE_SECONDS, _prune_unconnected_clients))


def build_app() -> Settings:
    """Wire the whole application onto NiceGUI's app. Returns the settings used."""
    from services.backup import DailyBackups
    from services.health import register_status

    use_office_timezone()
    settings = reload_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _install_lifespan()
    _harden(settings)
    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    backups = DailyBackups()
    lifecycle.register_background("backups", backups.start, backups.stop)
    register_status("backup", backups.status)
    register_status("pages", _open_pages)
    from telephony.runtime import install as install_telephony

    install_telephony(app)

    from pages import register_pages

    register_pages()
    return settings


def run_kwargs(settings: Settings) -> dict:
    tls = {"ssl_certfile": str(settings.tls_certfile), "ssl_keyfile": str(settings.tls_keyfile)}
    return {
        **(tls if settings.uses_tls else {}),
        "title": TITLE,
        "language": "ko-KR",
        "favicon": "📇",
        "reload": False,
        "show": False,
        "show_welcome_message": False,
        "storage_secret": _storage_secret(settings),
        "session_middleware_kwargs": {"same_site": "lax", "https_only": settings.uses_tls},
        "reconnect_timeout": 10.0,
    }


def _restrict_permissions(data_dir: Path) -> None:
    """Only the account running the server may read the data folder: the database, backups,
    uploaded files, session storage, logs and the cookie secret hold the office's customers.
    New files get owner-only permissions from the umask; files made before are corrected."""
    os.umask(0o077)
    if os.name == "nt":  # Windows: the folder's ACL decides
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    for root, folders, files in os.walk(data_dir):
        for name in folders:
            _chmod_quietly(Path(root) / name, 0o700)
        for name in files:
            _chmod_quietly(Path(root) / name, 0o600)


def _chmod_quietly(path: Path, mode: int) -> None:
    try:
        if not path.is_symlink() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:  # removed meanwhile, or another owner's: the umask still covers new files
        pass


def _fail(message: str) -> None:
    print(f"오류: {message}", file=sys.stderr)
    raise SystemExit(2)


def _check_data_dir(settings: Settings) -> None:
    try:
        _restrict_permissions(settings.data_dir)
        probe = settings.data_dir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        _fail(
            f"데이터 폴더 {settings.data_dir}에 쓸 수 없습니다 ({error.strerror}). "
            "폴더 권한을 확인하거나 GOGAEK_DATA_DIR로 다른 폴더를 지정하세요."
        )


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            _fail(
                f"포트 {port}{josa(port, '을')} 이미 다른 프로그램이 사용 중입니다. --port 로 다른 포트를 지정하세요."
            )


def _use_tls_files(certfile: str | None, keyfile: str | None) -> None:
    """--certfile/--keyfile win over GOGAEK_TLS_CERT/GOGAEK_TLS_KEY; both or neither."""
    if certfile:
        os.environ["GOGAEK_TLS_CERT"] = certfile
    if keyfile:
        os.environ["GOGAEK_TLS_KEY"] = keyfile
    paths = [os.environ.get(name, "").strip() for name in ("GOGAEK_TLS_CERT", "GOGAEK_TLS_KEY")]
    if any(paths) and not all(paths):
        _fail("HTTPS에는 인증서(--certfile)와 개인 키(--keyfile)가 모두 필요합니다.")
    for path in filter(None, paths):
        if not Path(path).is_file():
            _fail(f"인증서 또는 키 파일 {path}{josa(path, '이')} 없습니다.")


def serve(host: str, port: int, certfile: str | None = None, keyfile: str | None = None) -> None:
    from services.attachments import clear_pending_uploads
    from services.backup import BackupError, server_lock

    use_office_timezone()
    _use_tls_files(certfile, keyfile)
    settings = reload_settings()
    _check_data_dir(settings)
    _check_port(host, port)
    setup_logging(settings.data_dir)
    print(
        f"{TITLE}: 사무실의 PC와 태블릿에서 다음 주소로 접속하세요 (설정 → 접속 주소에 QR 코드가 있습니다)."
    )
    for url in office_urls(host, port, tls=settings.uses_tls):
        print(f"  {url}", flush=True)
    try:
        with server_lock(settings):
            clear_pending_uploads()
            build_app()
            ui.run(host=host, port=port, **run_kwargs(settings))
    except BackupError as error:
        _fail(f"{error} 서버를 두 번 실행할 수 없습니다.")


def _service_file(host: str, port: int) -> None:
    settings = get_settings()
    print(
        systemd_unit(
            folder=Path(__file__).resolve().parent,
            python=sys.executable,
            user=getpass.getuser(),
            data_dir=settings.data_dir,
            host=host,
            port=port,
        ),
        end="",
    )


def _backup(target: str | None) -> None:
    from services.backup import BackupError, create_backup

    try:
        path = create_backup(Path(target) if target else None)
    except BackupError as error:
        _fail(str(error))
    print(f"백업했습니다: {path} (integrity_check ok)")


def _restore(source: str, assume_yes: bool) -> None:
    from services.backup import BackupError, restore_backup

    if not assume_yes:
        print("복원하면 현재 데이터베이스와 첨부파일·약도·직인이 백업 시점의 것으로 바뀝니다.")
        print("(지금 자료는 데이터 폴더의 before-restore-… 폴더에 보관됩니다.)")
        if input("계속하려면 '복원'을 입력하세요: ").strip() != "복원":
            _fail("복원을 취소했습니다.")
    try:
        aside = restore_backup(Path(source))
    except BackupError as error:
        _fail(str(error))
    print(f"복원했습니다. 이전 자료: {aside}")


async def _create_admin(login: str, password: str, name: str) -> None:
    from models.staff import Role
    from services.auth import create_staff

    async with open_database():
        try:
            staff = await create_staff(login=login, name=name, password=password, role=Role.ADMIN, by=SYSTEM)
        except ValidationError as error:
            _fail(str(error))
        print(f"관리자 '{staff.login}' ({staff.name}){josa(staff.login, '을')} 만들었습니다.")


async def _seed_demo() -> None:
    from services.codes import seed_codes
    from services.demo import seed_demo

    async with open_database():
        await seed_codes()
        for line in await seed_demo():
            print(line)


def _address_options(
    parser: argparse.ArgumentParser,
    default_host: object = argparse.SUPPRESS,
    default_port: object = argparse.SUPPRESS,
    default_tls: object = argparse.SUPPRESS,
) -> None:
    """--host/--port (and --certfile/--keyfile for HTTPS), accepted before `serve` and after it (where an absent option keeps the
    value given before)."""
    parser.add_argument("--host", default=default_host, help="서버 주소 (기본 0.0.0.0: 사무실 네트워크 전체)")
    parser.add_argument("--port", type=int, default=default_port, help="서버 포트 (기본 8080)")
    parser.add_argument(
        "--certfile", default=default_tls, help="HTTPS 인증서 파일 (PEM; 또는 GOGAEK_TLS_CERT)"
    )
    parser.add_argument(
        "--keyfile", default=default_tls, help="HTTPS 개인 키 파일 (PEM; 또는 GOGAEK_TLS_KEY)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python main.py", description=f"{TITLE}: 실행과 관리 명령")
    _address_options(parser, default_host="0.0.0.0", default_port=8080, default_tls=None)
    commands = parser.add_subparsers(dest="command", metavar="명령")
    _address_options(commands.add_parser("serve", help="서버 실행 (명령을 생략하면 이것)"))
    commands.add_parser("migrate", help="데이터베이스 구조를 최신으로 맞춤 (서버 시작 때도 자동 실행)")
    admin = commands.add_parser("create-admin", help="관리자 계정 만들기 (설치 스크립트용)")
    admin.add_argument("--login", required=True, help="관리자 아이디")
    admin.add_argument("--password", help="비밀번호 (생략하면 물어봄)")
    admin.add_argument("--name", default="관리자", help="이름 (기본 '관리자')")
    commands.add_parser("seed-demo", help="매뉴얼의 예제 회사·접수·견적 등 체험용 데이터 넣기")
    _address_options(
        commands.add_parser(
            "service-file",
            help="부팅할 때 서버를 시작하는 systemd 서비스 파일 출력 (README의 '부팅 시 실행')",
        )
    )
    backup = commands.add_parser(
        "backup", help="데이터베이스와 첨부파일·약도·직인 백업 (서버 실행 중에도 안전)"
    )
    backup.add_argument("path", nargs="?", help="백업 파일 또는 폴더 (기본: 데이터 폴더/backups)")
    restore = commands.add_parser("restore", help="백업 파일로 복원 (서버를 먼저 종료해야 함)")
    restore.add_argument("path", help="복원할 백업 파일 (.tar.gz)")
    restore.add_argument("--yes", action="store_true", help="확인 질문 없이 복원 (스크립트용)")
    args = parser.parse_args(argv)

    use_office_timezone()
    settings = reload_settings()
    if args.command in (None, "serve"):
        serve(args.host, args.port, args.certfile, args.keyfile)
        return
    if args.command == "service-file":
        _service_file(args.host, args.port)
        return
    _check_data_dir(settings)
    setup_logging(settings.data_dir)
    if args.command == "migrate":
        asyncio.run(migrate())
        print("데이터베이스가 최신 상태입니다.")
    elif args.command == "create-admin":
        password = args.password or getpass.getpass("비밀번호: ")
        asyncio.run(_create_admin(args.login, password, args.name))
    elif args.command == "seed-demo":
        asyncio.run(_seed_demo())
    elif args.command == "backup":
        _backup(args.path)
    elif args.command == "restore":
        _restore(args.path, args.yes)


if __name__ in {"__main__", "__mp_main__"}:
    if os.environ.get("NICEGUI_USER_SIMULATION"):  # NiceGUI's page tests run this file
        ui.run(**run_kwargs(build_app()))
    else:
        main()
