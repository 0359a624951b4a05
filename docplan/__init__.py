"""docplan: the *rusmiddelpolitisk handlingsplan* as data, Word templates, OOXML editing and checks.

The public names below are imported when first used (PEP 562), so ``docplan check`` and the other
commands start without loading the renderer, the data model or the server they do not need.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

_EXPORTS = {
    "AccessError": "docplan.errors", "ConfigError": "docplan.errors", "ConflictError": "docplan.errors",
    "DataError": "docplan.errors", "DocplanError": "docplan.errors", "DocumentError": "docplan.errors",
    "InputError": "docplan.errors", "Location": "docplan.errors", "Problem": "docplan.errors",
    "TemplateError": "docplan.errors",
    "load_plan": "docplan.loaders",
    "Goal": "docplan.model", "Measure": "docplan.model", "Plan": "docplan.model", "SubGoal": "docplan.model",
    "open_docx": "docplan.package", "write_atomic": "docplan.files",
    "PlanDocument": "docplan.document", "open_plan_document": "docplan.document",
    "CompiledTemplate": "docplan.render", "build_context": "docplan.render", "compile_template": "docplan.render",
    "render_plan": "docplan.render", "standard_template": "docplan.render",
    "refresh": "docplan.refresh", "insert_items": "docplan.insert", "run_checks": "docplan.checks",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'docplan' has no attribute {name!r}")
    value = getattr(_module(module), name)
    globals()[name] = value
    return value


def _module(name: str):
    """Import one of docplan's modules by name (plain imports, so readers and tools can follow them)."""
    if name == "docplan.errors":
        from docplan import errors as module
    elif name == "docplan.loaders":
        from docplan import loaders as module
    elif name == "docplan.model":
        from docplan import model as module
    elif name == "docplan.package":
        from docplan import package as module
    elif name == "docplan.files":
        from docplan import files as module
    elif name == "docplan.document":
        from docplan import document as module
    elif name == "docplan.render":
        from docplan import render as module
    elif name == "docplan.refresh":
        from docplan import refresh as module
    elif name == "docplan.insert":
        from docplan import insert as module
    else:
        from docplan import checks as module
    return module


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
