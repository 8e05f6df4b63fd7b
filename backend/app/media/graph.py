"""A typed ffmpeg filter graph built as data and serialised with filtergraph escaping.

Escaping follows https://ffmpeg.org/ffmpeg-filters.html#Notes-on-filtergraph-escaping:
an option value is unescaped once when the filter parses its options (level 1) and
the whole argument string once more when the graph parser splits filters (level 2).
Both levels use av_get_token(), so a backslash before any character yields that
character; quotes are never emitted, which keeps the output predictable. Filters
that parse a value a third time (drawtext's `%{...}` expansion, `expr` functions)
need their own escaping on top, or a file (`textfile=`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

Media = Literal["video", "audio"]
Value = str | int | float | Fraction | bool
Args = Mapping[str, Value] | Sequence[Value]

# Characters av_get_token() treats specially at each level; "=" is escaped at level 1 so
# a positional value such as "a=b" is never mistaken for a key.
_LEVEL1_SPECIAL = frozenset("\\':=")
_LEVEL2_SPECIAL = frozenset("\\'[],;")
# av_get_token() strips unescaped leading and trailing whitespace from every token.
_WHITESPACE = frozenset(" \n\t\r")

_FILTER_NAME = re.compile(r"[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")
_OPTION_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_SOURCE_LABEL = re.compile(r"\d+:[va]:\d+")


def _escape(text: str, special: frozenset[str]) -> str:
    """Backslash-escape `special` characters anywhere and whitespace at either end."""
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        at_edge = i == 0 or i == last
        if ch in special or (at_edge and ch in _WHITESPACE):
            out.append("\\")
        out.append(ch)
    return "".join(out)


def format_value(value: Value) -> str:
    """Render a Python value the way ffmpeg's option parsers read it (no exponents)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"filter option value must be finite, got {value!r}")
        text = repr(value)
        # av_parse_time() (duration options such as xfade offset) rejects "1e-05".
        if "e" in text:
            text = f"{value:.12f}".rstrip("0").rstrip(".")
        return text
    return value


def escape_value(value: Value) -> str:
    """Escape one option value for the filter's own option parser (level 1)."""
    return _escape(format_value(value), _LEVEL1_SPECIAL)


def escape_args(text: str) -> str:
    """Escape a filter's whole `k=v:k=v` argument string for the graph parser (level 2)."""
    return _escape(text, _LEVEL2_SPECIAL)


@dataclass(frozen=True)
class Pad:
    """A labelled link: an input stream (`0:v:0`) or a filter output allocated by a Graph."""

    label: str
    media: Media

    @property
    def ref(self) -> str:
        """The label in brackets, as written in a graph or passed to `-map`."""
        return f"[{self.label}]"


@dataclass(frozen=True)
class Source:
    """One `-i` input: a local file plus the input options that precede it."""

    index: int
    path: Path
    options: tuple[str, ...] = ()

    @property
    def video(self) -> Pad:
        """The first video stream of this input."""
        return Pad(f"{self.index}:v:0", "video")

    @property
    def audio(self) -> Pad:
        """The first audio stream of this input."""
        return Pad(f"{self.index}:a:0", "audio")


@dataclass(frozen=True)
class Filter:
    """One filter instance with its arguments and the pads it reads and writes."""

    name: str
    args: Args = ()
    inputs: tuple[Pad, ...] = ()
    outputs: tuple[Pad, ...] = ()

    def __post_init__(self) -> None:
        if not _FILTER_NAME.fullmatch(self.name):
            raise ValueError(f"invalid filter name {self.name!r}")
        if isinstance(self.args, str):
            raise TypeError("positional filter args must be a sequence, not a str")
        if isinstance(self.args, Mapping):
            for key in self.args:
                if not _OPTION_KEY.fullmatch(key):
                    raise ValueError(f"invalid option name {key!r} for filter {self.name}")

    def args_text(self) -> str:
        """The level-1 escaped argument string, before graph-level escaping."""
        if isinstance(self.args, Mapping):
            return ":".join(f"{k}={escape_value(v)}" for k, v in self.args.items())
        return ":".join(escape_value(v) for v in self.args)

    def to_text(self) -> str:
        """Serialise as `[in]name=args[out]`."""
        args = self.args_text()
        body = f"{self.name}={escape_args(args)}" if args else self.name
        ins = "".join(p.ref for p in self.inputs)
        outs = "".join(p.ref for p in self.outputs)
        return f"{ins}{body}{outs}"


