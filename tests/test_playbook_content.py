"""Content of the built-in playbook: does it still say what the methodology says?

These tests read the YAML shipped inside the package (as an installed user gets it) and check the rules of the
field guide (shared/methodology) that the product relies on: the phase order, the two hard sign-offs, what
small and large projects get, the industry variants, and that every text really exists in three languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from connector.playbook.loader import load_playbook
from connector.playbook.model import LANGUAGES, SIZES, Gate, Phase, Playbook, Text

PLAYBOOK_FILE = "playbooks/erp-standard.yaml"

# The methodology's phases, in its order (README table of shared/methodology).
PHASE_ORDER = [
    "kickoff",
    "master_plan",
    "installation",
    "business_survey",
    "key_user_training",
    "requirements_report",
    "solution_design",
    "static_data",
    "testing",
    "go_live",
    "acceptance",
    "closure",
]
INDUSTRIES = {
    "discrete_manufacturing",
    "process_manufacturing",
    "distribution",
    "finance",
    "chemicals",
    "apparel",
    "pharma",
}
# Phases where the implementation work happens, and the short administrative ones around them.
WORK_PHASES = ["business_survey", "key_user_training", "solution_design", "static_data", "testing"]
ADMIN_PHASES = ["kickoff", "master_plan", "installation", "closure"]
# Lessons 28-33, 35, 36, 39 and 42 are about the consultant's attitude: guidance, not tracked work.
ATTITUDE_LESSONS = {28, 29, 30, 31, 32, 33, 35, 36, 39, 42}
ALL_LESSONS = set(range(2, 43))  # the guide numbers its lessons from 2 to 42

# Traditional -> simplified pairs of characters (the ones ERP texts use). A traditional character in a
# zh_CN text, or a simplified-only one in a zh_TW text, means the text was pasted rather than converted.
_PAIRS = (
    "與与 階阶 戶户 確确 計计 認认 結结 專专 關关 後后 組组 書书 業业 畫画 實实 資资 簽签 會会 鍵键 訓训 調调 "
    "驗验 線线 統统 並并 測测 標标 單单 問问 試试 動动 設设 個个 錄录 務务 總总 範范 層层 報报 產产 經经 對对 "
    "時时 準准 啟启 開开 備备 題题 決决 記记 發发 週周 員员 說说 圍围 講讲 項项 終终 裝装 節节 顧顾 處处 態态 "
    "進进 價价 規规 責责 為为 帳帐 係系 號号 紀纪 負负 帶带 導导 寫写 讓让 饋馈 場场 請请 議议 險险 顏颜 雙双 "
    "變变 維维 過过 練练 課课 證证 從从 誌志 製制 電电 庫库 來来 併并 財财 應应 餘余 則则 間间 護护 習习 無无 "
    "細细 匯汇 數数 門门 倉仓 碼码 權权 隊队 據据 約约 訂订 職职 腦脑 溝沟 軟软 體体 現现 點点 績绩 續续 換换 "
    "額额 狀状 團团 須须 運运 訊讯 這这 還还 織织 預预 選选 協协 們们 聽听 儲储 識识 滿满 參参 銷销 靜静 檔档 "
    "檢检 輪轮 腳脚 響响 話话 冊册 廠厂 區区 複复 藥药 擔担 鏈链 風风 當当 幾几 見见 訪访 讀读 劃划 編编 討讨 "
    "親亲 網网 異异 際际 邊边 舊旧 撥拨 構构 類类 補补 沒没 驟骤 沖冲 陣阵 欄栏 執执 遺遗 蹤踪 達达 兩两 離离 "
    "機机 飲饮 塗涂 買买 賣卖 雜杂 視视 醫医 幹干 領领 簡简 訴诉 載载 掛挂 帥帅 鐘钟 誰谁 綜综 論论 圖图 轉转 "
    "於于 緒绪 養养 脹胀 註注 談谈 絕绝 評评 麼么 銜衔 審审 屬属 貨货 稅税 損损 盡尽 環环 順顺 條条 寧宁 歸归 "
    "凍冻 駐驻 隨随 給给 聯联 繫系 鋪铺 獨独 寬宽 級级 種种 辦办 夥伙 學学 監监 惡恶 氣气 穩稳 驕骄 熱热 諮咨 "
    "詢询 敗败 搖摇 籃篮 貫贯 頭头 減减 輕轻"
)
TRADITIONAL = {pair[0] for pair in _PAIRS.split()}
# Simplified forms that are also ordinary traditional characters (后, 系, 制, 准, 余 ...) may appear in zh_TW.
_ALSO_TRADITIONAL = set("后系志制准余干几于么帐注并复种体咨伙涂冲划据周范异宁")
SIMPLIFIED_ONLY = {pair[1] for pair in _PAIRS.split()} - _ALSO_TRADITIONAL
CJK = re.compile(r"[\u4e00-\u9fff]")


# --- fixtures -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped_path() -> Iterator[Path]:
    with resources.as_file(resources.files("connector").joinpath(PLAYBOOK_FILE)) as path:
        yield path


@pytest.fixture(scope="module")
def raw(shipped_path: Path) -> dict[str, Any]:
    data = yaml.safe_load(shipped_path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def pb(shipped_path: Path) -> Playbook:
    return load_playbook(shipped_path)


# --- helpers --------------------------------------------------------------------------------------------
def _raw_texts(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping in the raw YAML that holds a language key, i.e. every text as written in the file."""
    if isinstance(node, dict):
        if any(lang in node for lang in LANGUAGES):
            yield path, node
            return
        for key, value in node.items():
            yield from _raw_texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _raw_texts(value, f"{path}[{i}]")


