"""Rule packs are discovered, never imported by name: entry points, the checkout's `plugins/`
folder and the user's plugin folder. A broken pack is reported with its name and skipped."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from .rule import Rule, validate_rule

ENTRY_POINT_GROUP = "dreamstudio.plugins"
USER_DIR_ENV = "DREAMSTUDIO_PLUGINS_DIR"


@dataclass
class Plugin:
    """What a rule pack declares: its name, version and rules."""

    name: str
    version: str
    rules: list[Any]
    description: str = ""


@dataclass
class PluginRecord:
    """One discovered pack: loaded (with its rule codes) or failed (with why)."""

    name: str
    origin: str
    version: str | None = None
    codes: list[str] = field(default_factory=list)
    error: str | None = None
    description: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "origin": self.origin,
            "rules": list(self.codes),
            "error": self.error,
            "description": self.description,
        }


@dataclass
class RuleSet:
    """Core rules plus every pack that loaded, with the packs that did not."""

    rules: list[Rule]
    plugins: list[PluginRecord]

    @property
    def errors(self) -> list[str]:
        return [f"plugin '{p.name}' ({p.origin}): {p.error}" for p in self.plugins if p.error]

    def by_code(self) -> dict[str, Rule]:
        return {rule.code: rule for rule in self.rules}


def repo_plugins_dir() -> Path | None:
    """The checkout's `plugins/` folder, or None for an installed studio: site-packages'
    `plugins/` belongs to whatever other distribution put it there, never to us."""
    import studio

    root = Path(studio.__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file() or not (root / "studio").is_dir():
        return None
    folder = root / "plugins"
    return folder if folder.is_dir() else None


def user_plugins_dir() -> Path:
    """Where a user drops their own packs (overridable for CI and tests)."""
    override = os.environ.get(USER_DIR_ENV)
    if override:
        return Path(override)
    from studio.identity import user_config_path

    return user_config_path() / "plugins"


class _Loader:
    def __init__(self, core: Iterable[Rule]) -> None:
        self.rules: list[Rule] = list(core)
        self.owner: dict[str, str] = {rule.code: "core" for rule in self.rules}
        self.records: list[PluginRecord] = []
        self.seen_objects: set[int] = set()
        self.seen_files: set[str] = set()

    def fail(self, name: str, origin: str, error: str) -> None:
        self.records.append(PluginRecord(name, origin, error=f"{error}; skipped"))

    def checked_rules(self, raw_rules: list[Any]) -> tuple[list[Rule], list[str]]:
        """A pack's rule objects (classes are instantiated) and every problem with them."""
        rules: list[Rule] = []
        problems: list[str] = []
        codes: set[str] = set()
        for raw in raw_rules:
            try:
                rule: Any = raw() if inspect.isclass(raw) else raw  # validated below
            except Exception as exc:  # noqa: BLE001
                problems.append(f"{raw!r} could not be created: {exc}")
                continue
            problems += validate_rule(rule)
            code = str(getattr(rule, "code", None))
            if code in self.owner:
                problems.append(
                    f"duplicate rule code {code} (already provided by '{self.owner[code]}')"
                )
            elif code in codes:
                problems.append(f"duplicate rule code {code} within the plugin")
            codes.add(code)
            rules.append(rule)
        return rules, problems

    def add(self, obj: Any, fallback_name: str, origin: str, module_file: str | None) -> None:
        """Register one pack's rules, or record why it was skipped."""
        if isinstance(obj, ModuleType):
            if module_file is None:
                module_file = getattr(obj, "__file__", None)
            found = getattr(obj, "plugin", None)
            if found is None:
                self.fail(fallback_name, origin, "module has no `plugin` object")
                return
            obj = found
        if id(obj) in self.seen_objects or (module_file and module_file in self.seen_files):
            return  # the same pack reached through two routes (entry point and folder)
        name = getattr(obj, "name", None)
        if not isinstance(name, str) or not name.strip():
            self.fail(fallback_name, origin, "plugin has no name")
            return
        if any(r.name == name and r.ok for r in self.records):
            self.fail(name, origin, f"another plugin named '{name}' is already loaded")
            return
        version = getattr(obj, "version", None)
        try:
            raw_rules = list(getattr(obj, "rules", None) or [])
        except Exception as exc:  # noqa: BLE001 - a pack's own bug
            self.fail(name, origin, f"could not list rules: {type(exc).__name__}: {exc}")
            return
        if not raw_rules:
            self.fail(name, origin, "plugin declares no rules")
            return
        rules, problems = self.checked_rules(raw_rules)
        if problems:
            self.fail(name, origin, "; ".join(problems))
            return
        for rule in rules:
            try:
                rule.plugin = name
            except AttributeError:
                pass
            self.owner[rule.code] = name
        self.rules += rules
        self.seen_objects.add(id(obj))
        if module_file:
            self.seen_files.add(module_file)
        description = getattr(obj, "description", "") or ""
        self.records.append(
            PluginRecord(
                name,
                origin,
                str(version) if version is not None else None,
                [r.code for r in rules],
                None,
                str(description),
            )
        )

    def from_entry_points(self, entry_points: Iterable[metadata.EntryPoint]) -> None:
        for ep in entry_points:
            origin = f"entry point {ep.name} = {ep.value}"
            try:
                obj = ep.load()
            except Exception as exc:  # noqa: BLE001 - a broken pack must not stop the run
                self.fail(ep.name, origin, _import_error(exc))
                continue
            file = getattr(sys.modules.get(ep.module), "__file__", None)
            self.add(obj, ep.name, origin, str(Path(file).resolve()) if file else None)

    def from_folder(self, folder: Path, *, fallback: bool = False) -> None:
        """Each sub-package or .py file in `folder` is a pack exposing `plugin`. A `fallback`
        folder (the checkout's) only supplies packs not already installed under that name."""
        loaded = {r.name for r in self.records if r.ok}
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith(("_", ".")):
                continue
            if entry.is_dir() and (entry / "__init__.py").is_file():
                stem, init = entry.name, entry / "__init__.py"
            elif entry.is_file() and entry.suffix == ".py":
                stem, init = entry.stem, entry
            else:
                continue
            origin = f"folder {entry}"
            if str(init.resolve()) in self.seen_files or (fallback and stem in loaded):
                continue
            try:
                module = _import_from(init, stem)
            except Exception as exc:  # noqa: BLE001
                self.fail(stem, origin, _import_error(exc))
                continue
            self.add(module, stem, origin, str(init.resolve()))


