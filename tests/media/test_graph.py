"""The filter graph model: value formatting, both escaping levels, labels and wiring."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from app.media import Filter, Graph, Pad, RunStats, escape_args, escape_value, run_graph
from app.media.graph import format_value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "1"),
        (False, "0"),
        (1080, "1080"),
        (2.5, "2.5"),
        (5.0, "5.0"),
        (1e-05, "0.00001"),
        (Fraction(30000, 1001), "30000/1001"),
        ("yuv420p", "yuv420p"),
    ],
)
def test_format_value(value: object, text: str) -> None:
    assert format_value(value) == text  # type: ignore[arg-type]


def test_format_value_refuses_non_finite() -> None:
    with pytest.raises(ValueError):
        format_value(float("nan"))


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("a:b", r"a\:b"),
        ("it's", r"it\'s"),
        ("back\\slash", r"back\\slash"),
        ("k=v", r"k\=v"),
        ("a,b[c];d", "a,b[c];d"),  # graph-level characters are level 2's job
        (" lead", r"\ lead"),
        ("trail ", "trail\\ "),
        ("in side", "in side"),
    ],
)
def test_escape_value_level1(value: str, escaped: str) -> None:
    assert escape_value(value) == escaped


@pytest.mark.parametrize(
    ("args", "escaped"),
    [
        ("a,b", r"a\,b"),
        ("x[0];y", r"x\[0\]\;y"),
        ("it's", r"it\'s"),
        (r"a\:b", r"a\\:b"),
        ("w=1:h=2", "w=1:h=2"),
        ("v=x ", "v=x\\ "),
    ],
)
def test_escape_args_level2(args: str, escaped: str) -> None:
    assert escape_args(args) == escaped


def test_filter_text_escapes_both_levels() -> None:
    pad_in, pad_out = Pad("0:v:0", "video"), Pad("v1", "video")
    f = Filter("drawbox", {"color": "red@0.5", "t": "fill"}, (pad_in,), (pad_out,))
    assert f.to_text() == "[0:v:0]drawbox=color=red@0.5:t=fill[v1]"
    f = Filter("metadata", {"value": "a:b, c'd"}, (pad_in,), (pad_out,))
    # level 1: a\:b, c\'d ; level 2 doubles those backslashes and escapes , and '
    assert f.to_text() == r"[0:v:0]metadata=value=a\\:b\, c\\\'d[v1]"


def test_filter_positional_and_bare() -> None:
    assert Filter("setsar", ["1"]).to_text() == "setsar=1"
    assert Filter("setpts", ["N/(30*TB)"]).to_text() == "setpts=N/(30*TB)"
    assert Filter("null").to_text() == "null"


@pytest.mark.parametrize("name", ["", "scale,crop", "a b", "x[y]"])
def test_filter_refuses_bad_names(name: str) -> None:
    with pytest.raises(ValueError):
        Filter(name)


def test_filter_refuses_bad_option_keys() -> None:
    with pytest.raises(ValueError):
        Filter("scale", {"w:h": 1})


def test_graph_allocates_unique_labels_and_serialises(tmp_path: Path) -> None:
    g = Graph()
    src = g.source(tmp_path / "a.png", "-f", "png_pipe")
    first, second = g.add("split", inputs=[src.video], outputs=["video", "video"])
    a = g.then(first, "hflip")
    b = g.chain(second, [("vflip", ()), ("setsar", ["1"])])
    (out,) = g.add("hstack", inputs=[a, b])
    g.output(out)
    labels = [p.label for f in g.filters for p in f.outputs]
    assert len(labels) == len(set(labels))
    assert g.script() == (
        "[0:v:0]split[v0][v1];\n[v0]hflip[v2];\n[v1]vflip[v3];\n[v3]setsar=1[v4];\n"
        "[v2][v4]hstack[v5]\n"
    )
    assert g.outputs == (out,)
    assert g.sources[0].options == ("-f", "png_pipe")


def test_graph_refuses_unconsumed_pad(tmp_path: Path) -> None:
    g = Graph()
    src = g.source(tmp_path / "a.png")
    g.then(src.video, "hflip")
    with pytest.raises(ValueError, match="used 0 times"):
        g.script()


def test_graph_refuses_pad_used_twice(tmp_path: Path) -> None:
    g = Graph()
    v = g.then(g.source(tmp_path / "a.png").video, "hflip")
    g.output(g.then(v, "vflip"))
    g.output(g.then(v, "negate"))
    with pytest.raises(ValueError, match="used 2 times"):
        g.script()


def test_graph_refuses_foreign_pads_and_missing_inputs(tmp_path: Path) -> None:
    g = Graph()
    g.output(g.then(Pad("v9", "video"), "hflip"))
    with pytest.raises(ValueError, match="not produced"):
        g.script()
    g = Graph()
    g.output(g.then(Pad("3:v:0", "video"), "hflip"))
    with pytest.raises(ValueError, match="not added"):
        g.script()


def test_escaping_round_trips_through_ffmpeg(tmp_path: Path) -> None:
    """A value full of special characters reaches the filter unchanged, and so does a path."""
    value = "  a:b,c;d[e]f'g\\h=i j %k\t "
    report = tmp_path / "we:ird, [name]'s;=.txt"
    g = Graph()
    (color,) = g.add("color", {"c": "black", "s": "16x16", "d": 0.04}, outputs=["video"])
    tagged = g.then(color, "metadata", {"mode": "add", "key": "k", "value": value})
    g.output(g.then(tagged, "metadata", {"mode": "print", "key": "k", "file": str(report)}))
    out = tmp_path / "out.nut"
    stats = run_graph(g, out, output_args=["-c:v", "rawvideo", "-f", "nut"], total_s=0.04)
    assert isinstance(stats, RunStats)
    printed = report.read_text().splitlines()
    assert f"k={value}" in printed


def test_filter_refuses_a_bare_string_as_args() -> None:
    with pytest.raises(TypeError):
        Filter("setsar", "1")


def test_a_copied_input_stream_is_mapped_by_its_specifier(tmp_path: Path) -> None:
    from app.media.ffmpeg import build_command

    graph = Graph()
    src = graph.source(tmp_path / "in.mp4")
    graph.copy(src.video)
    assert graph.script() == ""
    cmd = build_command(graph, tmp_path / "g.txt", ["-c", "copy"], tmp_path / "out.mp4")
    assert "-/filter_complex" not in cmd
    assert cmd[cmd.index("-map") + 1] == "0:v:0"
    with pytest.raises(ValueError, match="only an input stream"):
        graph.copy(graph.then(src.audio, "anull"))
    plain = Graph()
    plain.output(plain.source(tmp_path / "in.mp4").video)
    with pytest.raises(ValueError):
        plain.script()  # outputting an input stream without copy() is still a mistake
