"""Every ``--help`` shows the words its text writes in square brackets ([desk], [stamp], [staff]).

Help texts name docgen.toml sections and roles in brackets; a help renderer that reads them
as markup drops them without a word ("default  port"). Every command and group of the Typer
app is walked, its help texts (the command's own and each parameter's) collected from the
click command Typer builds, and its ``--help`` output searched for each bracketed phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
import typer.main
from typer.testing import CliRunner

from docgen.cli import app

runner = CliRunner()
BRACKETED = re.compile(r"\[[^\[\]\n]+\]")


def _every_command() -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """(path, command) for the root, every group and every command below it."""
    stack: list[tuple[tuple[str, ...], click.Command]] = [((), typer.main.get_command(app))]
    while stack:
        path, command = stack.pop()
        yield path, command
        stack += [((*path, name), sub) for name, sub in getattr(command, "commands", {}).items()]


COMMANDS = dict(_every_command())


def _bracketed(command: click.Command) -> list[str]:
    """The bracketed phrases of the command's help and of its parameters' help, as written."""
    texts = [(command.help or "").partition("\f")[0]]
    texts += [getattr(param, "help", None) or "" for param in command.params]
    return sorted({" ".join(found.split()) for text in texts for found in BRACKETED.findall(text)})


def test_help_texts_do_use_brackets_so_the_walk_checks_something():
    phrases = {phrase for command in COMMANDS.values() for phrase in _bracketed(command)}
    assert {"[desk]", "[register]", "[disposition]"} <= phrases, phrases


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(p) or "docgen")
def test_every_help_shows_each_bracketed_word_of_its_text(path):
    result = runner.invoke(app, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.split())  # help is wrapped to the terminal: compare word by word
    missing = [phrase for phrase in _bracketed(COMMANDS[path]) if phrase not in shown]
    assert not missing, f"docgen {' '.join(path)} --help drops {missing}"
