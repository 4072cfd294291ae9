"""The Graph tab's small expression language, read by a hand-written tokenizer and parser.

Nothing the user types is ever handed to ``eval``/``exec`` or to Python's own parser: text
becomes tokens, tokens become a tree of the node types below, and :mod:`models.expressions`
turns that tree into PyTensor variables. Every limit is checked *before* the work it bounds
(bracket depth while tokenizing, recursion depth before recursing), so hostile text —
10,000 nested parentheses, a tower of exponents, ``__import__('os')`` — ends in an
:class:`ExpressionError` with a position, never in a hang or a traceback.

Grammar (statements are separated by newlines or ``;``; ``#`` starts a comment)::

    statement := NAME '=' expr | expr
    expr      := term (('+' | '-') term)*
    term      := unary (('*' | '/' | '@') unary)*
    unary     := ('-' | '+') unary | power
    power     := atom ('**' unary)?
    atom      := NUMBER | array | NAME | NAME '(' [expr (',' expr)*] ')' | '(' expr ')'
    array     := '[' (NUMBER | '-' NUMBER | array) (',' ...)* ']'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.expression_tokens import (MAX_DEPTH, MAX_ELEMENTS, MAX_STATEMENTS, MAX_TEXT, MAX_VALUE_TEXT,
                                      PYTHON_WORDS, ExpressionError, Token, error_at, line_column, tokenize)

__all__ = ["MAX_DEPTH", "MAX_ELEMENTS", "MAX_TEXT", "ExpressionError", "Statement", "error_at", "line_column",
           "parse_program", "parse_value", "tokenize"]


# ----------------------------------------------------------------------------- syntax tree
@dataclass(frozen=True)
class Num:
    value: float
    offset: int
    depth: int = 1


@dataclass(frozen=True)
class Array:
    value: np.ndarray
    offset: int
    depth: int = 1


@dataclass(frozen=True)
class Name:
    id: str
    offset: int
    depth: int = 1


@dataclass(frozen=True)
class Unary:
    op: str
    operand: object
    offset: int
    depth: int = 1


@dataclass(frozen=True)
class Binary:
    op: str
    left: object
    right: object
    offset: int
    depth: int = 1


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple
    offset: int
    depth: int = 1


@dataclass(frozen=True)
class Statement:
    target: str | None
    value: object
    offset: int


# ----------------------------------------------------------------------------- parser
class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text, self.tokens, self.i, self.level = text, tokens, 0, 0

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def error(self, message: str, token: Token | None = None) -> ExpressionError:
        return error_at(self.text, (token or self.token).offset, message)

    def take(self, text: str | None = None) -> Token:
        token = self.token
        if text is not None and token.text != text:
            found = "the end of the line" if token.kind == "end" or token.text == ";" else repr(token.text)
            raise self.error(f"expected {text!r} but found {found}")
        self.i += 1
        return token

    def enter(self) -> None:
        """Called before every recursive descent, so depth is bounded before Python's stack is used."""
        self.level += 1
        if self.level > MAX_DEPTH:
            raise self.error(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")

    def node(self, cls, *args, offset: int):
        depth = 1 + max((getattr(a, "depth", 0) for a in _children(args)), default=0)
        if depth > MAX_DEPTH:
            raise error_at(self.text, offset, f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")
        return cls(*args, offset=offset, depth=depth)

    # -- statements ---------------------------------------------------------------------------
    def program(self) -> list[Statement]:
        statements = []
        while self.token.kind != "end":
            if self.token.text == ";":
                self.take()
                continue
            statements.append(self.statement())
            if len(statements) > MAX_STATEMENTS:
                raise self.error(f"too many statements (at most {MAX_STATEMENTS})")
            if self.token.kind != "end":
                if self.token.text == "=":
                    raise self.error("only a single name can be assigned to (name = expression)")
                self.take(";") if self.token.text == ";" else self._unexpected()
        return statements

    def statement(self) -> Statement:
        start = self.token
        if start.kind == "name" and self.tokens[self.i + 1].text == "=":
            if start.text in PYTHON_WORDS:
                raise self.error(f"{start.text!r} is a Python word, not part of this language")
            self.i += 2
            return Statement(start.text, self.expr(), start.offset)
        return Statement(None, self.expr(), start.offset)

    def _unexpected(self):
        token = self.token
        if token.kind == "name" and token.text in PYTHON_WORDS:
            raise self.error(f"{token.text!r} is a Python word, not part of this language")
        if token.text == "[":
            raise self.error("indexing with [...] is not supported")
        if token.text == "(":
            raise self.error("only the listed functions can be called")
        raise self.error(f"unexpected {token.text!r}: is an operator missing?")

    # -- expressions --------------------------------------------------------------------------
    def expr(self):
        self.enter()
        left = self.term()
        while self.token.text in ("+", "-"):
            op = self.take()
            left = self.node(Binary, op.text, left, self.term(), offset=op.offset)
        self.level -= 1
        return left

    def term(self):
        left = self.unary()
        while self.token.text in ("*", "/", "@"):
            op = self.take()
            left = self.node(Binary, op.text, left, self.unary(), offset=op.offset)
        return left

    def unary(self):
        if self.token.text in ("-", "+"):
            op = self.take()
            self.enter()
            operand = self.unary()
            self.level -= 1
            return self.node(Unary, op.text, operand, offset=op.offset)
        return self.power()

    def power(self):
        base = self.atom()
        if self.token.text == "**":
            op = self.take()
            self.enter()
            exponent = self.unary()
            self.level -= 1
            return self.node(Binary, "**", base, exponent, offset=op.offset)
        return base

    def atom(self):
        token = self.token
        if token.kind == "num":
            self.take()
            return Num(token.value, token.offset)
        if token.text == "[":
            value = self.array()
            return Array(value, token.offset)
        if token.text == "(":
            self.take()
            inner = self.expr()
            self.take(")")
            return inner
        if token.kind == "name":
            self.take()
            if token.text in PYTHON_WORDS:
                raise self.error(f"{token.text!r} is a Python word, not part of this language", token)
            if self.token.text == "(":
                return self.call(token)
            return Name(token.text, token.offset)
        if token.kind == "end" or token.text == ";":
            raise self.error("the expression is incomplete")
        raise self.error(f"unexpected {token.text!r}")

    def call(self, name: Token):
        self.take("(")
        args = []
        while self.token.text != ")":
            if args:
                self.take(",")
            if self.token.kind == "name" and self.tokens[self.i + 1].text == "=":
                raise self.error("keyword arguments are not supported; pass values in order")
            args.append(self.expr())
        self.take(")")
        return self.node(Call, name.text, tuple(args), offset=name.offset)

    def array(self) -> np.ndarray:
        start = self.token
        rows = self._nested()
        try:
            value = np.array(rows, dtype=float)
        except ValueError:
            raise error_at(self.text, start.offset, "the rows of an array must all have the same length") from None
        if value.ndim > 2:
            raise error_at(self.text, start.offset, "arrays may have at most 2 dimensions")
        if value.size == 0:
            raise error_at(self.text, start.offset, "an array needs at least one number")
        return value

    def _nested(self) -> list:
        open_ = self.take("[")
        self.enter()
        items: list = []
        while self.token.text != "]":
            if items:
                self.take(",")
            if self.token.text == "[":
                items.append(self._nested())
            else:
                sign = -1.0 if self.token.text == "-" else 1.0
                if self.token.text in ("-", "+"):
                    self.take()
                if self.token.kind != "num":
                    raise self.error("array literals may contain only numbers")
                items.append(sign * self.take().value)
            if len(items) > MAX_ELEMENTS:
                raise error_at(self.text, open_.offset, f"the array is too large (at most {MAX_ELEMENTS} numbers)")
        self.take("]")
        self.level -= 1
        return items


def _children(args) -> list:
    out = []
    for a in args:
        out.extend(a if isinstance(a, tuple) else [a])
    return out


def parse_program(text: str) -> list[Statement]:
    """The statements of ``text``; raises :class:`ExpressionError` with a position."""
    return _Parser(text, tokenize(text)).program()


def parse_value(text: str) -> np.ndarray:
    """A number or a (nested) list of numbers, typed into an input field: ``2``, ``-1.5``, ``[1, 2]``, ``1, 2, 3``."""
    stripped = text.strip()
    if not stripped:
        raise ExpressionError("enter a number or a list like [1, 2, 3]")
    if not stripped.startswith("["):
        stripped = f"[{stripped}]" if "," in stripped else stripped
    parser = _Parser(stripped, tokenize(stripped, MAX_VALUE_TEXT))
    token = parser.token
    if token.text == "[":
        value = parser.array()
    else:
        sign = -1.0 if token.text == "-" else 1.0
        if token.text in ("-", "+"):
            parser.take()
        if parser.token.kind != "num":
            raise parser.error("enter a number or a list like [1, 2, 3]")
        value = np.array(sign * parser.take().value)
    if parser.token.kind != "end":
        raise parser.error("enter only one number or one list")
    if value.size > MAX_ELEMENTS:
        raise ExpressionError(f"the value is too large (at most {MAX_ELEMENTS} numbers)")
    return value
