"""The article's sections: its four headings and the paragraph each starts at."""

from __future__ import annotations

#: The article's four headings and the paragraph each starts at (``nat:paragraph`` counts without headings);
#: ``tests/test_browse.py`` checks them against article.txt.
SECTIONS = ((1, "Introduction"), (3, "Why is NATO interested in the Asia-Pacific?"),
            (27, "NATO and Asia: the way ahead"), (33, "Conclusion"))


def section_of(paragraph: int) -> int:
    """The number (from 1) of the article section a paragraph stands in."""
    return max(number for number, (first, _) in enumerate(SECTIONS, start=1) if paragraph >= first)
