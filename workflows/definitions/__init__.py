"""The workflows' definitions, one module each; ``WORKFLOWS`` maps a name to its definition."""
from __future__ import annotations

from workflows.definitions import batch, initiative, nomination, registration
from workflows.model import Workflow

WORKFLOWS: dict[str, Workflow] = {
    module.DEFINITION.name: module.DEFINITION for module in (nomination, batch, initiative, registration)
}
