"""Size limits stated at the field, never silent: `limit_text(field, maximum)` shows a counter and
refuses a paste that would go over the limit with a Korean message, keeping the text as it was.
Every page with a form also refuses any paste over PASTE_LIMIT (megabytes of text freeze the tab)."""

from __future__ import annotations

from nicegui import Client, ui

from core.limits import PASTE_LIMIT

# runs once per browser tab; the listener captures the paste before the field sees it
_INSTALL = f"""
if (!window.gogaekPasteGuard) {{
  window.gogaekPasteGuard = true;
  document.addEventListener('paste', (e) => {{
    const input = e.target;
    if (!input || !('value' in input) || typeof input.value !== 'string') return;
    const field = input.closest('[data-max]');
    const max = field ? Number(field.dataset.max) : {PASTE_LIMIT};
    const text = (e.clipboardData || window.clipboardData).getData('text') || '';
    const replaced = (input.selectionEnd ?? 0) - (input.selectionStart ?? 0);
    const after = input.value.length - replaced + text.length;
    if (after <= max) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    Quasar.Notify.create({{
      type: 'negative',
      multiLine: true,
      message: `붙여넣지 않았습니다: ${{max.toLocaleString()}}자까지 입력할 수 있는데 붙여넣으면 ${{after.toLocaleString()}}자가 됩니다. 줄여서 다시 붙여넣으세요.`,
    }});
  }}, true);
}}
"""


def install_paste_guard(client: Client | None = None) -> None:
    client = client or ui.context.client
    if getattr(client, "_gogaek_paste_guard", False):
        return
    client._gogaek_paste_guard = True  # type: ignore[attr-defined]
    client.run_javascript(_INSTALL)


def limit_text(field: ui.input | ui.textarea, maximum: int) -> ui.input | ui.textarea:
    """A counter (typed / maximum) and a paste over `maximum` refused at the field."""
    field.props(f"counter maxlength={maximum} data-max={maximum}")
    install_paste_guard(field.client)
    return field
