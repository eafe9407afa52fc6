"""The `dreamstudio` command line (never imports Qt)."""
