"""Every update a person can send has a validator that refuses it after its caller's deadline
(workflows/guard.py), and every update's command carries that deadline."""

import inspect

from temporalio import workflow

from models.contracts.base import Command
from workflows.registry import WORKFLOWS


def updates() -> list[tuple[str, str, object]]:
    found = []
    for cls in WORKFLOWS:
        definition = workflow._Definition.must_from_class(cls)
        for name, update in definition.updates.items():
            found.append((cls.__name__, name, update))
    return found


def test_every_update_has_a_validator_that_checks_the_deadline():
    assert len(updates()) >= 15
    for workflow_name, name, update in updates():
        assert update.validator is not None, f"{workflow_name}.{name} has no validator"
        source = inspect.getsource(update.validator)
        assert "in_time(" in source, f"{workflow_name}.{name}'s validator ignores deadlines"


def test_every_update_takes_a_command():
    for workflow_name, name, update in updates():
        hints = inspect.get_annotations(update.fn, eval_str=True)
        argument = next(v for k, v in hints.items() if k != "return")
        assert issubclass(argument, Command), f"{workflow_name}.{name} takes {argument}"
