"""The launcher form's words: parameter values as typed, pattern mismatches in words."""

from __future__ import annotations


def value_text(value: object) -> str:
    """A parameter value as the operator types it (`true`, not `True`)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def pattern_error(name: str, value: str, pattern: str, secret: bool = False) -> str:
    """A pattern mismatch in words, then the pattern itself."""
    kinds = [word for token, word in (("a-z", "lowercase letters"), ("A-Z", "capital letters"),
                                      ("0-9", "digits"), ("\\d", "digits"))
             if token in pattern]
    if "-]" in pattern or "-" in pattern.replace("a-z", "").replace("A-Z", "").replace("0-9", ""):
        kinds.append("hyphens")
    if "_" in pattern:
        kinds.append("underscores")
    kinds = list(dict.fromkeys(kinds))
    words = (" and ".join([", ".join(kinds[:-1]), kinds[-1]]) if len(kinds) > 1
             else "".join(kinds))
    shown = "the value" if secret else repr(value)
    use = f" use only {words}, in the form" if words else " it must have the form"
    return f"{shown} is not a valid {name}:{use} the runbook sets (pattern {pattern})."
