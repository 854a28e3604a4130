"""Fixtures shared by the review tests."""

from tests.reviews.test_scoring import scored_round  # noqa: F401  (a round with pledged experts)
