"""The pages' URL parameters, read one way everywhere: a whole number is ASCII digits (``"²".isdigit()``
is true, and ``int("²")`` fails), of a bounded length, in its range; anything else is a
:class:`ParameterError` whose message names the parameter, what it must be, and what it was."""

from __future__ import annotations

#: The most characters a whole-number parameter may have: enough for any range a page offers, and
#: far below what makes ``int()`` slow or refuse (Python refuses more than 4300 digits).
MAX_DIGITS = 12


class ParameterError(ValueError):
    """A URL parameter that is not what its page accepts (HTTP 400)."""


def shown(value: str, length: int = 40) -> str:
    """``value`` as a message quotes it: its ``repr``, cut to about ``length`` characters."""
    return repr(value) if len(value) <= length else repr(value[:length]) + f"… ({len(value)} characters)"


def whole_number(args, name: str, default: int | None, low: int, high: int) -> int | None:
    """The parameter ``name`` of ``args`` (a Werkzeug ``MultiDict``; the first value counts) as a whole
    number from ``low`` to ``high``; ``default`` when it is absent or empty."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not (len(raw) <= MAX_DIGITS and raw.isascii() and raw.isdigit() and low <= int(raw) <= high):
        raise ParameterError(f"{name} must be a whole number from {low} to {high}, not {shown(raw)}")
    return int(raw)
