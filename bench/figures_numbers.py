"""Which library reads written figures best: the hand rules, text2num, price-parser, quantulum3.

    python -m bench.figures_numbers

Each case is a figure as news writes it with the value (and currency) an analyst expects. A reader
scores a case when its value is right (0.5 %) and, for money, the ISO currency too. `parallax` is
`parallax.numbers` (text2num for number words, hand rules for scale words, fractions, bounds and
currencies); the others are the libraries alone. quantulum3 and price-parser are optional here (not
dependencies of the project): a reader whose library is not installed is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable

CASES: list[tuple[str, float, str | None]] = [
    ("$2 bn", 2e9, "USD"),
    ("US$ 2 bn", 2e9, "USD"),
    ("$2-billion", 2e9, "USD"),
    ("$10bn", 1e10, "USD"),
    ("£3m", 3e6, "GBP"),
    ("€1.5 billion", 1.5e9, "EUR"),
    ("5 euro cents", 0.05, "EUR"),
    ("100 billion USD", 1e11, "USD"),
    ("a hundred billion dollars", 1e11, "USD"),
    ("3 mn", 3e6, None),
    ("2.5 million", 2.5e6, None),
    ("1,200", 1200, None),
    ("twenty-five", 25, None),
    ("one hundred and five", 105, None),
    ("sixty-one", 61, None),
    ("a dozen", 12, None),
    ("two-thirds", 2 / 3, None),
    ("three quarters", 0.75, None),
    ("tens of thousands", 10000, None),
    ("Twelve", 12, None),
]


def _parallax(text: str) -> tuple[float | None, str | None]:
    from parallax.numbers import currency, parse_number

    value = parse_number(text)
    code, factor = currency(text)
    return (None if value is None else value * factor), code


def _text2num(text: str) -> tuple[float | None, str | None]:
    from text_to_num import text2num

    try:
        return float(text2num(text.lower(), "en")), None
    except ValueError:
        return None, None


def _price_parser(text: str) -> tuple[float | None, str | None]:
    from price_parser import Price

    p = Price.fromstring(text)
    iso = {"$": "USD", "US$": "USD", "£": "GBP", "€": "EUR", "USD": "USD", "euro": "EUR"}
    return (None if p.amount is None else float(p.amount)), iso.get(p.currency or "")


def _quantulum(text: str) -> tuple[float | None, str | None]:
    from quantulum3 import classifier, parser

    classifier.USE_CLF = False  # its bundled model does not load with the installed scikit-learn
    q = parser.parse(text)
    if not q:
        return None, None
    unit = {"dollar": "USD", "euro": "EUR", "pound sterling": "GBP", "euro cent": "EUR"}.get(q[0].unit.name)
    return float(q[0].value), unit


READERS: dict[str, Callable[[str], tuple[float | None, str | None]]] = {
    "parallax": _parallax,
    "text2num": _text2num,
    "price-parser": _price_parser,
    "quantulum3": _quantulum,
}


def main() -> int:
    for name, read in READERS.items():
        t0 = time.perf_counter()
        try:
            read("1")
        except ImportError:
            print(f"{name:<13} not installed")
            continue
        load = time.perf_counter() - t0
        right = 0
        wrong: list[str] = []
        for text, value, code in CASES:
            got, unit = read(text)
            ok = got is not None and abs(got - value) <= 0.005 * abs(value) and (code is None or unit == code)
            right += ok
            if not ok:
                wrong.append(f"{text!r}->{got} {unit or ''}".strip())
        print(
            f"{name:<13} {right}/{len(CASES)} right (first call {load:.1f}s); wrong: {', '.join(wrong[:8])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
