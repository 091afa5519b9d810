from __future__ import annotations

from tests.conftest import WriteCards
from tests.rules.helpers import found

BODY = """\
  - id: untimed
    text: "{{Clonus}} is a sign of a UMN lesion."
    source: video
  - id: timed
    text: "{{Clonus}} is a sign of a UMN lesion, really."
    source: video 09:07
  - id: text
    text: "{{Clonus}} is a sign of a UMN lesion, truly."
comparisons:
  - id: t
    title: A vs B
    columns: {a: Upper, b: Lower}
    source: video
    rows:
      - {feature: Tone, a: {text: low, source: video 09:11}, b: high}
      - {feature: Bulk, source: video 08:31, a: atrophy, b: normal}
"""


def test_facts_and_cells_citing_a_video_without_a_second(write_cards: WriteCards) -> None:
    assert found(write_cards, BODY, "video-timestamp") == [
        (5, 5, "the fact 'untimed' cites the video 'video' without a timestamp"),
        (19, 65, "the cell 'high' cites the video 'video' without a timestamp"),
    ]


def test_opting_out_for_a_whole_comparison(write_cards: WriteCards) -> None:
    body = BODY.replace(
        "    source: video\n    rows:",
        "    source: video\n    lint: {ignore: [video-timestamp]}\n    rows:",
    )
    assert [line for line, _, _ in found(write_cards, body, "video-timestamp")] == [5]
