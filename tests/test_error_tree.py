"""The error tree is enforced: every exception src/ raises belongs to chava.errors' tree, or to
the short allow-list below, each entry with its reason (issue 15)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import chava
from chava.errors import PublisherError

SOURCE = Path(chava.__file__).resolve().parent

PROGRAMMING_ERRORS = {
    "TypeError": "a caller misusing an API (a mutable setting default, a layer wrapped wrongly)",
    "ValueError": "a contract broken by the calling code or by files shipped inside the package "
    "(frames, manifests written by chava); never raised for what a user sends",
    "KeyError": "the lookup protocol of registries (formats, context versions): callers catch it",
    "NotImplementedError": "WSGI's write() callable, which nothing in chava calls",
    "StopIteration": "the iterator protocol",
    "AttributeError": "the attribute protocol of a module's __getattr__ (chava loads Settings on "
    "first use)",
    "OSError": "an I/O failure, caught next to the call as the operating system's own are",
    "click.UsageError": "the CLI edge itself: click reports a wrong combination of options",
}
"""Built-in exceptions src/ may raise: programming errors and protocols, never a user's error."""
INTERNAL = {
    "SandboxError": "a query worker's failure to isolate itself, said on its stderr",
}
"""Module-level exceptions used inside one module and caught there, never reaching an edge
(private `_...Error` classes are these too, checked the same way)."""


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def _raised(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """(line, expression, whether it is a call) of each `raise X` / `raise X(...)`."""
    raised = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            is_call = isinstance(node.exc, ast.Call)
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            raised.append((node.lineno, ast.unparse(target), is_call))
    return raised


def _caught_in(tree: ast.AST, name: str) -> bool:
    """Whether the module catches *name* (`except ...` or `contextlib.suppress(...)`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = ast.unparse(node.type)
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("suppress"):
            caught = " ".join(ast.unparse(argument) for argument in node.args)
        else:
            continue
        if name in caught:
            return True
    return False


def _in_tree(value: object) -> bool:
    if inspect.isclass(value):
        return issubclass(value, PublisherError)
    if callable(value):  # a helper building the error: its return annotation says which
        annotation = inspect.signature(value).return_annotation
        module = importlib.import_module(value.__module__)
        found = getattr(module, str(annotation), None) if isinstance(annotation, str) else None
        return inspect.isclass(found) and issubclass(found, PublisherError)
    return False


def _problems(module_name: str, path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = importlib.import_module(module_name)
    problems = []
    for line, expression, is_call in _raised(tree):
        where = f"{module_name}:{line}: raise {expression}"
        head = expression.split(".")[0]
        if not is_call and head[:1].islower():
            continue  # re-raising an error caught or built above (`raise error`)
        if expression in PROGRAMMING_ERRORS:
            continue
        value = getattr(module, expression, None) if "." not in expression else None
        if value is None and "." in expression:
            owner = getattr(module, head, None)
            value = getattr(owner, expression.split(".", 1)[1], None) if owner else None
        if value is not None and _in_tree(value):
            continue
        private = expression.startswith("_") or expression in INTERNAL
        if private and _caught_in(tree, expression):
            continue
        problems.append(where)
    return problems


def test_every_raised_error_belongs_to_the_tree_or_the_allow_list() -> None:
    problems = [problem for name, path in _modules() for problem in _problems(name, path)]
    assert problems == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("def f():\n    raise RuntimeError('x')", True),
        ("def f():\n    raise ValueError('x')", False),  # allow-listed
        ("from chava.errors import QueryError\ndef f():\n    raise QueryError('x')", False),
        ("class _Stop(Exception): ...\ndef f():\n    raise _Stop\n", True),  # never caught
        (
            "class _Stop(Exception): ...\ndef f():\n    try:\n        raise _Stop\n"
            "    except _Stop:\n        pass\n",
            False,
        ),
    ],
)
def test_the_check_finds_errors_outside_the_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, found: bool
) -> None:
    name = f"sample_errors_{tmp_path.name.replace('-', '_')}"  # a fresh module each case
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    module = package / "raising.py"
    module.write_text(source + "\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert bool(_problems(f"{name}.raising", module)) is found


def test_the_allow_list_is_documented() -> None:
    for reason in (*PROGRAMMING_ERRORS.values(), *INTERNAL.values()):
        assert len(reason) > 20
