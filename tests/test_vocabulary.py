"""One vocabulary: a name the vocabulary defines (UNITS, QUALIFIER_WORDS ...) means the same in every module.

Before, ``validation.UNITS`` held the data's units while ``vocabulary.UNITS``
held every publishable unit, and two modules mapped "exact" to different words.
"""
import importlib
import pkgutil

import pytest

import lacoe_report
from lacoe_report.core import vocabulary

NAMES = [name for name in vars(vocabulary) if name.isupper() and not name.startswith("_")]
MODULES = sorted(info.name for info in pkgutil.walk_packages(lacoe_report.__path__, "lacoe_report.")
                 if not info.name.endswith("__main__"))


def test_the_vocabulary_defines_the_names_this_test_guards():
    assert {"UNITS", "DATA_UNITS", "QUALIFIER_WORDS", "QUALIFIER_LABELS"} <= set(NAMES)


@pytest.mark.parametrize("module_name", MODULES)
def test_no_module_gives_a_vocabulary_name_another_meaning(module_name):
    module = importlib.import_module(module_name)
    other = [name for name in NAMES if name in vars(module) and vars(module)[name] is not getattr(vocabulary, name)]
    assert other == [], f"{module_name} defines {', '.join(other)} apart from lacoe_report.core.vocabulary"

