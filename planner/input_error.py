"""Bad input in one named field, as the planner's plain-Python parsers report it (no Django here)."""

from __future__ import annotations


class InputError(ValueError):
    """A value that cannot be used; `field` names it (dotted for nested input, e.g. `labs.ferritin.unit`),
    `message` says why, and `str()` is one line: `field: message`."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")