def _model_texts(node: Any) -> Iterator[Text]:
    """Every Text the validated model holds (to prove the raw walk misses none)."""
    if isinstance(node, Text):
        yield node
    elif isinstance(node, list):
        for value in node:
            yield from _model_texts(value)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _model_texts(getattr(node, name))


def _gates_for(pb: Playbook, size: str, industry: str | None = None) -> list[tuple[Phase, Gate]]:
    return [(phase, gate) for phase, gate in pb.gates() if gate.applies(size, industry)]


def _applicable(items: list[Any], size: str, industry: str | None = None) -> list[Any]:
    return [item for item in items if item.applies(size, industry)]


# --- phases ---------------------------------------------------------------------------------------------
def test_the_shipped_playbook_is_the_default_one(pb: Playbook) -> None:
    assert pb.key == "erp_standard"
    assert load_playbook().key == pb.key  # what `playbook` uses when no file is named


def test_the_twelve_phases_follow_the_methodology_order(pb: Playbook, raw: dict[str, Any]) -> None:
    assert [p.key for p in pb.phases] == PHASE_ORDER
    # the file itself lists them in order too, so reading it top to bottom tells the story
    assert [p["key"] for p in raw["phases"]] == PHASE_ORDER
    assert [p.sequence for p in pb.phases] == sorted({p.sequence for p in pb.phases})


@pytest.mark.parametrize("size", SIZES)
def test_every_phase_has_a_gate_or_checklist_at_every_size(pb: Playbook, size: str) -> None:
    empty = [p.key for p in pb.phases if not (_applicable(p.checklist, size) or _applicable(p.gates, size))]
    assert empty == []


def test_checklist_only_phases_still_have_concrete_work(pb: Playbook) -> None:
    for key in ("installation", "business_survey"):
        phase = pb.phase(key)
        assert not _applicable(phase.gates, "small"), f"{key} has no sign-off in the methodology"
        assert len(_applicable(phase.checklist, "small")) >= 3
    survey_docs = {d.key for d in pb.phase("business_survey").deliverables}
    assert "out_of_system_processes" in survey_docs  # lesson 9: what stays outside the system is written down


def test_every_phase_opens_with_a_plan_and_closes_with_a_summary(pb: Playbook) -> None:
    for phase in pb.phases:
        kinds = [d.kind for d in phase.deliverables]
        assert kinds.count("phase_plan") == 1, phase.key
        assert kinds.count("phase_summary") == 1, phase.key
        assert phase.deliverables[0].kind == "phase_plan", f"{phase.key}: the plan comes first"
        assert phase.deliverables[-1].kind == "phase_summary", f"{phase.key}: the summary comes last"
        plan, summary = phase.deliverables[0], phase.deliverables[-1]
        assert (plan.key, summary.key) == (f"{phase.key}_plan", f"{phase.key}_summary")
        assert not (plan.sizes or plan.industries or summary.sizes or summary.industries), phase.key


