"""docplan: the *rusmiddelpolitisk handlingsplan* as data, Word templates, OOXML editing and checks."""

from docplan.errors import (
    AccessError,
    ConfigError,
    ConflictError,
    DataError,
    DocplanError,
    DocumentError,
    InputError,
    Location,
    Problem,
    TemplateError,
)
from docplan.loaders import load_plan
from docplan.model import Goal, Measure, Plan, SubGoal
from docplan.package import open_docx, write_atomic
from docplan.render import CompiledTemplate, build_context, compile_template, render_plan, standard_template

__version__ = "0.1.0"

__all__ = [
    "AccessError",
    "CompiledTemplate",
    "ConfigError",
    "ConflictError",
    "DataError",
    "DocplanError",
    "DocumentError",
    "Goal",
    "InputError",
    "Location",
    "Measure",
    "Plan",
    "Problem",
    "SubGoal",
    "TemplateError",
    "build_context",
    "compile_template",
    "load_plan",
    "open_docx",
    "render_plan",
    "standard_template",
    "write_atomic",
]
