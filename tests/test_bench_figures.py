"""The figures benchmark finds each gold figure where the pipeline put it (title or body)."""

from bench.figures import GoldFigure, _locate, unjudged_vague


def gold(text: str, surface: str, occurrence: int = 0) -> GoldFigure:
    start = text.index(surface) if occurrence == 0 else text.index(surface, text.index(surface) + 1)
    return GoldFigure("d.xml", "e", "s", start, start + len(surface), surface, 23.0, 23.0, 23.0, "m", False)


def test_a_first_line_figure_is_found_in_the_headline_not_inside_a_body_number() -> None:
    text = "Coast guard took 23 into custody.\nThe boat was stopped at 1230 hours off the coast."
    title, body = text.split("\n")
    fig = gold(text, "23")
    _locate(fig, text, title, body)
    assert (fig.part, fig.pstart, fig.pend) == ("title", 17, 19)


def test_a_body_figure_is_found_in_the_body() -> None:
    text = "Coast guard took 23 into custody.\nOf the 23 detained, 12 were released by noon."
    title, body = text.split("\n")
    fig = gold(text, "23", occurrence=1)
    _locate(fig, text, title, body)
    assert (fig.part, body[fig.pstart : fig.pend], fig.pstart) == ("body", "23", 7)


def test_a_figure_the_pipeline_dropped_is_missing() -> None:
    text = "Headline here.\nShare This Article 23 times."
    fig = gold(text, "23")
    _locate(fig, text, "Headline here.", "Nothing of it is left.")
    assert fig.part == "missing"


def test_only_vague_plurals_of_events_whose_gold_leaves_them_out_go_unjudged() -> None:
    assert unjudged_vague("tens of thousands", "8_ecbplus") and unjudged_vague("Hundreds", "12_ecb")
    assert not unjudged_vague("tens of thousands", "22_ecb")  # the first events' gold has them
    assert not unjudged_vague("20,000", "8_ecbplus") and not unjudged_vague(None, "8_ecbplus")


def test_unseen_flags_are_judged_by_document_text_and_first_words(tmp_path) -> None:
    import json

    from bench.figures_unseen import JUDGED, judge, judged_key, load_judged

    sentence = "The 11-inch  models will start at $999 with a"
    key = judged_key("/in/site.com/40_2ecbplus.txt", "5 hours", sentence)
    assert key == ("40_2ecbplus", "5 hours", "The 11-inch models will start at $999 with")
    path = tmp_path / "judged.jsonl"
    record = {"doc": key[0], "value": key[1], "sentence": key[2], "real": False, "why": "x"}
    path.write_text(json.dumps(record) + "\n")
    judged = load_judged(path)
    other = ("40_3ecbplus", "7 hours", "The new model")
    rows = {("S1", "life", "hour"): [("a", "5 hours", True, "s", key), ("b", "7 hours", True, "s", other)]}
    assert judge(rows, judged) == {"real": 0, "not real": 1, "unjudged": 1}
    # the shipped judgements are complete records
    for line in JUDGED.read_text(encoding="utf-8").splitlines():
        j = json.loads(line)
        assert set(j) == set(record) and isinstance(j["real"], bool) and j["why"]
