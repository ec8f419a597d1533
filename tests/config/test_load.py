"""Valid configurations: the example, configs split over files, YAML merge keys, the schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from provisioner.cli.main import main
from provisioner.config.loader import load_config
from provisioner.config.schema import schema_errors, schema_text
from provisioner.config.yamlsource import parse

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
SCHEMA = ROOT / "schemas" / "provisioner.schema.json"
# Provisioner configs; examples/ci holds CI pipelines, checked by their own linters.
EXAMPLE_FILES = sorted(
    p
    for p in EXAMPLES.rglob("*")
    if p.suffix in (".yaml", ".yml") and p.relative_to(EXAMPLES).parts[0] != "ci"
)
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_example_validates_with_a_one_line_summary(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")

    code = main(["validate", "-c", "examples/acme"])

    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == "Valid: 5 shops, 5 roles, 14 agents, 32 accounts (7 files).\n"
    assert captured.err == ""  # not one warning: the example is what a clean config looks like


UNMAPPED = """version: 1
roles:
  admin: {permissions: [chat.reply, order.modify_status, subaccount.manage]}
shops:
  ks: {platform: kuaishou, name: 快手店}
  pdd: {platform: pinduoduo, name: 拼多多店}
agents:
  wang:
    name: 王
    phone: "13800000000"
    accounts:
      - {shop: ks, nickname: 小王, roles: [admin]}
      - {shop: pdd, nickname: 小王, roles: [admin]}
"""


def test_an_unmapped_permission_warns_only_where_an_api_must_send_its_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kuaishou binds templates to its own roles by API: a permission none of them carries
    # cannot be granted there. On Pinduoduo a person ticks boxes: the steps name the permission.
    monkeypatch.chdir(write(tmp_path, {"provisioner.yaml": UNMAPPED}))
    monkeypatch.setenv("NO_COLOR", "1")

    code = main(["validate"])

    err = capsys.readouterr().err
    assert code == 0
    assert err == (
        "warning: provisioner.yaml:3:3: roles.admin: no native mapping for subaccount.manage "
        "on kuaishou: manual steps will name them\n"
    )


def test_a_config_split_across_files_merges(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "settings.yaml": "version: 1\n",
            "shops/tmall.yaml": "shops:\n  acme-tmall: {platform: tmall, main_account: acme}\n",
            "shops/pdd.yml": "shops:\n  acme-pdd: {platform: pinduoduo}\n",
            "roles.yaml": "roles:\n  presales: {permissions: [chat.reply]}\n",
            "agents/a.yaml": (
                "agents:\n  wang:\n    accounts:\n"
                "      - {shop: acme-tmall, nickname: 小王, roles: [presales]}\n"
            ),
            "agents/b.yaml": (
                "agents:\n  li:\n    accounts:\n"
                "      - {shop: acme-pdd, nickname: 娜娜, roles: [presales]}\n"
            ),
            ".hidden/ignored.yaml": "this: is not read\n",
            "notes.txt": "neither is this\n",
        },
    )

    loaded = load_config(config)

    assert set(loaded.config.shops) == {"acme-tmall", "acme-pdd"}
    assert set(loaded.config.agents) == {"wang", "li"}
    assert [p.relative_to(config).as_posix() for p in loaded.files] == [
        "agents/a.yaml",
        "agents/b.yaml",
        "roles.yaml",
        "settings.yaml",
        "shops/pdd.yml",
        "shops/tmall.yaml",
    ]
    assert loaded.base_dir == config
    assert loaded.digest.startswith("sha256:")


def test_a_single_file_is_a_config(tmp_path: Path) -> None:
    config = write(tmp_path, {"all.yaml": "version: 1\nshops:\n  s: {platform: jd}\n"})
    loaded = load_config(config / "all.yaml")
    assert list(loaded.config.shops) == ["s"]
    assert loaded.base_dir == config


def test_yaml_merge_keys_share_defaults() -> None:
    document = parse("""\
defaults: &tmall-presales
  shop: acme-tmall
  roles: [presales]
  reception_limit: 80
agents:
  wang:
    accounts:
      - <<: *tmall-presales
        nickname: 小王
  li:
    accounts:
      - <<: [*tmall-presales, {schedule: daytime}]
        nickname: 娜娜
        reception_limit: 40
