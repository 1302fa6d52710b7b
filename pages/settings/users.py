"""설정 → 사용자 관리 (admin only): create, edit, disable staff, reset passwords."""

from __future__ import annotations

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from models.codes import CodeKind
from models.staff import Role, Staff
from pages.components.change_history import change_history_button
from pages.components.dialogs import TransientDialog
from pages.components.forms import FieldErrors, save_with_feedback
from pages.components.list_output import dated, export_excel, print_list
from pages.components.paged_table import spec_columns
from pages.components.record_dialog import RecordDialog
from pages.components.row_select import select_on_click
from pages.frame import protected_page
from services import auth, codes, staff
from services.list_spec import ListColumn, ListSpec

ROLE_LABELS = {Role.ADMIN: "관리자", Role.STAFF: "사원"}

# the list of accounts, on the screen, in Excel and printed (never a password or its hash)
USERS = ListSpec(
    "사용자",
    (
        ListColumn("login", "아이디", width=16, sortable=True),
        ListColumn("name", "이름", width=14, sortable=True),
        ListColumn("role_label", "권한", width=10, value=lambda m: ROLE_LABELS[m.role]),
        ListColumn("extension", "내선", width=10),
        ListColumn("active_label", "상태", width=8, value=lambda m: "사용" if m.active else "중지"),
        ListColumn(
            "password_changed", "비밀번호 변경일", "datetime", width=18, value=lambda m: m.password_changed_at
        ),
    ),
    landscape=False,
)


def _row(member: Staff) -> dict:
    return {
        **USERS.table_row(member),
        "id": member.id,
        "role": member.role.value,
        "active": member.active,
        "department_id": member.department_id,
        "email": member.email,
        "mobile": member.mobile,
        "version": member.version,
    }


