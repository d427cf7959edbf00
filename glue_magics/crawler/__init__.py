"""Crawlers: discover files and databases and write tables and partitions into the catalog."""
