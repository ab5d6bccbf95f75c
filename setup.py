"""The compiled kernels (everything else is declared in pyproject.toml).

The extension is optional: where it cannot be compiled (no C compiler), installation goes on
and ``credit_ledger._kernels`` uses its numpy implementation.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "credit_ledger._kernels._native",
            ["src/credit_ledger/_kernels/_native.c"],
            optional=True,
        )
    ]
)
