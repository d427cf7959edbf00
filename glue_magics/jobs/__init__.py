"""Jobs: promote notebooks to scheduled jobs, run them, and export them to other schedulers."""
