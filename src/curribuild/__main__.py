"""Allow ``python -m curribuild``."""

from curribuild.cli import main

main()
