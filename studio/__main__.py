"""`python -m studio` is `dreamstudio`."""

from studio.cli.main import run

run()
