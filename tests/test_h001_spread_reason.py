"""H001's reason where a keyword dict spread into `FastAPI(...)` is bound per branch and one
branch gives `dependencies=`: the route stays display-only, and the reason names the binding
that gives them (golden findings record codes and safety, not reasons)."""

from __future__ import annotations

from support import GOLDEN, run_cli

CASE = (GOLDEN / "H001-missing-health-endpoint" /
        "keyword-dict-bound-per-branch-with-dependencies-display-only" / "before")


def test_the_reason_names_the_branch_whose_dict_gives_dependencies() -> None:
    code, _, err = run_cli("fix", CASE, "--select", "H001")
    assert code == 0, err
    assert ("H001 no automatic fix (fixer cannot vouch that a route added with `@app.get` "
            "works: where line 13 binds `app_kwargs`, the app runs "
            "`dependencies=[Depends(require_key)]` before every route") in err, err
    assert "whose keywords fixer cannot read" not in err, err
