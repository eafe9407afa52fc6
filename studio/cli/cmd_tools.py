"""Ecosystem helpers: `dreamstudio completion bash|zsh|fish` and `dreamstudio schema` (the
JSON Schema of `.dream` files for editors and CI)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .common import EXIT_OK, emit_text

SHELLS = ("bash", "zsh", "fish")


def register(sub: Any) -> None:
    p = sub.add_parser("completion", help="print a shell completion script (bash, zsh, fish)")
    p.add_argument("shell", choices=SHELLS)
    p.set_defaults(func=cmd_completion)

    p = sub.add_parser("schema", help="print (or write) the JSON Schema of .dream files")
    p.add_argument("-o", "--output", metavar="FILE", help="write the schema here")
    p.set_defaults(func=cmd_schema)


# ----------------------------------------------------------------- completion
def command_table() -> dict[str, dict[str, list[str]]]:
    """Every subcommand with its options, and the choices of options that have them."""
    from .main import build_parser

    parser = build_parser()
    table: dict[str, dict[str, list[str]]] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                options: dict[str, list[str]] = {}
                for sub_action in sub._actions:
                    for flag in sub_action.option_strings:
                        options[flag] = [str(c) for c in sub_action.choices or ()]
                positional_choices = [
                    str(c)
                    for a in sub._actions
                    if not a.option_strings and a.choices and not isinstance(a.choices, dict)
                    for c in a.choices
                ]
                if positional_choices:
                    options[""] = positional_choices
                table[name] = options
    return table


def bash_script(table: dict[str, dict[str, list[str]]]) -> str:
    cases = []
    for name, options in table.items():
        flags = " ".join(f for f in options if f)
        choice_cases = "".join(
            f'            {flag}) COMPREPLY=($(compgen -W "{" ".join(values)}" -- "$cur")); return;;\n'
            for flag, values in options.items()
            if flag and values
        )
        words = " ".join(options.get("", []))
        cases.append(
            f"        {name})\n"
            f'            case "$prev" in\n{choice_cases}            esac\n'
            f'            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "{flags}" -- "$cur"))\n'
            f'            elif [[ -n "{words}" ]]; then COMPREPLY=($(compgen -W "{words}" -- "$cur"))\n'
            f'            else COMPREPLY=($(compgen -f -- "$cur")); fi;;\n'
        )
    commands = " ".join(table)
    return (
        '# dreamstudio completion for bash: eval "$(dreamstudio completion bash)"\n'
        "_dreamstudio() {\n"
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"\n'
        "    if [[ $COMP_CWORD -eq 1 ]]; then\n"
        f'        COMPREPLY=($(compgen -W "{commands} --version --help" -- "$cur")); return\n'
        "    fi\n"
        '    case "${COMP_WORDS[1]}" in\n' + "".join(cases) + "    esac\n"
        "}\n"
        "complete -o default -F _dreamstudio dreamstudio\n"
    )


def zsh_script(table: dict[str, dict[str, list[str]]]) -> str:
    return (
        "#compdef dreamstudio\n"
        "# dreamstudio completion for zsh: dreamstudio completion zsh > ~/.zfunc/_dreamstudio\n"
        "autoload -U +X bashcompinit && bashcompinit\n" + bash_script(table)
    )


def fish_script(table: dict[str, dict[str, list[str]]]) -> str:
    lines = ["# dreamstudio completion for fish: dreamstudio completion fish | source"]
    lines.append("complete -c dreamstudio -f")
    for name in table:
        lines.append(f"complete -c dreamstudio -n __fish_use_subcommand -a {name}")
    for name, options in table.items():
        when = f"-n '__fish_seen_subcommand_from {name}'"
        for flag, values in options.items():
            choices = f" -x -a '{' '.join(values)}'" if values else ""
            if not flag:
                lines.append(f"complete -c dreamstudio {when}{choices}")
            elif flag.startswith("--"):
                lines.append(f"complete -c dreamstudio {when} -l {flag[2:]}{choices}")
            else:
                lines.append(f"complete -c dreamstudio {when} -s {flag[1:]}{choices}")
        lines.append(f"complete -c dreamstudio {when} -F")
    return "\n".join(lines) + "\n"


def cmd_completion(args: argparse.Namespace) -> int:
    table = command_table()
    script = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}[args.shell](table)
    sys.stdout.write(script)
    return EXIT_OK


# --------------------------------------------------------------------- schema
def schema_text() -> str:
    from studio.io.dream_schema import dream_schema

    return json.dumps(dream_schema(), indent=2, ensure_ascii=False) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    emit_text(schema_text(), args.output, "the schema")
    return EXIT_OK
