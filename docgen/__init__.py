"""docgen: numbered official documents and the registers that account for every number.

The package is a library first; `docgen.cli` is a thin command line over it.
"""

__version__ = "0.1.0"
