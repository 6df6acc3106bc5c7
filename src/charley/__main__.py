"""`python -m charley` runs the command line."""

from charley.cli import main

main()
