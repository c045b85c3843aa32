"""The document kinds and their models; ``kind:`` picks the model."""

from __future__ import annotations

from pydantic import BaseModel

from curribuild.models.config import Config
from curribuild.models.evidence import EvidenceDocument
from curribuild.models.goals import GoalsDocument
from curribuild.models.instruments import InstrumentsDocument
from curribuild.models.intake import IntakeMap
from curribuild.models.methods import MethodsDocument
from curribuild.models.needs import Needs
from curribuild.models.rules import RulesDocument
from curribuild.models.ruletests import RuleTestsDocument

MODELS: dict[str, type[BaseModel]] = {
    "needs": Needs,
    "goals": GoalsDocument,
    "methods": MethodsDocument,
    "rules": RulesDocument,
    "rule-tests": RuleTestsDocument,
    "config": Config,
    "intake": IntakeMap,
    "instruments": InstrumentsDocument,
    "evidence": EvidenceDocument,
}