def test_key_documents_are_deliverables(pb: Playbook) -> None:
    docs = {d.key: phase.key for phase in pb.phases for d in phase.deliverables if d.kind == "document"}
    assert docs["kickoff_minutes"] == "kickoff"
    assert docs["requirements_analysis_report"] == "requirements_report"
    assert docs["solution_document"] == "solution_design"
    assert docs["acceptance_certificate"] == "acceptance"


def test_every_checklist_item_names_a_role_and_a_distinct_action(pb: Playbook) -> None:
    roles = {r.key for r in pb.roles}
    items = [item for phase in pb.phases for item in phase.checklist]
    assert all(item.role in roles for item in items)
    names = [item.name.en for item in items]
    assert len(names) == len(set(names)), "two checklist items read the same: a copy-paste left behind"


# --- gates and money ------------------------------------------------------------------------------------
def test_requirements_must_be_signed_before_solution_design(pb: Playbook) -> None:
    gate = next(g for _, g in pb.gates() if g.key == "requirements_report_signed")
    assert gate.hard and gate.blocks == "solution_design"
    assert gate in pb.phase("requirements_report").gates
    assert pb.phase("requirements_report").sequence < pb.phase("solution_design").sequence


def test_acceptance_certificate_blocks_closure_and_releases_the_acceptance_payment(pb: Playbook) -> None:
    gate = next(g for _, g in pb.gates() if g.key == "acceptance_certificate_signed")
    assert gate.hard and gate.blocks == "closure"
    assert gate in pb.phase("acceptance").gates
    tied = [m for m in pb.payment_milestones if m.gate == gate.key]
    assert any(m.delay_days == 0 for m in tied), "the acceptance payment falls due when the certificate is signed"
    assert any(m.delay_days > 0 for m in tied), "the retention falls due some time after acceptance"


def test_the_hard_gates_are_the_ones_the_source_makes_decisive(pb: Playbook) -> None:
    """Lessons 2, 5 (kickoff minutes, master plan before the survey), 12 (requirements), 22 and 37 (test sign-off and
    confirmed data before go-live), 23 (acceptance before closure)."""
    blocks = {g.key: g.blocks for _, g in pb.hard_gates()}
    assert blocks == {
        "kickoff_minutes_confirmed": "business_survey", "master_plan_confirmed": "business_survey",
        "requirements_report_signed": "solution_design", "data_confirmed": "go_live", "test_signoff": "go_live",
        "acceptance_certificate_signed": "closure",
    }
    assert all(not (g.sizes or g.industries) for _, g in pb.hard_gates())
    by_key = {g.key: g for _, g in pb.gates()}
    # Hard per size: a small project may confirm its data alongside testing; every other hard gate holds for all.
    assert [s for s in ("small", "medium", "large") if by_key["data_confirmed"].is_hard(s)] == ["medium", "large"]
    assert all(by_key[k].is_hard("small") for k in blocks if k != "data_confirmed")


def test_go_live_needs_the_opening_balance_reconciliation_attached(pb: Playbook) -> None:
    gate = next(g for _, g in pb.gates() if g.key == "go_live_approved")
    assert gate.evidence_required and "opening balance" in gate.document.en
    assert [g.key for _, g in pb.gates() if g.evidence_required] == ["go_live_approved"]


def test_phase_certificates_are_large_projects_own(pb: Playbook) -> None:
    certificates = [g for _, g in pb.gates() if g.certificate]
    assert len(certificates) == 6 and all(g.sizes == ["large"] for g in certificates)
    assert all("certificate" in g.document.en for g in certificates)


def test_budget_shares_sum_to_100_and_favour_the_working_phases(pb: Playbook) -> None:
    shares = {p.key: p.budget_share for p in pb.phases}
    assert sum(shares.values(), Decimal(0)) == 100
    assert all(share > 0 for share in shares.values())
    assert min(shares[k] for k in WORK_PHASES) > max(shares[k] for k in ADMIN_PHASES)


