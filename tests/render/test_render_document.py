"""The JSON document of a plan: the published format 1, and exact round trips for saved plans."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from provisioner.errors import PlanError
from provisioner.plan.document import plan_from_document, plan_from_json, plan_to_document
from provisioner.plan.model import Plan
from provisioner.render.json import render_json

TOP_KEYS = [
    "format_version",
    "digest",
    "summary",
    "access_delta",
    "changes",
    "drift",
    "unmanaged",
    "warnings",
    "pending",
    "unsafe",
    "adopt",
    "forget",
    "protect",
    "platforms",
    "people",
    "config_digest",
    "state_digest",
    "config_path",
    "created_at",
]
CHANGE_KEYS = [  # DESIGN §5's order, then the keys a saved plan needs
    "address",
    "shop",
    "platform",
    "kind",
    "name",
    "action",
    "execution",
    "reason",
    "fields",
    "key",
    "depends_on",
    "remote_id",
    "agent",
    "meta",
    "steps",
]


def test_round_trip_is_exact(rich_plan: Plan) -> None:
    assert plan_from_document(plan_to_document(rich_plan)) == rich_plan


def test_round_trip_through_json_text_keeps_tuples(rich_plan: Plan) -> None:
    again = plan_from_json(render_json(rich_plan))
    assert again == rich_plan
    members = again.changes[4].fields[0]
    assert members.before == ("阿杰",) and isinstance(members.after, tuple)
    assert again.adopt[0].fields["members"] == ("磊磊",)
    assert again.unmanaged[0].fields == (("status", "active"), ("roles", ("客服",)))
    assert again.changes[1].fields[2].after is True
    assert again.changes[1].fields[3].after == 80


def test_empty_plan_round_trips() -> None:
    assert plan_from_document(plan_to_document(Plan())) == Plan()


def test_document_keys_follow_the_contract(rich_plan: Plan) -> None:
    document = plan_to_document(rich_plan)
    assert list(document) == TOP_KEYS
    assert document["format_version"] == "1"
    assert document["summary"] == {
        "create": 3,
        "update": 3,
        "delete": 2,
        "manual": 3,
        "unchanged": 40,
    }
    assert list(document["changes"][0]) == CHANGE_KEYS
    assert document["changes"][2]["fields"] == [
        {"field": "roles", "before": ["cs-lead"], "after": ["shop-manager"]}
    ]
    assert document["changes"][2]["depends_on"] == ["acme-tmall/role/shop-manager#create:api"]
    assert list(document["drift"][0]) == [
        "address",
        "shop",
        "kind",
        "name",
        "field",
        "recorded",
        "live",
    ]
    assert document["forget"] == ["acme-old/account/旧号"]
    assert document["platforms"][0] == {"shop": "acme-ks", "platform": "kuaishou"}


def test_json_rendering_is_readable_and_stable(rich_plan: Plan) -> None:
    text = render_json(rich_plan)
    assert text.endswith("}\n")
    assert "小王" in text  # not \u-escaped
    assert json.loads(text) == plan_to_document(rich_plan)
    assert render_json(rich_plan) == text


@pytest.mark.parametrize("version", ["2", 1, None])
def test_other_format_versions_are_refused(rich_plan: Plan, version: object) -> None:
    document = plan_to_document(rich_plan)
    document["format_version"] = version
    with pytest.raises(PlanError, match="unsupported plan format_version"):
        plan_from_document(document)


def _broken(document: dict[str, Any], path: tuple[Any, ...], value: object) -> dict[str, Any]:
    result = copy.deepcopy(document)
    target = result
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return result


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("changes",), KeyError, r"plan: missing key 'changes'"),
        (("changes",), {}, r"plan\.changes: expected an array, found an object"),
        (("changes", 0, "action"), "replace", r"changes\[0\]\.action: 'replace' is not one of"),
        (("changes", 1, "address"), "acme/user/x", r"changes\[1\]\.address: 'acme/user/x' is not"),
        (("changes", 1, "fields", 0, "after"), 1.5, r"fields\[0\]\.after: expected a string, num"),
        (
            ("changes", 1, "fields", 1, "after"),
            ["a", 2],
            r"after\[1\]: expected a string, found an",
        ),
        (("drift", 0, "live"), {"a": 1}, r"drift\[0\]\.live: expected a string, number"),
        (
            ("pending", 0, "task_id"),
            "7",
            r"pending\[0\]\.task_id: expected an integer, found a str",
        ),
        (("summary", "unchanged"), True, r"summary\.unchanged: expected an integer, found a bool"),
        (("unmanaged", 0, "mode"), "keep", r"unmanaged\[0\]\.mode: 'keep' is not one of"),
        (("forget", 0), 3, r"forget\[0\]: expected a string, found an integer"),
        (("digest",), None, r"plan\.digest: expected a string, found null"),
    ],
)
def test_malformed_documents_name_the_place(
    rich_plan: Plan, path: tuple[Any, ...], value: object, message: str
) -> None:
    document = _broken(plan_to_document(rich_plan), path, value)
    with pytest.raises(PlanError, match=r"^malformed plan file: .*" + message):
        plan_from_document(document)


@pytest.mark.parametrize("text", ["", "{", "[]", '"plan"'])
def test_text_that_is_no_plan_is_refused(text: str) -> None:
    with pytest.raises(PlanError, match="malformed plan file"):
        plan_from_json(text)


def test_unknown_keys_are_ignored_so_format_1_can_grow(rich_plan: Plan) -> None:
    document = plan_to_document(rich_plan)
    document["added_later"] = {"anything": True}
    document["changes"][0]["added_later"] = 1
    assert plan_from_document(document) == rich_plan


def test_a_format_1_file_from_before_people_had_names_still_reads(rich_plan: Plan) -> None:
    document = plan_to_document(rich_plan)
    assert document["people"][0] == {"agent": "huang.li", "name": "黄丽"}
    del document["people"]
    assert plan_from_document(document).people == ()
