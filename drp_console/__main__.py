"""`python -m drp_console` is `drp`."""

from drp_console.cli import main

main()
