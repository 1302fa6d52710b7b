"""설정 → 회사정보 (/settings/company, admin): our company block printed on quotes, and its stamp."""

from __future__ import annotations

from collections.abc import AsyncIterator

from nicegui import ui

from core.audit import Actor
from core.errors import GogaekError
from pages.components.attachments import CheckedUpload, read_upload
from pages.components.dialogs import confirm
from pages.components.forms import FieldErrors, save_with_feedback
from pages.components.leave_guard import FormGuard
from pages.components.save_action import SaveAction
from pages.frame import protected_page
from services import company


class CompanyScreen:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.version = 0

    async def build(self) -> None:
        info = await company.get_company()
        self.version = info.version
        ui.label("회사정보").classes("text-h6")
        ui.label("견적서 갑지의 공급자 칸에 인쇄됩니다.").classes("text-grey-8")
        with ui.card().classes("w-full max-w-[720px] p-3") as form:
            with ui.element("div").classes("grid grid-cols-1 sm:grid-cols-2 gap-x-3 gap-y-1 w-full"):
                self.name = ui.input("상호 *", value=info.name).mark("company-name")
                self.business_number = ui.input("사업자번호", value=info.business_number_display).mark(
                    "company-business-number"
                )
                self.representative = ui.input("대표자", value=info.representative).mark(
                    "company-representative"
                )
                self.phone = ui.input("전화", value=info.phone).mark("company-phone")
                self.business_type = ui.input("업태", value=info.business_type)
                self.business_item = ui.input("종목", value=info.business_item)
                self.fax = ui.input("팩스", value=info.fax)
                self.address = ui.input("주소", value=info.address).classes("sm:col-span-2")
            fields = {
                "name": self.name,
                "business_number": self.business_number,
                "representative": self.representative,
                "phone": self.phone,
                "business_type": self.business_type,
                "business_item": self.business_item,
                "fax": self.fax,
                "address": self.address,
            }
            for element in fields.values():
                element.props("dense outlined stack-label")
            self.errors = FieldErrors(fields)
            with ui.row().classes("w-full justify-end"):
                SaveAction(self.save, icon="save").props("unelevated no-caps").mark("company-save")
        self.guard = FormGuard(form)
        with ui.card().classes("w-full max-w-[720px] p-3 gap-2"):
            ui.label("도장 이미지 (선택)").classes("text-subtitle1")
            ui.label("PNG·JPG·GIF, 1MB 이하. 배경이 투명한 PNG가 가장 깔끔하게 인쇄됩니다.").classes(
                "text-caption text-grey-8"
            )
            with ui.row().classes("items-center gap-4"):
                self.stamp = ui.image().classes("w-24 h-24 border").mark("company-stamp")
                self.stamp_upload = CheckedUpload(
                    self.upload_stamp,
                    label="도장 올리기",
                    max_file_size=company.STAMP_LIMIT_BYTES,
                    multiple=False,
                ).on_rejected(lambda: ui.notify("1MB보다 큰 이미지는 올릴 수 없습니다.", type="negative"))
                self.stamp_upload.props("accept=image/png,image/jpeg,image/gif flat bordered").classes(
                    "w-64"
                ).mark("company-stamp-upload")
                self.remove_button = ui.button("도장 삭제", icon="delete", on_click=self.remove_stamp).props(
                    "flat no-caps color=negative"
                )
        await self.show_stamp(info)

    async def show_stamp(self, info: company.CompanyInfo) -> None:
        uri = await company.stamp_data_uri(info)
        self.stamp.set_source(uri)
        self.stamp.set_visibility(bool(uri))
        self.remove_button.set_visibility(bool(uri))

    async def save(self) -> None:
        info = await save_with_feedback(
            company.save_company(
                by=self.actor,
                version=self.version,
                name=self.name.value or "",
                business_number=self.business_number.value or "",
                representative=self.representative.value or "",
                business_type=self.business_type.value or "",
                business_item=self.business_item.value or "",
                address=self.address.value or "",
                phone=self.phone.value or "",
                fax=self.fax.value or "",
            ),
            self.errors,
            reapply=self.reapply,
            reload=self.reload,
        )
        if info is None:
            return
        self.show(info)
        ui.notify("회사정보를 저장했습니다.", type="positive")

    async def reapply(self, latest_version: int) -> None:
        self.version = latest_version  # my input on top of what is stored now
        await self.save()

    async def reload(self) -> None:
        self.show(await company.get_company())

    def show(self, info: company.CompanyInfo) -> None:
        """The stored values and their version; the form is clean."""
        self.errors.clear()
        self.version = info.version
        self.name.value = info.name
        self.business_number.value = info.business_number_display
        self.representative.value = info.representative
        self.phone.value = info.phone
        self.business_type.value = info.business_type
        self.business_item.value = info.business_item
        self.fax.value = info.fax
        self.address.value = info.address
        self.guard.saved()

    async def upload_stamp(self, filename: str, chunks: AsyncIterator[bytes]) -> None:
        """A refused file raises here: the uploader marks it failed and says why."""
        data = await read_upload(chunks, company.STAMP_LIMIT_BYTES)
        info = await company.save_stamp(by=self.actor, version=self.version, filename=filename, data=data)
        self.stamp_upload.reset()
        self.version = info.version
        await self.show_stamp(info)
        ui.notify("도장 이미지를 저장했습니다.", type="positive")

    async def remove_stamp(self) -> None:
        if not await confirm("견적서에 찍히는 도장 이미지를 삭제할까요?", action="삭제", danger=True):
            return
        try:
            info = await company.remove_stamp(by=self.actor, version=self.version)
        except GogaekError as error:
            ui.notify(str(error), type="negative", multi_line=True)
            return
        self.version = info.version
        await self.show_stamp(info)
        ui.notify("도장 이미지를 삭제했습니다.")


def register() -> None:
    @protected_page("/settings/company", "회사정보", admin=True)
    async def company_page(actor: Actor) -> None:
        await CompanyScreen(actor).build()
