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


def test_assess_and_parse_are_the_functions_even_after_their_modules_load() -> None:
    import importlib

    for module in ("charley.assess", "charley.parse.text", "charley.vignettes"):
        importlib.import_module(module)
    from charley import assess, parse

    assert callable(assess) and callable(parse)
    assert assess("calf cramp").triage.level in ("self_care", "consultation")
    assert parse("calf cramp").items