def register() -> None:
    @protected_page("/settings/users", "사용자 관리", admin=True)
    async def users_page(actor: Actor) -> None:
        departments = await codes.code_choices(CodeKind.DEPARTMENT)

        async def reload() -> None:
            table.rows = [_row(m) for m in await staff.list_staff()]
            table.selected = []
            table.update()

        def selected() -> dict | None:
            if not table.selected:
                ui.notify("먼저 사용자를 선택하세요.", type="warning")
                return None
            return table.selected[0]

        def open_editor(row: dict | None) -> None:
            editing = row is not None
            editor = RecordDialog(
                "사용자 수정" if editing else "사용자 추가", version=row["version"] if row else None
            )
            with editor.card:
                login = (
                    ui.input("아이디", value=row["login"] if row else "")
                    .props("outlined dense")
                    .mark("user-login")
                )
                if editing:
                    login.props("readonly")
                name = (
                    ui.input("이름", value=row["name"] if row else "")
                    .props("outlined dense")
                    .mark("user-name")
                )
                password = None
                if not editing:
                    password = (
                        ui.input("초기 비밀번호 (8자 이상)", password=True)
                        .props("outlined dense")
                        .mark("user-password")
                    )
                role = (
                    ui.select(
                        {r.value: label for r, label in ROLE_LABELS.items()},
                        label="권한",
                        value=row["role"] if row else Role.STAFF.value,
                    )
                    .props("outlined dense")
                    .mark("user-role")
                )
                extension = (
                    ui.input("내선번호", value=row["extension"] if row else "")
                    .props("outlined dense")
                    .mark("user-extension")
                )
                department = ui.select(
                    departments, label="부서", value=row["department_id"] if row else None, clearable=True
                ).props("outlined dense")
                email = ui.input("이메일", value=row["email"] if row else "").props("outlined dense")
                mobile = ui.input("휴대폰", value=row["mobile"] if row else "").props("outlined dense")
                active = ui.checkbox("사용", value=row["active"] if row else True).mark("user-active")
                for element in (login, name, password, role, extension, department, email, mobile):
                    if element is not None:
                        element.classes("w-full")
                errors = FieldErrors(
                    {"login": login, "name": name, "role": role, "active": active}
                    | ({"password": password} if password else {})
                )

                async def load_latest() -> None:
                    assert row is not None
                    try:
                        latest = await staff.get_staff(row["id"])
                    except GogaekError as error:
                        ui.notify(str(error), type="negative", multi_line=True)
                        return
                    errors.clear()
                    name.value, role.value, extension.value = latest.name, latest.role.value, latest.extension
                    department.value, email.value, mobile.value = (
                        latest.department_id,
                        latest.email,
                        latest.mobile,
                    )
                    active.value = latest.active
                    editor.reloaded(latest.version)

                async def save() -> None:
                    if editing:
                        saving = staff.update_staff(
                            row["id"],
                            by=actor,
                            version=editor.version,
                            name=name.value or "",
                            role=Role(role.value),
                            extension=extension.value or "",
                            active=active.value,
                            department_id=department.value,
                            email=email.value or "",
                            mobile=mobile.value or "",
                        )
                    else:
                        saving = staff.add_staff(
                            by=actor,
                            login=login.value or "",
                            name=name.value or "",
                            password=password.value or "",
                            role=Role(role.value),
                            extension=extension.value or "",
                            department_id=department.value,
                            email=email.value or "",
                            mobile=mobile.value or "",
                            active=active.value,
                            form_token=editor.form_token,
                        )
                    fields = errors.fields | {
                        "extension": extension,
                        "department": department,
                        "email": email,
                        "mobile": mobile,
                    }
                    if (
                        await save_with_feedback(
                            saving, errors, reapply=editor.reapply, reload=load_latest, fields=fields
                        )
                        is None
                    ):
                        return
                    ui.notify("저장했습니다.", type="positive")
                    editor.done()
                    await reload()

            editor.open(save, prefix="user")

        def edit_selected() -> None:
            if row := selected():
                open_editor(row)

        def reset_password() -> None:
            if not (row := selected()):
                return
            with TransientDialog() as dialog, ui.card().classes("w-96"):
                ui.label(f"{row['name']}({row['login']})의 비밀번호 초기화").classes("text-h6")
                ui.label("새 비밀번호를 정해 본인에게 알려 주세요. 열려 있는 로그인은 모두 끊깁니다.")
                new_password = (
                    ui.input("새 비밀번호", password=True)
                    .props("outlined dense")
                    .classes("w-full")
                    .mark("reset-password")
                )
                errors = FieldErrors({"password": new_password})

                async def submit() -> None:
                    try:
                        await staff.reset_password(row["id"], by=actor, new_password=new_password.value or "")
                    except GogaekError as error:
                        errors.refuse(error)
                        return
                    auth.unlock_login(row["login"])
                    ui.notify("비밀번호를 초기화했습니다.", type="positive")
                    dialog.close()

                with ui.row().classes("w-full justify-end"):
                    ui.button("초기화", on_click=submit).mark("reset-submit")
                    ui.button("닫기", on_click=dialog.close).props("flat")
            dialog.open()

        def unlock() -> None:
            if row := selected():
                auth.unlock_login(row["login"])
                ui.notify(f"{row['name']}의 로그인 잠금을 풀었습니다.")

        async def excel(event) -> None:
            await export_excel(
                actor, USERS, staff.staff_for_export(by=actor), dated("사용자", "xlsx"), button=event.sender
            )

        async def print_users(event) -> None:
            await print_list(
                actor,
                USERS,
                staff.staff_for_export(by=actor),
                dated("사용자", "pdf"),
                preview_title="사용자 인쇄",
                button=event.sender,
            )

        with ui.row().classes("items-center gap-1"):
            ui.label("사용자 관리").classes("text-h6")
            ui.button("추가", icon="person_add", on_click=lambda: open_editor(None)).props(
                "flat no-caps"
            ).mark("user-add")
            ui.button("수정", icon="edit", on_click=edit_selected).props("flat no-caps").mark("user-edit")
            ui.button("비밀번호 초기화", icon="lock_reset", on_click=reset_password).props(
                "flat no-caps"
            ).mark("user-reset")
            ui.button("잠금 해제", icon="lock_open", on_click=unlock).props("flat no-caps")
            ui.button("엑셀", icon="grid_on", on_click=excel).props("flat no-caps").mark("user-excel")
            ui.button("인쇄", icon="print", on_click=print_users).props("flat no-caps").mark("user-print")
            change_history_button(
                "staff", lambda: table.selected[0]["id"] if table.selected else "먼저 사용자를 선택하세요."
            )
        table = (
            ui.table(columns=spec_columns(USERS), rows=[], row_key="id", selection="single", pagination=50)
            .props("dense flat bordered")
            .classes("w-full")
            .mark("users-table")
        )
        table.on("rowDblclick", lambda e: open_editor(e.args[1]))
        select_on_click(table)
        await reload()
