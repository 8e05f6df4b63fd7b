"""Just enough of Dockerfile and .dockerignore to read ours and replay their steps."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


@dataclass
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, ENV, ...
    args: str

    def exec_form(self) -> list[str]:
        """The JSON array of CMD/SHELL/ENTRYPOINT."""
        value: list[str] = json.loads(self.args)
        return value

    def flags(self) -> tuple[dict[str, str], list[str]]:
        """COPY/ADD: its --flags, and the words after them (sources, then the target)."""
        words = shlex.split(self.args)
        flags = {}
        while words and words[0].startswith("--"):
            name, _, value = words.pop(0)[2:].partition("=")
            flags[name] = value
        return flags, words


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def env(self) -> dict[str, str]:
        """ENV values as set (later ones win), unexpanded."""
        values: dict[str, str] = {}
        for instruction in self.all("ENV"):
            for pair in shlex.split(instruction.args):
                name, _, value = pair.partition("=")
                values[name] = value
        return values


def instructions(path: Path) -> list[Instruction]:
    """Instructions in order: comments dropped, continued lines joined."""
    found, pending = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).strip().partition(" ")
        found.append(Instruction(keyword.upper(), args.strip()))
        pending = ""
    return found


def stages(path: Path) -> list[Stage]:
    """The build stages, with global ARG defaults substituted in FROM."""
    global_args: dict[str, str] = {}
    result: list[Stage] = []
    for instruction in instructions(path):
        if instruction.keyword == "ARG" and not result:
            name, _, default = instruction.args.partition("=")
            global_args[name] = default
        elif instruction.keyword == "FROM":
            words = expand(instruction.args, global_args).split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            result.append(Stage(words[0], name))
        elif result:
            result[-1].instructions.append(instruction)
    return result


def stage(path: Path, name: str) -> Stage:
    [found] = [s for s in stages(path) if s.name == name]
    return found


def expand(text: str, values: dict[str, str]) -> str:
    """$NAME and ${NAME} as Docker substitutes them in ENV, FROM, WORKDIR and COPY."""
    return _VARIABLE.sub(lambda m: values.get(m[1] or m[2], ""), text)


@dataclass
class DockerIgnore:
    """Docker's .dockerignore rules: the last matching pattern decides; a pattern that
    matches a folder matches everything in it; `!` lets a path back in."""

    rules: list[tuple[bool, re.Pattern[str], str]]

    @classmethod
    def read(cls, path: Path) -> DockerIgnore:
        rules = []
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            keep = line.startswith("!")
            pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
            rules.append((keep, re.compile(_glob_regex(pattern)), pattern))
        return cls(rules)

    def excluded(self, relative: str) -> bool:
        parts = relative.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        verdict = False
        for keep, regex, _ in self.rules:
            if any(regex.fullmatch(prefix) for prefix in prefixes):
                verdict = not keep
        return verdict

    def may_keep_inside(self, relative: str) -> bool:
        """Whether an exception could let something under an excluded folder back in."""
        return any(keep and (pattern.startswith(relative + "/") or "*" in pattern)
                   for keep, _, pattern in self.rules)

    def copy_context(self, root: Path, target: Path) -> list[str]:
        """Copy the build context `docker build` would send; return its relative paths."""
        sent = []
        for folder, dirs, files in os.walk(root):
            here = Path(folder).relative_to(root).as_posix()
            here = "" if here == "." else here + "/"
            dirs[:] = [d for d in dirs if not self.excluded(here + d)
                       or self.may_keep_inside(here + d)]
            for name in files:
                relative = here + name
                if not self.excluded(relative):
                    (target / relative).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(Path(folder) / name, target / relative)
                    sent.append(relative)
        return sent


def _glob_regex(pattern: str) -> str:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return out
