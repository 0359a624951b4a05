"""Tools for the maintainers of docplan's Word templates (``docplan template …``).

- `parts` — a template's parts that may hold template code, read through `docplan.document.PlanDocument`;
- `schema` — the template context schema (from the plan model), the field reference and suggestions;
- `jinja_check` — template code against the schema: the Jinja AST walk;
- `lint` — `lint_template`: every problem a maintainer must fix, as `Finding`s in a `LintReport`;
- `fix` — `fix_split_tags`: join tags Word split across runs;
- `tools` — fields, preview, structure and diff, stamping the identity, publishing, template status.

Each module imports only those listed before it (``tools`` → ``lint`` → ``jinja_check`` → ``schema``,
``parts``), so there is no import cycle.
"""

from docplan.templating.fix import fix_split_tags
from docplan.templating.lint import Finding, LintReport, iter_fields, lint_template
from docplan.templating.parts import TemplateParts, read_parts
from docplan.templating.schema import (DOCS_BEGIN, DOCS_END, context_schema, field_reference_markdown,
                                       schema_paths, update_docs)
from docplan.templating.tools import (Published, TemplateDiff, TemplateStatus, TemplateStructure,
                                      diff_templates, document_template_status, preview, publish,
                                      stamp_identity, template_fields, template_structure)

__all__ = [
    "DOCS_BEGIN", "DOCS_END", "Finding", "LintReport", "Published", "TemplateDiff", "TemplateParts",
    "TemplateStatus", "TemplateStructure", "context_schema", "diff_templates", "document_template_status",
    "field_reference_markdown", "fix_split_tags", "iter_fields", "lint_template", "preview", "publish",
    "read_parts", "schema_paths", "stamp_identity", "template_fields", "template_structure", "update_docs",
]
