"""The query check done before a query reaches the store; it lives in :mod:`natoasia.web.querycheck`."""

from __future__ import annotations

from .querycheck import QUERY_FORMS, UPDATE_VERBS, QuerySyntaxError, Scan, decode_escapes, scan

__all__ = ["QUERY_FORMS", "UPDATE_VERBS", "QuerySyntaxError", "Scan", "decode_escapes", "scan"]
