"""Runs the schemathesis command line (`python3 schemathesis_cli.py run ...`, the same arguments).

CPython 3.11.7 can fail inside `ast.parse` with "SystemError: AST constructor recursion depth
mismatch" (python/cpython gh-106905, fixed in later releases) when hypothesis parses a module to
describe a filtered strategy; the description is only for display. Here a failing description
falls back to a plain one instead of aborting a phase of the run: nothing the API does is hidden.
"""

import sys

try:
    from hypothesis.internal import lambda_sources

    _describe = lambda_sources.lambda_description

    def _safe_description(f):
        try:
            return _describe(f)
        except SystemError:
            return "lambda: ..."

    lambda_sources.lambda_description = _safe_description
except (ImportError, AttributeError):  # another hypothesis: run as is
    pass

from schemathesis.cli import schemathesis  # noqa: E402

if __name__ == "__main__":
    sys.exit(schemathesis())
