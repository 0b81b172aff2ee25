"""`python -m clickbait` is the `clickbait` command."""

from clickbait.cli import main

main()
