"""The Kubernetes schema extensions, one at a time, on a small CRD of our own: what
`kubectl apply --validate=strict` accepts passes, what it refuses is refused."""

from typing import Any

import pytest

from .crd_schema import CustomResourceDefinitions

pytestmark = pytest.mark.unit

SPEC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "port": {
            "x-kubernetes-int-or-string": True,
            "anyOf": [{"type": "integer"}, {"type": "string"}],
        },
        "note": {"type": "string", "nullable": True},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "partly": {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": True,
            "properties": {"known": {"type": "integer"}},
        },
        "anything": {"x-kubernetes-preserve-unknown-fields": True},
        "closed": {"type": "object"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "template": {"type": "object", "x-kubernetes-embedded-resource": True, "properties": {}},
        "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
        "size": {"type": "integer", "format": "int64"},
        "items": {  # a property named like a keyword is still a property
            "type": "array",
            "items": {"type": "object", "properties": {"type": {"type": "string"}}},
        },
    },
}
CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Widget", "plural": "widgets"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "apiVersion": {"type": "string"},
                            "kind": {"type": "string"},
                            "metadata": {
                                "type": "object",
                                "properties": {"name": {"type": "string", "maxLength": 10}},
                            },
                            "spec": SPEC,
                        },
                    }
                },
            },
            {"name": "v0", "served": False, "storage": False, "schema": {}},
        ],
    },
}
CRDS = CustomResourceDefinitions([CRD])


def errors(spec: dict[str, Any], **top: Any) -> list[str]:
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    return CRDS.errors({**widget, "spec": spec, **top})


@pytest.mark.parametrize(
    "spec",
    [
        {"port": 8080},
        {"port": "http"},
        {"note": None},
        {"note": "text"},
        {"free": {"any": {"thing": [1]}}},
        {"partly": {"known": 1, "unknown": "kept"}},
        {"anything": [1, "two", None]},
        {"closed": {}},
        {"labels": {"a": "b"}},
        {"template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}},
        {"tags": ["a", "b"]},
        {"size": 2**40},
        {"items": [{"type": "x"}]},
    ],
)
def test_what_the_api_server_takes_passes(spec: dict[str, Any]) -> None:
    assert errors(spec) == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"port": 1.5}, "spec.port: 1.5 is not of type 'integer', 'string'"),
        ({"port": True}, "spec.port: True is not of type 'integer', 'string'"),
        ({"port": None}, "spec.port: None is not of type 'integer', 'string'"),
        ({"note": 1}, "spec.note: 1 is not valid under any of the given schemas"),
        ({"size": None}, "spec.size: None is not of type 'integer'"),
        ({"partly": {"known": "one"}}, "spec.partly.known: 'one' is not of type 'integer'"),
        ({"closed": {"x": 1}}, "spec.closed: Additional properties are not allowed ('x'"),
        ({"labels": {"a": 1}}, "spec.labels.a: 1 is not of type 'string'"),
        ({"template": {"spec": {}}}, "spec.template: Additional properties are not allowed"),
        ({"tags": ["a", "a"]}, "spec.tags: ['a', 'a'] has non-unique elements"),
        ({"size": 2**63}, "spec.size: 9223372036854775808 is not a 'int64'"),
        ({"items": [{"typo": "x"}]}, "spec.items.0: Additional properties are not allowed"),
        ({"extra": 1}, "spec: Additional properties are not allowed ('extra' was unexpected)"),
    ],
)
def test_what_strict_validation_refuses_is_refused(spec: dict[str, Any], expected: str) -> None:
    found = errors(spec)
    assert any(expected in error for error in found), found
    field = expected.split(":", maxsplit=1)[0]
    assert all(f"Widget w: {field}:" in error for error in found), found  # nothing else


def test_metadata_takes_what_a_manifest_sets_and_what_the_crd_says_of_the_name() -> None:
    metadata = {"name": "w", "namespace": "ns", "labels": {"a": "b"}, "annotations": {"c": "d"}}
    assert errors({}, metadata=metadata) == []
    [too_long] = errors({}, metadata={"name": "eleven-char"})
    assert "metadata.name: 'eleven-char' is too long" in too_long
    [server_set] = errors({}, metadata={"name": "w", "uid": "1"})
    assert "'uid' was unexpected" in server_set


def test_the_version_must_be_defined_and_served() -> None:
    [missing] = errors({}, apiVersion="example.com/v2")
    assert "example.com serves no version 'v2', only ['v0', 'v1']" in missing
    [unserved] = errors({}, apiVersion="example.com/v0")
    assert "example.com/v0 is defined but not served" in unserved
    [unknown] = errors({}, kind="Gadget")
    assert "no CRD defines kind 'Gadget' in group 'example.com'" in unknown
