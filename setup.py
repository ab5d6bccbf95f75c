"""The compiled kernels (everything else is declared in pyproject.toml).

The extension is required: the identifier checks (credit codes, ID numbers) exist once, in C
(docs/architecture.md, "Validation rules: one source"); a machine without a C compiler installs
a wheel built elsewhere.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "credit_ledger._kernels._native",
            ["src/credit_ledger/_kernels/_native.c"],
        )
    ]
)
