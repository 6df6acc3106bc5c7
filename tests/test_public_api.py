"""The public API is what charley/__init__.py lists; changing it must be deliberate."""

import charley


def test_public_names_are_pinned() -> None:
    assert sorted(charley.__all__) == sorted(
        [
            "Assessment",
            "CharleyError",
            "Finding",
            "Findings",
            "InputError",
            "KnowledgeError",
            "__version__",
            "assess",
            "parse",
        ]
    )


def test_every_public_name_resolves() -> None:
    for name in charley.__all__:
        assert getattr(charley, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        charley.nothing_here  # noqa: B018
    except AttributeError as exc:
        assert "nothing_here" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")
