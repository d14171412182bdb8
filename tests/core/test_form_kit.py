"""The form kit: option lists and the error context built in Python, the macros built on GOV.UK's."""

from __future__ import annotations

from civic.core.choices import options
from civic.core.forms import form_context
from civic.core.templating import make_environment

KIT = '{% from "_macros/forms.html" import input, textarea, character_count, select, radios, checkboxes %}'


def render(source: str, **context: object) -> str:
    return make_environment().from_string(KIT + source).render(**context)


def test_options_mark_the_chosen_values_as_strings_and_name_ids_after_the_first() -> None:
    items = options([(1, "One"), (2, "Two", "The second")], 2, id_prefix="n")
    assert [i["value"] for i in items] == ["1", "2"]
    assert [i["selected"] for i in items] == [False, True] == [i["checked"] for i in items]
    assert [i["id"] for i in items] == ["n", "n-2"]
    assert items[1]["hint"] == {"text": "The second"} and "hint" not in items[0]
    several = options([("a", "A"), ("b", "B"), ("c", "C")], {"a", "c"})
    assert [i["checked"] for i in several] == [True, False, True]
    assert not any(i["selected"] for i in options([("", "None"), ("x", "X")], None)[1:])


def test_form_context_gives_the_summary_and_the_field_messages_from_one_map() -> None:
    context = form_context({"title": "Enter a title"}, {"title": ""})
    assert context["error_list"] == [{"text": "Enter a title", "href": "#title"}]
    assert context["errors"] == {"title": "Enter a title"} and context["values"] == {"title": ""}
    assert "values" not in form_context({})


def test_a_field_with_an_error_links_its_hint_and_message() -> None:
    html = render(
        '{{ input("day", "Date", {"day": "x"}, {"move-day": "Enter a date"}, id="move-day", hint="UK date") }}'
    )
    assert 'id="move-day" name="day"' in html and 'value="x"' in html
    assert 'aria-describedby="move-day-hint move-day-error"' in html
    assert 'id="move-day-error"' in html and "Enter a date" in html


def test_choice_fields_take_items_built_in_python() -> None:
    html = render(
        '{{ select("kind", "Kind", options([("a", "A"), ("b", "B")], "b"), {}) }}'
        '{{ radios("format", "As", options([("cards", "Cards"), ("csv", "CSV")], "cards", id_prefix="format"), {}) }}'
        '{{ checkboxes("notify", none, options([("yes", "Email me")]), {"notify": "Tick it"}) }}'
    )
    assert '<option value="b" selected>' in html
    assert 'id="format" name="format" type="radio" value="cards" checked' in html
    assert 'id="format-csv"' in html
    assert 'id="notify" name="notify" type="checkbox" value="yes" aria-describedby="notify-error"' in html


def test_values_of_zero_are_shown_and_text_is_escaped() -> None:
    html = render('{{ input("n", "N", {"n": 0}, {}) }}{{ textarea("t", "T", {"t": "<b>"}, {}) }}')
    assert 'value="0"' in html and "&lt;b&gt;" in html and "<b>" not in html


def test_an_empty_text_area_is_empty_and_not_the_word_none() -> None:
    html = render('{{ textarea("reason", "R", {}, {}) }}{{ character_count("c", "C", {"c": None}, {}, 10) }}')
    assert "None" not in html and html.count("></textarea>") == 2
