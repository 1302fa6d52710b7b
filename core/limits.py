"""How long typed text may be: one place for the limits the screens state (a counter on memo
fields) and the browser enforces on paste, next to the services' own checks."""

# a paste longer than this into a field without a stated limit is refused at the field: text of
# this size is never something typed into an office form, and megabytes of it freeze the tab
PASTE_LIMIT = 100_000


def too_long(length: int, maximum: int) -> str:
    return f"{maximum:,}자까지 입력할 수 있습니다 (지금 {length:,}자)."
