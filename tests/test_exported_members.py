"""The public API is declared in docplan.__all__, complete and sorted (as httpx does)."""

import docplan


def test_all_is_sorted_and_exported():
    assert docplan.__all__ == sorted(docplan.__all__)
    for name in docplan.__all__:
        assert hasattr(docplan, name), name


def test_public_functions_are_in_all():
    public = {n for n, v in vars(docplan).items()
              if not n.startswith("_") and callable(v) and getattr(v, "__module__", "").startswith("docplan")}
    assert public <= set(docplan.__all__)
