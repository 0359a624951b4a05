"""Build step for the checker's compiled walk (``docplan/checks/_cwalk.pyx``); metadata is in setup.cfg.

The extension reads parts with the expat parser of Python's own ``pyexpat`` (through the C API it
exports), so it needs Python's headers and nothing else. Without Cython or a C compiler the package
installs without it and the checker uses its Python walk (same results, slower);
``docplan.checks.docview.COMPILED`` tells.
"""

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """Build the extension when a C compiler is at hand; warn and go on without it otherwise."""

    def run(self):
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers
            print(f"docplan: the compiled walk was not built ({exc}); the Python walk is used", file=sys.stderr)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            print(f"docplan: {ext.name} was not built ({exc}); the Python walk is used", file=sys.stderr)


def extensions():
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("docplan: Cython missing at build time; the Python walk is used", file=sys.stderr)
        return []
    ext = Extension("docplan.checks._cwalk", ["docplan/checks/_cwalk.pyx"])
    return cythonize([ext], language_level=3, quiet=True)


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
