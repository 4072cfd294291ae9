"""Tokens of the Graph tab's expression language, and the error every limit or mistake becomes.

Part of the hand-written reader in :mod:`models.expression_parser`: text is scanned character by
character against a whitelist, so anything outside the language (quotes, dots, braces, …)
stops here with a message and a position. Bracket depth is counted while scanning, before any
parser recursion could see it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_TEXT = 4000
MAX_VALUE_TEXT = 40000
MAX_DEPTH = 40
MAX_STATEMENTS = 64
MAX_ELEMENTS = 10000
MAX_ABS_NUMBER = 1e15
#: Python words that mean nothing here; naming them gives a clearer message than "unexpected name".
PYTHON_WORDS = frozenset(
    "import from lambda def class return yield global nonlocal del exec eval open for while if else elif "
    "try except finally with as raise assert pass break continue async await not and or is in".split()
)
_ALIASES = {"×": "*", "·": "*", "÷": "/", "−": "-"}
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ExpressionError(ValueError):
    """Text that is not a valid program; ``line`` and ``column`` are 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0, offset: int = -1) -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.offset = message, line, column, offset

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}: " if self.line else ""
        return where + self.message


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    offset: int
    value: float = 0.0

def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def error_at(text: str, offset: int, message: str) -> ExpressionError:
    return ExpressionError(message, *line_column(text, offset), offset=offset)



# ----------------------------------------------------------------------------- tokenizer
def tokenize(text: str, max_length: int = MAX_TEXT) -> list[Token]:
    """Tokens of ``text``; newlines inside brackets are dropped, as in Python."""
    if len(text) > max_length:
        raise error_at(text, max_length, f"the text is too long ({len(text)} characters; at most {max_length})")
    tokens: list[Token] = []
    depth, i, n = 0, 0, len(text)
    while i < n:
        ch = _ALIASES.get(text[i], text[i])
        if ch == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif ch in " \t\r":
            i += 1
        elif ch == "\n" or ch == ";":
            if depth == 0:
                tokens.append(Token("op", ";", i))
            i += 1
        elif ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit() and not _follows_value(tokens, i)):
            i = _read_number(text, i, tokens)
        elif ch.isalpha() or ch == "_":
            match = _NAME.match(text, i)
            if match is None:
                raise error_at(text, i, f"names may use only the letters A–Z, digits and _ (found {ch!r})")
            tokens.append(Token("name", match.group(), i))
            i = match.end()
        elif text.startswith("**", i):
            tokens.append(Token("op", "**", i))
            i += 2
        elif ch in "+-*/@=,":
            if text.startswith("==", i):
                raise error_at(text, i, "comparisons (==) are not part of this language")
            tokens.append(Token("op", ch, i))
            i += 1
        elif ch in "([":
            depth += 1
            if depth > MAX_DEPTH:
                raise error_at(text, i, f"brackets are nested too deeply (more than {MAX_DEPTH} levels)")
            tokens.append(Token("op", ch, i))
            i += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                raise error_at(text, i, f"{ch!r} has no matching opening bracket")
            tokens.append(Token("op", ch, i))
            i += 1
        else:
            raise error_at(text, i, _bad_character_message(ch))
    tokens.append(Token("end", "", n))
    return tokens


def _follows_value(tokens: list[Token], offset: int) -> bool:
    last = tokens[-1] if tokens else None
    return last is not None and last.offset + len(last.text) == offset and (
        last.kind in ("name", "num") or last.text in (")", "]"))


def _read_number(text: str, i: int, tokens: list[Token]) -> int:
    match = _NUMBER.match(text, i)
    end = match.end()
    if end < len(text) and (text[end].isalpha() or text[end] == "_"):
        raise error_at(text, end, f"a number cannot be followed directly by {text[end]!r}: write 2*a, not 2a")
    if end < len(text) and text[end] == ".":
        raise error_at(text, end, "attribute access ('.') is not allowed")
    value = float(match.group())
    if not math.isfinite(value) or abs(value) > MAX_ABS_NUMBER:
        raise error_at(text, i, f"the number {match.group()[:20]} is too large (at most {MAX_ABS_NUMBER:g})")
    tokens.append(Token("num", match.group(), i, value))
    return end


def _bad_character_message(ch: str) -> str:
    if ch in "'\"":
        return "strings are not allowed: this language has only numbers, names and operators"
    if ch == ".":
        return "attribute access ('.') is not allowed"
    if ch == "^":
        return "use ** for powers (a ** 2)"
    if ch in "{}:<>!&|%~`$?\\":
        return f"{ch!r} is not part of this language"
    return f"unexpected character {ch!r}"
