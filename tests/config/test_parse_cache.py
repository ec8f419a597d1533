"""The parse cache: unchanged files are not parsed again, and nothing a user sees changes.

Every run goes through the real CLI (`validate`); the cache is inspected and damaged on disk,
as a stray editor, a full disk or a killed process would leave it.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from provisioner.cli.main import main
from provisioner.config import parsecache

SETTINGS = "version: 1\n"
SHOPS = "shops:\n  acme-pdd: {platform: pinduoduo}\n"
ROLES = "roles:\n  presales: {permissions: [chat.reply]}\n"


def agents(*names: str) -> str:
    lines = ["agents:"]
    for number, name in enumerate(names):
        lines += [
            f"  {name}:",
            "    accounts:",
            f"      - {{shop: acme-pdd, nickname: n{number}, roles: [presales]}}",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    root = tmp_path / "org"
    root.mkdir()
    for name, text in {
        "settings.yaml": SETTINGS,
        "shops.yaml": SHOPS,
        "roles.yaml": ROLES,
        "agents.yaml": agents("wang", "li"),
    }.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def validate(root: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", "-c", str(root.name)])
    return code, out.getvalue(), err.getvalue()


def cache_of(root: Path) -> Path:
    return parsecache.cache_path(root)


VALID = (0, "Valid: 1 shop, 1 role, 2 agents, 2 accounts (4 files).\n", "")


def test_a_run_keeps_every_clean_file_and_the_next_one_reads_them(config: Path) -> None:
    assert validate(config) == VALID
    entries = parsecache.load(cache_of(config))
    raw = (config / "agents.yaml").read_bytes()
    assert len(entries) == 4
    assert entries[parsecache.content_key(raw)]["agents"]["li"]["accounts"][0]["nickname"] == "n1"

    # Proof that the second run reads the cache rather than the file: a (validly sealed) entry
    # saying something else for the same content is what it reports.
    entries[parsecache.content_key(raw)] = {"agents": {}}
    parsecache.save(cache_of(config), entries)
    assert validate(config) == (0, "Valid: 1 shop, 1 role, 0 agents, 0 accounts (4 files).\n", "")


def test_a_changed_file_is_parsed_again_and_a_removed_one_forgotten(config: Path) -> None:
    assert validate(config) == VALID
    (config / "agents.yaml").write_text(agents("wang", "li", "zhao"), encoding="utf-8")
    assert validate(config)[1] == "Valid: 1 shop, 1 role, 3 agents, 3 accounts (4 files).\n"
    (config / "roles.yaml").unlink()
    (config / "shops.yaml").write_text(SHOPS + ROLES, encoding="utf-8")
    assert validate(config)[1] == "Valid: 1 shop, 1 role, 3 agents, 3 accounts (3 files).\n"
    assert len(parsecache.load(cache_of(config))) == 3


def test_errors_are_located_exactly_as_without_the_cache(config: Path) -> None:
    # Semantic errors in a cleanly parsed (so cached) file, and a duplicate key (never cached).
    (config / "agents.yaml").write_text(
        agents("wang", "li").replace("roles: [presales]}", "roles: [presale]}", 1),
        encoding="utf-8",
    )
    (config / "shops.yaml").write_text(
        "shops:\n  acme-pdd:\n    platform: pinduoduo\n    nam: ACME\n", encoding="utf-8"
    )
    (config / "roles.yaml").write_text(ROLES + "  presales: {permissions: []}\n", encoding="utf-8")
    first = validate(config)
    assert first[0] == 1
    assert first[2].splitlines() == [
        "org/agents.yaml:4:48: agents.wang.accounts[0].roles[0]: unknown role 'presale'; "
        "did you mean 'presales'?",
        "org/roles.yaml:3:3: roles.presales: duplicate key 'presales' (first defined at line 2:3)",
        "org/shops.yaml:4:5: shops.acme-pdd.nam: unknown key 'nam'; did you mean 'name'?",
        "error: 3 errors in the configuration",
    ]
    cached = parsecache.load(cache_of(config))
    assert parsecache.content_key((config / "shops.yaml").read_bytes()) in cached
    assert parsecache.content_key((config / "roles.yaml").read_bytes()) not in cached
    assert validate(config) == first
    assert validate(config) == first


def damage_truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-7])


def damage_flipped_byte(path: Path) -> None:
    blob = bytearray(path.read_bytes())
    blob[-20] ^= 0x01
    path.write_bytes(bytes(blob))


def damage_garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xff" * 500)


def damage_empty(path: Path) -> None:
    path.write_bytes(b"")


def damage_other_parser(path: Path) -> None:
    # Sealed correctly, but by a different parser (another provisioner version): not reused.
    blob = path.read_bytes()
    start = len(b"provisioner-parse-cache 1\n")
    path.write_bytes(blob[:start] + bytes(32) + blob[start + 32 :])


def damage_wrong_shape(path: Path) -> None:
    parsecache.save(path, {b"short": {"agents": {}}})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "damage",
    [
        damage_truncated,
        damage_flipped_byte,
        damage_garbage,
        damage_empty,
        damage_other_parser,
        damage_wrong_shape,
    ],
)
def test_a_damaged_cache_is_ignored_and_rewritten(config: Path, damage: object) -> None:
    assert validate(config) == VALID
    entries = parsecache.load(cache_of(config))
    assert callable(damage)
    damage(cache_of(config))
    assert parsecache.load(cache_of(config)) == {}
    assert validate(config) == VALID
    assert parsecache.load(cache_of(config)) == entries


def test_tampered_data_under_a_stale_seal_is_not_trusted(config: Path) -> None:
    assert validate(config) == VALID
    path = cache_of(config)
    blob = path.read_bytes()
    # Same length, different content, checksum left as it was: must be refused.
    path.write_bytes(blob.replace(b"wang", b"wong"))
    assert validate(config) == VALID


def test_a_cache_that_cannot_be_written_is_skipped(config: Path) -> None:
    (config / ".provisioner").mkdir()
    (config / ".provisioner" / "cache").write_text("not a directory", encoding="utf-8")
    assert validate(config) == VALID
    assert validate(config) == VALID
    assert (config / ".provisioner" / "cache").read_text(encoding="utf-8") == "not a directory"


def test_a_cache_committed_inside_the_config_is_never_read(config: Path) -> None:
    # A pull request can commit files under the config, even git-ignored ones: a validly sealed
    # cache there must not change what the YAML says.
    raw = (config / "agents.yaml").read_bytes()
    for planted in (config / ".provisioner" / "cache" / "parsed.bin", config / "parsed.bin"):
        parsecache.save(planted, {parsecache.content_key(raw): {"agents": {}}})
    assert validate(config) == VALID
    assert cache_of(config).is_relative_to(config) is False
