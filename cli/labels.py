"""The command line's own words (table headers, verdicts, summaries) in en, zh_TW and zh_CN.

The playbook's texts carry their own translations; these are the labels around them, so that ``--lang zh_TW``
output is Chinese throughout. One entry per label: ``key: (en, zh_TW, zh_CN)``, like connector/reports/i18n.py.
"""

from __future__ import annotations

_LABELS: dict[str, tuple[str, str, str]] = {
    # show
    "phase": ("phase", "階段", "阶段"),
    "budget": ("budget", "預算", "预算"),
    "checklist": ("checklist", "檢核項目", "检查项"),
    "gates_signed_by": ("gates (signed by)", "簽核關卡（簽核人）", "签字关口（签字人）"),
    "checklist_only": ("checklist only", "僅檢核項目", "仅检查项"),
    "hard": ("HARD", "硬性", "硬性"),
    "payment_milestone": ("payment milestone", "付款里程碑", "付款里程碑"),
    "share": ("share", "比例", "比例"),
    "falls_due_on": ("falls due on", "到期條件", "到期条件"),
    "grace": ("grace", "寬限", "宽限"),
    "contract_signing": ("contract signing", "合約簽訂", "合同签订"),
    "plus_days": ("{due} + {days} days", "{due} + {days} 天", "{due} + {days} 天"),
    "days": ("{days} days", "{days} 天", "{days} 天"),
    # plan
    "kind": ("kind", "類型", "类型"),
    "target_record": ("{target} record", "{target} 記錄", "{target} 记录"),
    "count": ("count", "數量", "数量"),
    "total": ("total", "合計", "合计"),
    "records_title": ("Records provisioning would create", "建置將建立的記錄", "部署将创建的记录"),
    "no_industry": ("no industry", "無產業範本", "无行业模板"),
    "plan_root": ("{name} — {size}, {industry}, {man_days} man-days, contract {amount}",
                  "{name} — {size}，{industry}，{man_days} 人天，合約 {amount}",
                  "{name} — {size}，{industry}，{man_days} 人天，合同 {amount}"),
    "phase_budget": ("{name} — {days} man-days", "{name} — {days} 人天", "{name} — {days} 人天"),
    "sign_off": ("sign-off", "簽核", "签字"),
    "deliverable": ("deliverable", "交付物", "交付物"),
    "check": ("check", "檢核", "检查"),
    "payment_milestones": ("payment milestones", "付款里程碑", "付款里程碑"),
    "on_gate": (" on {gate}", "，於 {gate}", "，于 {gate}"),
    "on_signing": (" on signing", "，於簽約時", "，于签约时"),
    "plan_dry_run": ("dry run: nothing was written. Provision with `playbook {target} provision ...` once a server "
                     "is configured.",
                     "試算：未寫入任何資料。設定伺服器後以 `playbook {target} provision ...` 建置。",
                     "试算：未写入任何数据。配置服务器后用 `playbook {target} provision ...` 部署。"),
    # kinds of records
    "kind.project": ("project", "專案", "项目"),
    "kind.phase": ("phase", "階段", "阶段"),
    "kind.deliverable": ("deliverable", "交付物", "交付物"),
    "kind.checklist_item": ("checklist item", "檢核項目", "检查项"),
    "kind.gate": ("gate", "簽核關卡", "签字关口"),
    "kind.payment_milestone": ("payment milestone", "付款里程碑", "付款里程碑"),
    "kind.cadence": ("cadence", "例行節奏", "例行节奏"),
    "cadences": ("cadences", "例行節奏", "例行节奏"),
    "freq.weekly": ("weekly", "每週", "每周"),
    "freq.per_phase": ("per phase", "每階段", "每阶段"),
    "freq.per_visit": ("per visit", "每次到場", "每次到场"),
    "freq.monthly": ("monthly", "每月", "每月"),
    "jira_no_cadences": ("{n} cadences ({keys}) are not created in Jira: schedule them in your calendar, or use "
                         "Odoo with the erp_playbook addon to have them scheduled and their adherence counted",
                         "{n} 個例行節奏（{keys}）不會建立在 Jira：請排入行事曆，或使用裝有 erp_playbook 模組的 Odoo "
                         "自動排程並計算遵循率",
                         "{n} 个例行节奏（{keys}）不会创建在 Jira：请排入日历，或使用安装了 erp_playbook 模块的 Odoo "
                         "自动排程并计算遵循率"),
    # provisioning summaries
    "created": ("created", "已建立", "已创建"),
    "would_create": ("would create", "將建立", "将创建"),
    "already_there": ("already there", "已存在", "已存在"),
    "not_representable": ("not representable", "無法表示", "无法表示"),
    "odoo_title": ("{name} ({mode} Odoo, project id {id})", "{name}（{mode} Odoo，專案 id {id}）",
                   "{name}（{mode} Odoo，项目 id {id}）"),
    "not_represented": ("not represented:", "未表示：", "未表示："),
    "filled_links": ("filled {n} empty links left by an earlier run", "已補上前次執行留下的 {n} 個空連結",
                     "已补上前次运行留下的 {n} 个空链接"),
    "rpc_tail_dry": ("{n} RPC calls; dry run: nothing was written", "{n} 次 RPC 呼叫；試算：未寫入任何資料",
                     "{n} 次 RPC 调用；试算：未写入任何数据"),
    "rpc_tail": ("{n} RPC calls; rerun any time: only what is missing is added",
                 "{n} 次 RPC 呼叫；可隨時重新執行：只補上缺少的部分",
                 "{n} 次 RPC 调用；可随时重新运行：只补上缺少的部分"),
    "jira_title": ("Jira project {key}", "Jira 專案 {key}", "Jira 项目 {key}"),
    "created_line": ("created", "已建立", "已创建"),
    "note": ("note", "注意", "注意"),
    "obsolete": ("not in the playbook any more (left untouched):", "已不在方法論中（保持不變）：",
                 "已不在方法论中（保持不变）："),
    "issues_created": ("{n} issue(s) created, {requests} requests", "已建立 {n} 個議題，{requests} 次請求",
                       "已创建 {n} 个问题，{requests} 次请求"),
    "up_to_date": (" — nothing to do, the project is up to date", " — 無需變更，專案已是最新",
                   " — 无需变更，项目已是最新"),
    "jira_dry_head": ("{name} → Jira project {key} ({playbook} {version}, code {code})",
                      "{name} → Jira 專案 {key}（{playbook} {version}，代碼 {code}）",
                      "{name} → Jira 项目 {key}（{playbook} {version}，代码 {code}）"),
    "ensured": ("Ensured on the site (created when missing): issue types {types}; fields {fields}; workflow {workflow}",
                "確保站台上存在（缺少時建立）：議題類型 {types}；欄位 {fields}；工作流程 {workflow}",
                "确保站点上存在（缺少时创建）：问题类型 {types}；字段 {fields}；工作流 {workflow}"),
    "issue_type": ("issue type", "議題類型", "问题类型"),
    "summary": ("summary", "摘要", "摘要"),
    "parent": ("parent", "上層", "上级"),
    "values": ("values", "數值", "数值"),
    "issues_title": ("Issues (skipped when already there)", "議題（已存在者略過）", "问题（已存在者跳过）"),
    "jira_dry_tail": ("dry run: no request sent. {n} issues in {bulk} bulk requests.",
                      "試算：未送出任何請求。{n} 個議題，分 {bulk} 次批次請求。",
                      "试算：未发送任何请求。{n} 个问题，分 {bulk} 次批量请求。"),
    # doctors
    "mark.ok": ("ok  ", "正常", "正常"),
    "mark.warn": ("warn", "警告", "警告"),
    "mark.fail": ("FAIL", "失敗", "失败"),
    "fix": ("fix:", "修正：", "修正："),
    "verdict.0": ("ready to provision", "可以建置", "可以部署"),
    "verdict.1": ("usable, see the warnings", "可用，請看警告", "可用，请看警告"),
    "verdict.2": ("not usable yet: fix the failures above", "尚不可用：請先修正上列失敗項目",
                  "尚不可用：请先修正上列失败项"),
    # sync summary (cli/sync_cmds.py)
    "sync.title": ("Sync", "同步", "同步"),
    "sync.title_dry": ("Sync (dry run: nothing written)", "同步（試算：未寫入任何資料）",
                       "同步（试算：未写入任何数据）"),
    "sync.project": ("project", "專案", "项目"),
    "sync.status": ("status", "狀態", "状态"),
    "sync.ok": ("ok", "正常", "正常"),
    "sync.failed_status": ("FAILED", "失敗", "失败"),
    "sync.read": ("read", "讀取", "读取"),
    "sync.created": ("created", "新增", "新增"),
    "sync.updated": ("updated", "更新", "更新"),
    "sync.deleted": ("deleted", "刪除", "删除"),
    "sync.signed_kept": ("signed kept", "已簽保留", "已签保留"),
    "sync.jira_edits": ("Jira edits", "Jira 更新", "Jira 更新"),
    "sync.signoffs": ("sign-offs signed from Jira / to Jira / conflicts", "簽核 自 Jira 簽署 / 推送至 Jira / 衝突",
                      "签字 自 Jira 签署 / 推送至 Jira / 冲突"),
    "sync.man_days": ("man-days spent / budget", "已用人天 / 預算", "已用人天 / 预算"),
    "sync.remaining": ("remaining", "剩餘", "剩余"),
    "sync.overdue": ("overdue", "逾期", "逾期"),
    "sync.overdue_title": ("Overdue payments", "逾期款項", "逾期款项"),
    "sync.milestone": ("payment milestone", "付款里程碑", "付款里程碑"),
    "sync.due": ("due", "到期日", "到期日"),
    "sync.days_overdue": ("days overdue", "逾期天數", "逾期天数"),
    "sync.amount_due": ("amount due", "應收金額", "应收金额"),
    "sync.warning": ("warning:", "警告：", "警告："),
    "sync.ignored": ("{n} worklog(s) on Jira projects not in the configuration were ignored",
                     "已略過 {n} 筆不在設定中的 Jira 專案工時", "已忽略 {n} 条不在配置中的 Jira 项目工时"),
    "sync.costs": ("{jira} Jira requests, {odoo} Odoo calls, {seconds} s",
                   "Jira 請求 {jira} 次，Odoo 呼叫 {odoo} 次，{seconds} 秒",
                   "Jira 请求 {jira} 次，Odoo 调用 {odoo} 次，{seconds} 秒"),
    # doctors' check names (their details are the servers' own words and stay as they are)
    "check.server": ("server", "伺服器", "服务器"),
    "check.database": ("database", "資料庫", "数据库"),
    "check.login": ("login", "登入", "登录"),
    "check.addon": ("addon", "模組", "模块"),
    "check.rights": ("rights", "權限", "权限"),
    "check.module": ("module", "模組", "模块"),
    "check.settings": ("settings", "設定", "配置"),
    "check.auth": ("auth", "驗證", "认证"),
    "check.jira": ("jira", "Jira", "Jira"),
    "check.deployment": ("deployment", "部署類型", "部署类型"),
    "check.issue types": ("issue types", "議題類型", "问题类型"),
    "check.fields": ("fields", "欄位", "字段"),
    "check.workflow": ("workflow", "工作流程", "工作流"),
    "check.project": ("project", "專案", "项目"),
    # register import
    "reg.title": ("Register of {name} (Odoo project id {id}) from {source}",
                  "{name} 的問題與需求清單（Odoo 專案 id {id}），來源：{source}",
                  "{name} 的问题与需求清单（Odoo 项目 id {id}），来源：{source}"),
    "reg.source_odoo": ("Odoo task tags", "Odoo 任務標籤", "Odoo 任务标签"),
    "reg.source_jira": ("Jira project {key}", "Jira 專案 {key}", "Jira 项目 {key}"),
    "reg.item": ("item", "項目", "条目"),
    "reg.source": ("source", "來源", "来源"),
    "reg.disposition": ("disposition", "處理方式", "处理方式"),
    "reg.state": ("state", "狀態", "状态"),
    "reg.skipped": ("skipped", "略過", "跳过"),
    "reg.summary": ("{created} {verb}, {existing} already there, {skipped} skipped",
                    "{verb} {created} 項，已存在 {existing} 項，略過 {skipped} 項",
                    "{verb} {created} 条，已存在 {existing} 条，跳过 {skipped} 条"),
    "reg.dry_run": ("dry run: nothing was written; run again without --dry-run to bring these over",
                    "試算：未寫入任何資料；去掉 --dry-run 再執行即可匯入",
                    "试算：未写入任何数据；去掉 --dry-run 再运行即可导入"),
    "reg.state.new": ("new", "新建", "新建"),
    "reg.state.in_progress": ("in progress", "處理中", "处理中"),
    "reg.state.closed": ("closed", "已結案", "已关闭"),
    "reg.rerun": ("rerun any time: items already brought over are left as they are",
                  "可隨時重新執行：已匯入的項目保持不變", "可随时重新运行：已导入的条目保持不变"),
}
_INDEX = {"en": 0, "zh_TW": 1, "zh_CN": 2}


def label(lang: str, name: str, /, **params: object) -> str:
    text = _LABELS[name][_INDEX.get(lang, 0)]
    return text.format(**params) if params else text


def check_name(lang: str, name: str) -> str:
    """A doctor's check name in ``lang``; ``rights <model>`` / ``module <name>`` keep what follows the first word."""
    if f"check.{name}" in _LABELS:
        return label(lang, f"check.{name}")
    head, _, rest = name.partition(" ")
    return f"{label(lang, f'check.{head}')} {rest}" if rest and f"check.{head}" in _LABELS else name


def label_keys() -> list[str]:
    return list(_LABELS)


def all_languages(key: str) -> tuple[str, str, str]:
    return _LABELS[key]
