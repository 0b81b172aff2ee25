"""Reading labelled files: formats, and every bad case named with its file and line."""

import json

import pytest

from clickbait.errors import ClickbaitError
from clickbait.training import data as tdata


def rows(n_pos=10, n_neg=10):
    pos = [f"Ce a urmat după episodul {i}? Nu o să-ți vină să crezi" for i in range(n_pos)]
    neg = [f"Guvernul a aprobat hotărârea numărul {i} privind drumurile" for i in range(n_neg)]
    return [(t, 1) for t in pos] + [(t, 0) for t in neg]


def write_csv(path, data, header="headline,label", delim=","):
    lines = [header] + [f'"{t}"{delim}{l}' for t, l in data]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_tsv_jsonl_json_array(tmp_path):
    data = rows()
    a = tdata.load([write_csv(tmp_path / "a.csv", data)])
    b = tdata.load([write_csv(tmp_path / "b.tsv", data, header="title\tcategory", delim="\t")])
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps({"text": t, "clickbait": bool(l)}) for t, l in data), encoding="utf-8")
    c = tdata.load([tmp_path / "c.jsonl"])
    (tmp_path / "d.json").write_text(json.dumps([{"title": t, "category": "clickbait" if l else "nonclickbait"} for t, l in data], indent=1), encoding="utf-8")
    d = tdata.load([tmp_path / "d.json"])
    for ds in (a, b, c, d):
        assert ds.texts == [t for t, _ in data] and ds.labels == [l for _, l in data]


def test_semicolon_quoting_embedded_newline_trailing_blank(tmp_path):
    data = rows()
    p = tmp_path / "s.csv"
    text = 'headline;label\n"Un titlu cu ""ghilimele""; și\nun rând nou";1\n' + "".join(f'"{t}";{l}\n' for t, l in data) + "\n\n"
    p.write_text(text, encoding="utf-8")
    ds = tdata.load([p])
    assert ds.texts[0] == 'Un titlu cu "ghilimele"; și\nun rând nou' and ds.labels[0] == 1
    assert len(ds.examples) == len(data) + 1
    assert ds.examples[1].where.endswith("s.csv:4")  # line numbers count the embedded newline


def test_windows_1250_with_encoding_option(tmp_path):
    data = rows()
    p = tmp_path / "w.csv"
    p.write_bytes(("headline,label\n" + "".join(f'"Ştire {t} ăîâşţ",{l}\n' for t, l in data)).replace("ț", "ţ").encode("cp1250"))
    with pytest.raises(ClickbaitError, match=r"w\.csv:2: not valid utf-8.*--encoding"):
        tdata.load([p])
    assert tdata.load([p], encoding="cp1250").texts[0].startswith("Ştire ")


@pytest.mark.parametrize(
    "content, message",
    [
        ("", r"empty file"),
        ("headline,label\n", r"only 0|every row|no labelled rows"),
        ("titlu,eticheta\nx,1\n", r"x\.csv:1: the header has no text column"),
        ("headline,verdict\nx,1\n", r"x\.csv:1: the header has no label column"),
        ("headline,label\nUn titlu,poate\n", r"x\.csv:2: the label is 'poate'"),
        ("headline,label\nUn titlu,1\n  ,0\n", r"x\.csv:3: empty headline text"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path, content, message):
    p = tmp_path / "x.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ClickbaitError, match=message):
        tdata.load([p])


def test_missing_file(tmp_path):
    with pytest.raises(ClickbaitError, match=r"nope\.csv: no such file"):
        tdata.load([tmp_path / "nope.csv"])


def test_single_class_and_too_few(tmp_path):
    with pytest.raises(ClickbaitError, match="every row is clickbait"):
        tdata.load([write_csv(tmp_path / "a.csv", rows(12, 0))])
    with pytest.raises(ClickbaitError, match="only 9 non-clickbait rows"):
        tdata.load([write_csv(tmp_path / "b.csv", rows(12, 9))])


def test_duplicates_merged_or_conflicting(tmp_path):
    data = rows()
    ds = tdata.load([write_csv(tmp_path / "a.csv", data + [(data[0][0].replace("ț", "ţ"), 1)])])
    assert len(ds.examples) == len(data) and any("duplicate" in w for w in ds.warnings)
    with pytest.raises(ClickbaitError, match=r"b\.csv:22: the headline of .*b\.csv:2 again with the opposite label"):
        tdata.load([write_csv(tmp_path / "b.csv", data + [(data[0][0], 0)])])


def test_bad_json_lines_named(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"headline": "a", "label": 1}\n{oops\n', encoding="utf-8")
    with pytest.raises(ClickbaitError, match=r"x\.jsonl:2: not valid JSON"):
        tdata.load([p])