def test_payments_sum_to_100_and_acceptance_is_chased_first(pb: Playbook) -> None:
    milestones = pb.payment_milestones
    assert sum((m.percent for m in milestones), Decimal(0)) == 100
    assert milestones[0].gate is None, "the first instalment falls due on contract signing"
    gate_phase = {g.key: phase.sequence for phase, g in pb.gates()}
    assert all(m.gate is None or m.gate in gate_phase for m in milestones)
    # lesson 23: never let the acceptance payment slip, so it has the shortest grace period
    acceptance = next(m for m in milestones if m.gate == "acceptance_certificate_signed" and m.delay_days == 0)
    assert acceptance.grace_days == min(m.grace_days for m in milestones)
    assert any(m.gate == "go_live_approved" for m in milestones)


# --- sizes ----------------------------------------------------------------------------------------------
def test_weekly_meeting_is_for_medium_and_large_only(pb: Playbook) -> None:
    by_key = {c.key: c for c in pb.cadences}
    meeting = by_key["weekly_meeting"]
    assert meeting.frequency == "weekly"
    assert [s for s in SIZES if meeting.applies(s, None)] == ["medium", "large"]
    assert meeting.owner_role == "customer_pm", "lesson 14: the customer chairs the meeting"


def test_every_size_signs_the_implementation_log(pb: Playbook) -> None:
    log = next(c for c in pb.cadences if c.key == "implementation_log")
    assert log.frequency == "per_visit"
    assert all(log.applies(s, None) for s in SIZES)


def test_large_projects_get_a_layered_team_and_phase_confirmations(pb: Playbook) -> None:
    large_roles = {r.key for r in _applicable(pb.roles, "large")}
    small_roles = {r.key for r in _applicable(pb.roles, "small")}
    assert {"steering_committee", "solution_group"} <= large_roles
    assert not {"steering_committee", "solution_group"} & small_roles

    small_gates = {g.key for _, g in _gates_for(pb, "small")}
    large_gates = {g.key for _, g in _gates_for(pb, "large")}
    assert small_gates < large_gates
    confirmations = {g.key for _, g in _gates_for(pb, "large") if g.sizes == ["large"]}
    assert len(confirmations) >= 5, "large projects sign a phase confirmation for each working phase"
    phases_confirmed = {phase.key for phase, g in pb.gates() if g.key in confirmations}
    assert set(WORK_PHASES) <= phases_confirmed
    assert any(c.key == "phase_confirmation" and c.applies("large", None) and not c.applies("small", None)
               for c in pb.cadences)


def test_project_size_changes_the_amount_of_work(pb: Playbook) -> None:
    counts = {s: sum(len(_applicable(p.checklist, s)) for p in pb.phases) for s in SIZES}
    assert counts["small"] < counts["medium"] < counts["large"]


@pytest.mark.parametrize("size", SIZES)
def test_no_work_is_given_to_a_role_the_size_does_not_have(pb: Playbook, size: str) -> None:
    roles = {r.key for r in _applicable(pb.roles, size)}
    orphans = [item.key for p in pb.phases for item in _applicable(p.checklist, size) if item.role not in roles]
    orphans += [g.key for _, g in _gates_for(pb, size) if g.signed_by not in roles]
    orphans += [c.key for c in _applicable(pb.cadences, size) if c.owner_role not in roles]
    assert orphans == []


def test_size_profiles_grow(pb: Playbook) -> None:
    limits = {s.key: s.max_man_days for s in pb.sizes}
    assert [s.key for s in pb.sizes] == list(SIZES)
    assert limits["small"] is not None and limits["medium"] is not None and limits["large"] is not None
    assert limits["small"] < limits["medium"] < limits["large"]


# --- industries -----------------------------------------------------------------------------------------
def test_the_seven_industry_templates_exist(pb: Playbook) -> None:
    assert {i.key for i in pb.industries} == INDUSTRIES


@pytest.mark.parametrize("industry", sorted(INDUSTRIES))
def test_each_industry_adds_its_own_checklist_items(pb: Playbook, industry: str) -> None:
    def items(ind: str | None) -> set[str]:
        return {i.key for p in pb.phases for i in _applicable(p.checklist, "medium", ind)}

    extra = items(industry) - items(None)
    assert len(extra) >= 2, f"{industry} adds {sorted(extra)}"
    # an item written for this industry alone never shows up in another industry's project
    only_here = {i.key for p in pb.phases for i in p.checklist if i.industries == [industry]}
    assert only_here, f"{industry} has no item of its own"
    assert all(not (only_here & items(other)) for other in INDUSTRIES - {industry})


