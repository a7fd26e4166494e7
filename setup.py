"""Package discovery for setuptools (everything else is in ``pyproject.toml``).

Every package and data folder below ``server/natoasia`` is found, never listed by hand, so a new
subpackage, template or static asset ships in the wheel without anybody remembering to add it. The edited sources (ontology, graph, background,
shapes, queries) live at the top of the repository and ship as data packages of ``natoasia._data``.
"""

from setuptools import find_namespace_packages, setup

DATA = ("ontology", "graph", "background", "shapes", "queries")

setup(
    packages=[*find_namespace_packages("server", include=["natoasia", "natoasia.*"], exclude=["*.__pycache__"]),
              *(f"natoasia._data.{name}" for name in DATA)],
    package_dir={"": "server", **{f"natoasia._data.{name}": name for name in DATA}},
)
