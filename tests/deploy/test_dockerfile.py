"""The one Dockerfile stays in step with the workspace and keeps its promises."""

import tomllib
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"), cache_content=True)
    parser.content  # noqa: B018 - read once, while the file is open
    return parser


def stages(dockerfile: DockerfileParser) -> list[list[dict[str, str]]]:
    result: list[list[dict[str, str]]] = []
    for instruction in dockerfile.structure:
        if instruction["instruction"] == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


def members() -> list[Path]:
    return sorted(p.parent for p in ROOT.glob("libs/*/pyproject.toml")) + sorted(
        p.parent for p in ROOT.glob("services/*/pyproject.toml")
    )


def test_every_workspace_member_is_known_to_the_build(dockerfile: DockerfileParser) -> None:
    copied = {i["value"].split()[0] for i in dockerfile.structure if i["instruction"] == "COPY"}
    missing = [
        str(m.relative_to(ROOT) / "pyproject.toml")
        for m in members()
        if str(m.relative_to(ROOT) / "pyproject.toml") not in copied
    ]
    assert missing == [], "COPY these into the dependency layer of the Dockerfile"


def test_every_service_is_installed_and_nothing_for_tests(dockerfile: DockerfileParser) -> None:
    services = {
        tomllib.loads((m / "pyproject.toml").read_text())["project"]["name"]
        for m in members()
        if m.parent.name == "services"
    }
    arg = next(
        i["value"]
        for i in dockerfile.structure
        if i["instruction"] == "ARG" and i["value"].startswith("SERVICES=")
    )
    installed = set(arg.split("=", 1)[1].strip('"').replace("--package", "").split())
    assert installed == services
    assert "switchboard-testing" not in installed


def stage_named(dockerfile: DockerfileParser, name: str) -> list[dict[str, str]]:
    return next(stage for stage in stages(dockerfile) if stage[0]["value"].split()[-1] == name)


@pytest.mark.parametrize("target", ["runtime", "twitter-sim"])
def test_targets_are_non_root_without_build_tools(
    dockerfile: DockerfileParser, target: str
) -> None:
    final = stage_named(dockerfile, target)
    users = [i["value"] for i in final if i["instruction"] == "USER"]
    assert users, f"the {target} stage must set USER"
    assert users[-1].split(":")[0] not in {"0", "root"}
    copied_from = [i["value"] for i in final if i["instruction"] == "COPY"]
    assert not any("--from=uv" in value for value in copied_from)
    assert not any(i["instruction"] == "RUN" and "apt-get install" in i["value"] for i in final)


def test_the_services_image_is_the_default_target(dockerfile: DockerfileParser) -> None:
    assert stages(dockerfile)[-1][0]["value"].split()[-1] == "runtime"


def test_both_targets_share_a_healthcheck(dockerfile: DockerfileParser) -> None:
    common = stage_named(dockerfile, "common")
    assert any(i["instruction"] == "HEALTHCHECK" for i in common)
    for target in ("runtime", "twitter-sim"):
        assert stage_named(dockerfile, target)[0]["value"].split()[0] == "common"


def build_arg(dockerfile: DockerfileParser, name: str) -> str:
    return str(
        next(
            i["value"].split("=", 1)[1]
            for i in dockerfile.structure
            if i["instruction"] == "ARG" and i["value"].startswith(f"{name}=")
        )
    )


def test_base_images_are_pinned(dockerfile: DockerfileParser) -> None:
    default = build_arg(dockerfile, "PYTHON_IMAGE")
    assert ":" in default
    assert not default.endswith(":latest")
    assert "astral-sh/uv:0." in build_arg(dockerfile, "UV_IMAGE")
