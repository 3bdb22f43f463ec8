"""``julep.api.types`` and its per-model modules, where julep 0.3.x code imported models."""

from __future__ import annotations

import importlib
import json
import os
import subprocess

import pytest

import julep
from julep import models

from .subprocesses import run_python

# A sample of 0.3.9's module names, the irregular ones among them (two-letter
# words, a trailing plural, an enum of an enum's field).
SAMPLE_039 = {
    "agent": "Agent",
    "doc_ids": "DocIds",
    "chat_ml_message": "ChatMlMessage",
    "chat_ml_image_content_part_image_url_detail": "ChatMlImageContentPartImageUrlDetail",
    "get_agent_docs_request_sort_by": "GetAgentDocsRequestSortBy",
    "create_agent_request_metadata": "CreateAgentRequestMetadata",
    "memory_entities_item": "MemoryEntitiesItem",
    "resource_created_response": "ResourceCreatedResponse",
}


@pytest.mark.parametrize(("module_name", "name"), sorted(SAMPLE_039.items()))
def test_a_model_imports_from_its_0_3_module(module_name: str, name: str) -> None:
    module = importlib.import_module(f"julep.api.types.{module_name}")
    assert getattr(module, name) is getattr(julep, name)
    assert module.__all__ == [name]


def test_the_package_holds_every_model() -> None:
    import julep.api.types as api_types

    assert set(api_types.__all__) == set(models.__all__)
    for name in models.__all__:
        assert getattr(api_types, name) is getattr(models, name)


def test_from_imports_in_a_fresh_interpreter() -> None:
    """The forms 0.3.x code wrote, each as the first import of the process."""
    code = (
        "from julep.api.types.agent import Agent\n"
        "import julep.api.types.user\n"
        "import julep, julep.api\n"
        "assert Agent is julep.Agent\n"
        "assert julep.api.types.user.User is julep.User\n"
        "assert julep.api.types.Session is julep.Session\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr


def test_every_module_of_0_3_9_imports() -> None:
    """Differential: each module of 0.3.9's julep.api.types, and the model it is named after."""
    python = os.environ.get("JULEP039_PYTHON")
    if not python:
        if os.environ.get("JULEP_REQUIRE_039"):
            pytest.fail("JULEP_REQUIRE_039 is set but JULEP039_PYTHON is not")
        pytest.skip("set JULEP039_PYTHON to a python with julep==0.3.9 (CI does)")
    listing = (
        "import inspect, json, julep.api.types as t\n"
        "print(json.dumps(sorted(n for n, v in vars(t).items() if inspect.ismodule(v))))\n"
    )
    found = subprocess.run(
        [python, "-c", listing],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=os.path.dirname(python),  # not this checkout: its julep would shadow 0.3.9's
    )
    module_names = json.loads(found.stdout)
    assert len(module_names) > 80
    for module_name in module_names:
        model_name = "".join(word.capitalize() for word in module_name.split("_"))
        module = importlib.import_module(f"julep.api.types.{module_name}")
        assert getattr(module, model_name) is getattr(julep, model_name), module_name


@pytest.mark.parametrize(
    ("module_name", "name"),
    [
        ("chat_ml_message_content_item", "ChatMlMessageContentItem_Text"),
        ("chat_ml_message_content_item", "ChatMlMessageContentItem_ImageUrl"),
        ("input_chat_ml_message_content_item", "InputChatMlMessageContentItem_Text"),
        ("input_chat_ml_message_content_item", "InputChatMlMessageContentItem_ImageUrl"),
    ],
)
def test_a_union_member_imports_from_its_union_module(module_name: str, name: str) -> None:
    """0.3.9 defined a union's members in the union's module."""
    module = importlib.import_module(f"julep.api.types.{module_name}")
    assert getattr(module, name) is getattr(julep, name)
    assert name in module.__all__