@pytest.mark.parametrize(
    ("industry", "phase", "words"),
    [
        ("discrete_manufacturing", "static_data", ("bom", "routing")),
        ("process_manufacturing", "static_data", ("formula", "lot")),
        ("pharma", "testing", ("validation",)),
        ("apparel", "static_data", ("size/colour",)),
        ("chemicals", "static_data", ("hazardous", "expiry")),
        ("distribution", "solution_design", ("price",)),
        ("finance", "solution_design", ("consolidation",)),
    ],
)
def test_industry_items_sit_in_the_phase_that_does_the_work(
    pb: Playbook, industry: str, phase: str, words: tuple[str, ...]
) -> None:
    texts = [i.name.en.lower() for i in pb.phase(phase).checklist if industry in i.industries]
    assert any(all(w in text for w in words) for text in texts), f"{industry} in {phase}: {texts}"


# --- register, guidance, lessons ------------------------------------------------------------------------
def test_register_offers_the_four_ways_to_handle_an_unmet_requirement(pb: Playbook) -> None:
    assert {k.key for k in pb.issue_register.kinds} == {"issue", "requirement"}
    assert [d.key for d in pb.issue_register.dispositions] == [
        "workaround",
        "go_live_then_customize",
        "record_for_rnd",
        "explain_not_possible",
    ]


def test_attitude_lessons_are_guidance_not_tracked_work(pb: Playbook) -> None:
    guided = {n for g in pb.guidance for n in g.lessons}
    assert guided >= ATTITUDE_LESSONS
    tracked = {n for p in pb.phases for i in p.checklist for n in i.lessons}
    assert not tracked & ATTITUDE_LESSONS


def test_every_lesson_of_the_guide_is_placed_somewhere(pb: Playbook) -> None:
    lists = [p.lessons for p in pb.phases] + [c.lessons for c in pb.cadences] + [g.lessons for g in pb.guidance]
    lists += [i.lessons for p in pb.phases for i in p.checklist]
    used = {n for lessons in lists for n in lessons}
    assert ALL_LESSONS - used == set(), "lessons not reflected in the playbook"
    assert used - ALL_LESSONS == set(), "lesson numbers that the guide does not have"


# --- languages ------------------------------------------------------------------------------------------
def test_the_raw_walk_sees_every_text(raw: dict[str, Any], pb: Playbook) -> None:
    assert len(list(_raw_texts(raw))) == len(list(_model_texts(pb)))


def test_every_text_is_written_in_all_three_languages(raw: dict[str, Any]) -> None:
    problems = []
    for path, text in _raw_texts(raw):
        if set(text) != set(LANGUAGES):
            problems.append(f"{path}: has {sorted(text)}")
            continue
        if any(not isinstance(text[lang], str) or not text[lang].strip() for lang in LANGUAGES):
            problems.append(f"{path}: an empty language")
        elif not (CJK.search(text["zh_TW"]) and CJK.search(text["zh_CN"])):
            problems.append(f"{path}: a Chinese text without Chinese")
        elif CJK.search(text["en"]):
            problems.append(f"{path}: Chinese in the English text")
    assert problems == []


def test_simplified_is_converted_not_copied(raw: dict[str, Any]) -> None:
    problems = []
    converted = 0
    for path, text in _raw_texts(raw):
        tw, cn = text["zh_TW"], text["zh_CN"]
        if trad := sorted(set(cn) & TRADITIONAL):
            problems.append(f"{path}.zh_CN: traditional characters {''.join(trad)}")
        if simp := sorted(set(tw) & SIMPLIFIED_ONLY):
            problems.append(f"{path}.zh_TW: simplified characters {''.join(simp)}")
        if set(tw) & TRADITIONAL:
            converted += 1
            if tw == cn:
                problems.append(f"{path}: zh_CN is a copy of zh_TW")
    assert problems == []
    assert converted > 0