def _import_error(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" (at {Path(where[0].filename).name}:{where[0].lineno})" if where else ""
    return f"import failed: {type(exc).__name__}: {exc}{at}"


def _import_from(init: Path, stem: str) -> ModuleType:
    """Import a folder's pack under a private name, so that no installed package (a foreign
    top-level `plugins`, say) is ever imported or shadowed by it."""
    digest = hashlib.sha1(str(init.resolve()).encode()).hexdigest()[:10]
    name = f"_dreamstudio_plugin_{digest}_{stem}"
    if name in sys.modules:
        return sys.modules[name]
    is_package = init.name == "__init__.py"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(init.parent)] if is_package else None
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {init}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def discover(
    core: Iterable[Rule],
    *,
    entry_points: Iterable[metadata.EntryPoint] | None = None,
    folders: Iterable[Path] | None = None,
    use_entry_points: bool = True,
    use_repo_folder: bool = True,
    use_user_folder: bool = True,
) -> RuleSet:
    """Load every pack: entry points first, then the checkout's folder, then the user's."""
    loader = _Loader(core)
    if use_entry_points:
        eps = (
            entry_points
            if entry_points is not None
            else metadata.entry_points(group=ENTRY_POINT_GROUP)
        )
        loader.from_entry_points(eps)
    if use_repo_folder:
        repo = repo_plugins_dir()
        if repo is not None:
            loader.from_folder(repo, fallback=True)
    if use_user_folder:
        loader.from_folder(user_plugins_dir())
    for folder in folders or ():
        loader.from_folder(Path(folder))
    return RuleSet(loader.rules, loader.records)
