"""glue_magics."""