class Graph:
    """Inputs, filters and mapped outputs of one ffmpeg run; pads get unique labels."""

    def __init__(self) -> None:
        self._sources: list[Source] = []
        self._filters: list[Filter] = []
        self._outputs: list[Pad] = []
        self._serial = itertools.count()
        self._produced: set[str] = set()
        self._copies: set[str] = set()

    @property
    def sources(self) -> tuple[Source, ...]:
        """The inputs in `-i` order."""
        return tuple(self._sources)

    @property
    def filters(self) -> tuple[Filter, ...]:
        """The filters in the order added."""
        return tuple(self._filters)

    @property
    def outputs(self) -> tuple[Pad, ...]:
        """The pads to `-map`, in order."""
        return tuple(self._outputs)

    def source(self, path: Path, *options: str) -> Source:
        """Add a `-i` input; `options` are input options such as `-f wav`."""
        src = Source(len(self._sources), path, tuple(options))
        self._sources.append(src)
        return src

    def add(
        self,
        name: str,
        args: Args = (),
        *,
        inputs: Sequence[Pad] = (),
        outputs: Sequence[Media] | None = None,
    ) -> tuple[Pad, ...]:
        """Append a filter and return its freshly labelled output pads."""
        if outputs is None:
            if not inputs:
                raise ValueError(f"filter {name} has no inputs; name its output media")
            outputs = (inputs[0].media,)
        pads = tuple(self._new_pad(media) for media in outputs)
        self._filters.append(Filter(name, args, tuple(inputs), pads))
        return pads

    def then(self, pad: Pad, name: str, args: Args = ()) -> Pad:
        """Append a one-in, one-out filter of the same media and return its output."""
        (out,) = self.add(name, args, inputs=(pad,))
        return out

    def chain(self, pad: Pad, steps: Iterable[tuple[str, Args]]) -> Pad:
        """Apply one-in, one-out filters in order."""
        for name, args in steps:
            pad = self.then(pad, name, args)
        return pad

    def output(self, pad: Pad) -> None:
        """Mark a pad as a graph output; outputs are mapped in the order marked."""
        self._outputs.append(pad)

    def copy(self, pad: Pad) -> None:
        """Map an input stream to the output as it is (no filter: `-c copy` keeps its
        packets); mapped in order among the outputs."""
        if not _SOURCE_LABEL.fullmatch(pad.label):
            raise ValueError(f"only an input stream can be copied, not {pad.ref}")
        self._copies.add(pad.label)
        self._outputs.append(pad)

    def script(self) -> str:
        """Check the wiring and serialise for `-/filter_complex <file>` ("" when every
        output is a copied input stream)."""
        self._check_wiring()
        if not self._filters:
            return ""
        return ";\n".join(f.to_text() for f in self._filters) + "\n"

    def _new_pad(self, media: Media) -> Pad:
        label = f"{media[0]}{next(self._serial)}"
        self._produced.add(label)
        return Pad(label, media)

    def _check_wiring(self) -> None:
        if not self._filters and not (self._outputs and all(
                p.label in self._copies for p in self._outputs)):
            raise ValueError("graph has no filters")
        uses: Counter[str] = Counter()
        for pad in [p for f in self._filters for p in f.inputs] + self._outputs:
            if _SOURCE_LABEL.fullmatch(pad.label):
                if int(pad.label.split(":")[0]) >= len(self._sources):
                    raise ValueError(f"pad {pad.ref} names an input that was not added")
                if pad in self._outputs and pad.label not in self._copies:
                    raise ValueError(f"input stream {pad.ref} cannot be a graph output")
                continue
            if pad.label not in self._produced:
                raise ValueError(f"pad {pad.ref} was not produced by this graph")
            uses[pad.label] += 1
        for label in sorted(self._produced):
            if uses[label] != 1:
                raise ValueError(f"pad [{label}] is used {uses[label]} times; use split once")