""")
    wang = document.data["agents"]["wang"]["accounts"][0]
    li = document.data["agents"]["li"]["accounts"][0]

    assert wang == {
        "shop": "acme-tmall",
        "roles": ("presales",),
        "reception_limit": 80,
        "nickname": "小王",
    }
    assert li["reception_limit"] == 40  # the mapping's own key wins over the merged one
    assert li["schedule"] == "daytime"
    # A merged value is located where it is written: in the anchored mapping.
    assert document.locate(("agents", "li", "accounts", 0, "shop")) == (2, 9)
    assert document.locate(("agents", "li", "accounts", 0, "reception_limit")) == (14, 26)


def test_merge_keys_validate_end_to_end(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "config.yaml": """\
version: 1
shops:
  acme-ks: &ks {platform: kuaishou, endpoint: sandbox}
  acme-ks-2:
    <<: *ks
    name: 第二家店
agents:
  wang:
    accounts:
      - &account {shop: acme-ks, nickname: 小王}
      - <<: *account
        shop: acme-ks-2
    phone: "13800000001"
""",
        },
    )
    loaded = load_config(config)
    assert loaded.config.shops["acme-ks-2"].platform == "kuaishou"
    assert loaded.config.shops["acme-ks-2"].name == "第二家店"
    assert [a.shop for a in loaded.config.agents["wang"].accounts] == ["acme-ks", "acme-ks-2"]


def test_scalars_are_read_predictably() -> None:
    document = parse(
        "a: 10086\nb: '10086'\nc: 18:00\nd: yes\ne: true\nf: 2024-01-01\ng: 0755\nh: 1.5\n"
        "i: ~\nj: 0x1F\n10086: key\nk: !!str 5\nl: !!int 7\nm: !!null x\nn: ! 5\no: -.5\n"
        "p: 1_000\nq: |\n  text\n"
    )
    assert document.data == {
        "a": 10086,
        "b": "10086",
        "c": "18:00",
        "d": "yes",
        "e": True,
        "f": "2024-01-01",
        "g": "0755",
        "h": 1.5,
        "i": None,
        "j": 31,
        "10086": "key",
        "k": "5",
        "l": 7,
        "m": None,
        "n": "5",
        "o": -0.5,
        "p": 1000,
        "q": "text\n",
    }


def test_the_committed_schema_is_current() -> None:
    committed = SCHEMA.read_text(encoding="utf-8")
    assert committed == schema_text(plugins=False), (
        "run: provisioner schema --out schemas/provisioner.schema.json"
    )


def test_the_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == schema_text()


def test_the_schema_command_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    assert main(["schema", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schema_text()


def test_there_are_examples() -> None:
    assert len(EXAMPLE_FILES) >= 5


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_every_example_file_points_editors_at_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = SCHEMA_LINE.search(text.splitlines()[0])
    assert found, f"{path.name}: the first line must be '# yaml-language-server: $schema=…'"
    assert (path.parent / found.group(1)).resolve() == SCHEMA.resolve()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_every_example_file_validates_against_the_schema(path: Path) -> None:
    document = parse(path.read_text(encoding="utf-8"))
    assert schema_errors(document.data) == []


def test_the_schema_catches_what_an_editor_should_flag() -> None:
    errors = schema_errors({"shops": {"s": {"platfrom": "tmall"}}, "agents": {"a": {"phone": 1}}})
    assert any("platfrom" in error for error in errors)
    assert any(error.startswith("agents/a/phone") for error in errors)


def test_examples_are_found_from_any_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    loaded = load_config(EXAMPLES / "acme")
    assert len(loaded.config.agents) == 14


def test_the_digest_does_not_depend_on_the_working_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    from_root = load_config(Path("examples/acme")).digest
    monkeypatch.chdir(EXAMPLES)
    from_examples = load_config(Path("acme")).digest
    monkeypatch.chdir(EXAMPLES / "acme" / "agents")
    from_inside = load_config(Path("..")).digest
    assert from_root == from_examples == from_inside


def test_the_digest_changes_with_the_content(tmp_path: Path) -> None:
    config = write(tmp_path, {"a.yaml": "version: 1\n"})
    before = load_config(config).digest
    write(tmp_path, {"a.yaml": "version: 1\nshops: {}\n"})
    assert load_config(config).digest != before
