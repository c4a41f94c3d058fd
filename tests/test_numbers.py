"""Values of written figures: scale words, number words, bounds, currencies, percentage points."""

from __future__ import annotations

import pytest

from parallax.numbers import (
    currency,
    duration,
    parse_number,
    parse_value,
    percent_unit,
    rate_unit,
    rupee_country,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$2 bn", 2e9),  # scale word after a space
        ("US$ 2 bn", 2e9),
        ("$2-billion", 2e9),  # ... or a hyphen
        ("3 mn", 3e6),
        ("4.5bn", 4.5e9),
        ("one hundred and five", 105),  # compound number words (text2num)
        ("sixty-one", 61),
        ("a dozen", 12),
        ("a hundred", 100),
        ("two-thirds", 2 / 3),  # fractions are not "2"
        ("three quarters", 0.75),
        ("1/2", 0.5),
        ("a couple of hours", 2),  # the article is no number of its own (not 1 + 2)
        ("a single", 1),
    ],
)
def test_numbers(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "before", "lower", "upper"),
    [
        ("at least 5", "", 5, None),
        ("5", "killing at least ", 5, None),  # the qualifier outside the entity
        ("more than 200", "", 200, None),
        ("up to 55 years", "", None, 55),
        ("less than 3 years", "", None, 3),
        ("between 5 and 7", "", 5, 7),
        ("5-7", "", 5, 7),
        ("5 to 7", "", 5, 7),
        ("between 2 and 3 billion", "", 2e9, 3e9),
        ("about 300", "", 270, 330),
        ("nearly 100", "", 90, 100),  # "nearly" is below the value
        ("dozens", "", 12, None),  # vague plurals are lower bounds
        ("249", "", 249, 249),
    ],
)
def test_bounds(text: str, before: str, lower: float | None, upper: float | None) -> None:
    v = parse_value(text, before)
    assert v.lower == (None if lower is None else pytest.approx(lower))
    assert v.upper == (None if upper is None else pytest.approx(upper))


def test_years_and_ages_are_not_ranges() -> None:
    assert parse_value("1987-88").lower == 1987  # a season, not [1987, 88]
    assert parse_value("45-year-old").upper == 45


@pytest.mark.parametrize(
    ("text", "precision"), [("6", 0.5), ("6.2", 0.05), ("$2.5 billion", 5e7), ("two", 0.5)]
)
def test_precision_is_half_the_last_digit(text: str, precision: float) -> None:
    assert parse_value(text).precision == pytest.approx(precision)


@pytest.mark.parametrize(
    ("text", "code", "factor"),
    [
        ("US$ 2 bn", "USD", 1.0),
        ("5 euro cents", "EUR", 0.01),
        ("50 cents", "USD", 0.01),
        ("£3m", "GBP", 1.0),
        ("20 Canadian dollars", "CAD", 1.0),
        ("100 billion USD", "USD", 1.0),
        ("Dh4,275", "AED", 1.0),
        ("euro345", "EUR", 1.0),
        ("Rs.2bn", "rupee", 1.0),
    ],
)
def test_currency(text: str, code: str, factor: float) -> None:
    assert currency(text) == (code, factor)


@pytest.mark.parametrize(
    ("text", "value"),
    [("Rs500", 500), ("Rs.2bn", 2e9), ("Dh4,275", 4275), ("euro345", 345), ("EUR2bn", 2e9)],
)
def test_a_currency_written_against_its_amount(text: str, value: float) -> None:
    assert parse_value(text).value == value  # not 275 out of "Dh4,275"


def test_rupees_take_the_country_of_the_document() -> None:
    assert currency("Rs 500", rupee_country("Prices rose in Lahore and Karachi, Pakistan."))[0] == "PKR"
    assert currency("Rs. 500", rupee_country("The Mumbai court fined him."))[0] == "INR"
    assert currency("Rs 500", rupee_country("A fine was imposed."))[0] == "rupee"  # ambiguous: no ISO code


def test_percentage_points_are_not_percent() -> None:
    assert percent_unit("10 percentage points") == "percentage_point"
    assert percent_unit("10 percent") == "percent"
    assert percent_unit("10%") == "percent"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Seven AK-47s", 7),  # the digits of a model name are not the count
        ("12 F-16 jets", 12),
        ("4 1/2 hours", 4.5),  # a whole number and a fraction
        ("4 1 / 2 hours", 4.5),
        ("3½ miles", 3.5),
    ],
)
def test_model_names_and_mixed_fractions(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


def test_either_of_two_values_is_a_range() -> None:
    got = parse_value("two or three minutes")
    assert (got.value, got.lower, got.upper) == (2, 2, 3)
    assert parse_value("5 or 6").upper == 6
    assert duration("two or three minutes") == (2, "minute")  # not 2 + 3
    assert parse_value("4 1/2 hours").precision == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("120 mph", "mph"),
        ("up to 120 miles an hour", "mph"),
        ("120 miles per hour", "mph"),
        ("193km / h", "km/h"),
        ("90 kph", "km/h"),
        ("80 kilometres per hour", "km/h"),
        ("30 miles", None),  # a distance, not a speed
        ("two hours", None),
    ],
)
def test_speeds_have_one_unit_per_system(text: str, unit: str | None) -> None:
    assert rate_unit(text) == unit
