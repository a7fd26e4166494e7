"""The pages' whole-number parameters (``site/params.py``): ASCII digits only, a bounded length, a range;
anything else a ParameterError naming the parameter, its range and what it was.

No app: these are the fast tests that kill ``site/params.py``'s mutants (``tools/mutation.py``).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from natoasia.site.params import MAX_DIGITS, ParameterError, shown, whole_number


def read(value, default=7, low=1, high=100):
    return whole_number(MultiDict([("n", value)] if value is not None else []), "n", default, low, high)


def refused(value, low=1, high=100) -> str:
    with pytest.raises(ParameterError) as caught:
        read(value, low=low, high=high)
    return str(caught.value)


def test_absent_or_empty_is_the_default():
    assert read(None) == 7 and read("") == 7 and read(None, default=None) is None


def test_the_range_is_inclusive():
    assert (read("1"), read("100"), read("0001"), read("42")) == (1, 100, 1, 42)
    assert refused("0") == "n must be a whole number from 1 to 100, not '0'"
    assert refused("101") == "n must be a whole number from 1 to 100, not '101'"


@pytest.mark.parametrize("value", ["²", "٣", "１２", "𝟙", "-1", "+1", " 1", "1 ", "1.0", "1e2", "0x1", "one", "1_0"])
def test_only_ascii_digits_are_a_whole_number(value):
    """The issue's 500s: ``"²".isdigit()`` is true and ``int("²")`` raises; ``int(" 1")`` and ``int("1_0")``
    accept what is no whole number."""
    assert refused(value) == f"n must be a whole number from 1 to 100, not {value!r}"


def test_a_long_run_of_digits_is_refused_before_int_reads_it():
    """``int()`` of more than 4300 digits raises; a run as long as ``MAX_DIGITS`` is still read."""
    assert read("0" * (MAX_DIGITS - 1) + "5") == 5
    too_long = "0" * MAX_DIGITS + "5"
    assert refused(too_long) == f"n must be a whole number from 1 to 100, not {too_long!r}"
    assert "(5000 characters)" in refused("9" * 5000, high=10**30)


def test_messages_quote_at_most_a_few_dozen_characters():
    assert shown("x" * 40) == repr("x" * 40)
    assert shown("x" * 41) == repr("x" * 40) + "… (41 characters)"
    assert shown("ab", length=1) == "'a'… (2 characters)"


@given(st.text(max_size=20))
def test_whatever_the_text_it_is_a_number_in_range_or_a_parameter_error(text):
    try:
        number = read(text)
    except ParameterError as exc:
        assert str(exc).startswith("n must be a whole number from 1 to 100, not ")
    else:
        assert 1 <= number <= 100 and (text == "" or (text.isascii() and text.isdigit() and int(text) == number))


def test_a_whole_number_may_have_twelve_characters_and_no_more():
    """Twelve: every page's range (at most 10 000) with leading zeros to spare, and far below the 4300
    digits at which ``int()`` refuses."""
    assert MAX_DIGITS == 12 and read("0" * 11 + "1") == 1
    assert refused("0" * 12 + "1") == f"n must be a whole number from 1 to 100, not {'0' * 12 + '1'!r}"
