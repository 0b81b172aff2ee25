"""The one exception type for expected failures: raised in library code, caught once at the CLI edge."""


class ClickbaitError(Exception):
    """An expected failure (bad model file, bad training data, bad input) with a message a user can act on."""
