"""AWS Glue's built-in transforms, re-created on plain PySpark DataFrames.

Each function takes a DataFrame and returns new DataFrame(s); paths into structs are dotted as in
Glue (``address.city``, ```a.b``` for a name with dots, ``items[].price`` into arrays). Bad input
(an unknown field, a bad type name or action) raises ``glue_magics.errors.InvalidInputError``
with the closest existing names.

======================  ===========================================================
``apply_mapping``       ApplyMapping: select, rename, cast, build nested targets
``resolve_choice``      ResolveChoice: cast/project/make_cols/make_struct mixed values
``relationalize``       Relationalize: flatten structs, pivot arrays into tables
``drop_null_fields``    DropNullFields: drop fields null in every row
``unnest``              Unnest: struct fields to top-level ``a.b`` columns
``select_fields``       SelectFields
``drop_fields``         DropFields
``rename_field``        RenameField
``split_rows``          SplitRows: ``(matching, rest)``
``fill_missing``        FillMissingValues: adds ``<column>_filled``
======================  ===========================================================
"""

from __future__ import annotations

from .choice import resolve_choice
from .fields import (
    apply_mapping,
    drop_fields,
    drop_null_fields,
    rename_field,
    select_fields,
    unnest,
)
from .relationalize import relationalize
from .rows import fill_missing, split_rows

__all__ = [
    "apply_mapping",
    "drop_fields",
    "drop_null_fields",
    "fill_missing",
    "relationalize",
    "rename_field",
    "resolve_choice",
    "select_fields",
    "split_rows",
    "unnest",
]
