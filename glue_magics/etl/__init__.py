"""Glue ETL on plain PySpark DataFrames: the built-in transforms live in ``glue_magics.etl.transforms``."""
