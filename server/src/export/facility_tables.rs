//! Tables 1, 2, 3 and 5: one row per facility, columns as DOMAIN §7 lists
//! them, each a [`Column`] over an [`Entry`].

use mopai_shared::model::{Category, Day, LegalForm, Ownership, RiskLevel, Yuan};

use super::sheet::{
    Cell, Column, Sheet, Total, count, day, join, label, labels, money, render, text, yes_no,
};
use super::{Snapshot, Table};
use crate::storage::annex_record::AnnexRecord;
use crate::storage::projections::FacilityRow;

/// One facility as a table row sees it.
pub struct Entry<'a> {
    pub serial: usize,
    pub row: &'a FacilityRow,
    pub township: &'a str,
    /// Inspectors' names, "、"-joined.
    pub inspectors: String,
    pub today: Day,
}

impl Entry<'_> {
    fn annex(&self) -> &AnnexRecord {
        &self.row.annex
    }

    fn level(&self) -> RiskLevel {
        self.row.effective_level
    }

    fn category(&self) -> Option<Category> {
        self.row.category.as_deref().and_then(Category::from_code)
    }
}

pub fn sheet(table: Table, snapshot: &Snapshot) -> Sheet {
    let years = snapshot.filed_years();
    let keep = |r: &FacilityRow| -> bool {
        let category = r.category.as_deref().and_then(Category::from_code);
        match table {
            Table::Survey => matches!(
                category,
                Some(Category::FiledInstitution | Category::UnfiledInstitution)
            ),
            Table::Venues => category == Some(Category::UnregisteredVenue),
            Table::RiskList => r.effective_level >= RiskLevel::Yellow,
            Table::Filed => {
                category == Some(Category::FiledInstitution)
                    && r.annex
                        .profile
                        .filing_date
                        .is_some_and(|d| years.contains(&d.0.year()))
            }
            Table::Progress => false,
        }
    };
    let entries: Vec<Entry<'_>> = snapshot
        .facilities
        .iter()
        .filter(|r| keep(r))
        .enumerate()
        .map(|(i, row)| Entry {
            serial: i + 1,
            row,
            township: snapshot.township_name(&row.township),
            inspectors: row
                .annex
                .visits
                .inspectors
                .iter()
                .filter_map(|u| snapshot.user_names.get(u).cloned())
                .collect::<Vec<_>>()
                .join("、"),
            today: snapshot.generated_at.day(),
        })
        .collect();
    let mut columns = match table {
        Table::Survey => survey(),
        Table::Venues => venues(),
        Table::RiskList => risk_list(),
        Table::Filed => filed(),
        Table::Progress => Vec::new(),
    };
    // After the plan's columns: a field two people recorded differently
    // shows both values until the lead settles it, not only the winner.
    columns.push(col("未决冲突（待审核裁决）", 20.0, |e| {
        text(
            e.annex()
                .conflicts
                .iter()
                .map(|c| c.text())
                .collect::<Vec<_>>()
                .join("；"),
        )
    }));
    render(table.title(snapshot), &columns, &entries)
}

/// A column over entries; fixes the row type so closures need no annotations.
fn col<'a>(header: &'static str, width: f64, value: fn(&Entry<'a>) -> Cell) -> Column<Entry<'a>> {
    Column::new(header, width, value)
}

fn serial<'a>() -> Column<Entry<'a>> {
    col("序号", 6.0, |e| Cell::Int(e.serial as i64)).total(Total::Label)
}

fn township<'a>() -> Column<Entry<'a>> {
    col("乡镇", 10.0, |e| text(e.township))
}

fn level<'a>(header: &'static str) -> Column<Entry<'a>> {
    col(header, 9.0, |e| Cell::Level(e.level()))
}

fn uscc<'a>() -> Column<Entry<'a>> {
    col("统一社会信用代码", 22.0, |e| text(&e.row.uscc))
}

/// The name column, under each table's own header.
fn name<'a>(header: &'static str) -> Column<Entry<'a>> {
    col(header, 28.0, |e| text(&e.row.name)).total(Total::Count)
}

/// Some 30 columns: widths kept narrow (long text wraps) so that the table
/// prints one A3 page wide at about 60 %.
fn survey<'a>() -> Vec<Column<Entry<'a>>> {
    vec![
        serial(),
        township(),
        name("机构名称"),
        uscc(),
        col("登记类型", 12.0, |e| {
            label(e.annex().profile.legal_form)
        }),
        col("是否备案", 8.0, |e| {
            yes_no(e.category().map(|c| c == Category::FiledInstitution))
        }),
        col("机构性质(公办/公建民营/民办)", 12.0, |e| {
            label(e.annex().profile.ownership)
        }),
        col("床位数", 8.0, |e| count(e.annex().profile.beds)).total(Total::Sum),
        col("入住老人数", 8.0, |e| {
            count(e.annex().profile.residents)
        })
        .total(Total::Sum),
        col("是否涉足多产业", 10.0, |e| multi_industry(e.annex())),
        col("运营主体", 14.0, |e| text(&e.annex().profile.operator)),
        col("法定代表人/投资人", 14.0, |e| {
            let p = &e.annex().profile;
            join([
                p.legal_representative.clone(),
                prefixed("投资人：", &p.investors.join("、")),
            ])
        }),
        col("关联公司", 14.0, |e| {
            text(e.annex().profile.affiliated_companies.join("、"))
        }),
        col("营销方式", 14.0, |e| {
            labels(&e.annex().findings.marketing)
        }),
        col("收费方式", 14.0, |e| labels(&e.annex().findings.fees)),
        col("是否因经济类犯罪被诉", 10.0, |e| {
            yes_no(e.annex().findings.economic_crime_lawsuit)
        }),
        col("是否列入黑名单", 10.0, |e| {
            yes_no(e.annex().findings.blacklisted)
        }),
        col("是否收取大额预付费", 10.0, |e| {
            large_prepayment(e.annex())
        }),
        col("预付费金额(万元)", 10.0, |e| {
            money(e.annex().findings.prepay_total_yuan)
        })
        .total(Total::Sum),
        col("预付费涉及人数", 10.0, |e| {
            count(e.annex().findings.prepay_persons)
        })
        .total(Total::Sum),
        col("预付费资金使用情况", 14.0, |e| {
            labels(&e.annex().findings.fund_use)
        }),
        col("是否承诺投资回报\"炒床位\"", 10.0, |e| {
            yes_no(e.annex().findings.promised_returns)
        }),
        col("排查方式", 10.0, |e| labels(&e.annex().visits.methods)),
        col("排查日期", 12.0, |e| day(e.annex().visits.last_day)),
        level("风险等级"),
        col("排查人", 14.0, |e| text(&e.inspectors)),
        col("备注", 20.0, remark),
    ]
}

fn venues<'a>() -> Vec<Column<Entry<'a>>> {
    vec![
        serial(),
        township(),
        col("村(社区)", 12.0, |e| text(&e.annex().profile.village)),
        name("场所名称"),
        col("地址", 24.0, |e| text(&e.annex().profile.address)),
        col("实际经营者", 12.0, |e| {
            let p = &e.annex().profile;
            let candidates = [&p.actual_controller, &p.operator, &p.legal_representative];
            text(
                candidates
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .cloned()
                    .unwrap_or_default(),
            )
        }),
        col("联系电话", 14.0, |e| {
            text(&e.annex().profile.contact_phone)
        }),
        col("场所性质", 10.0, |e| {
            label(e.annex().profile.venue_nature)
        }),
        col("服务内容", 18.0, |e| text(&e.annex().profile.services)),
        col("收住老人数", 8.0, |e| {
            count(e.annex().profile.residents)
        })
        .total(Total::Sum),
        col("是否收取预付费", 8.0, |e| {
            yes_no(e.annex().findings.prepay_collected)
        }),
        col("预付费金额(万元)", 10.0, |e| {
            money(e.annex().findings.prepay_total_yuan)
        })
        .total(Total::Sum),
        col("涉及人数", 8.0, |e| {
            count(e.annex().findings.prepay_persons)
        })
        .total(Total::Sum),
        col("是否承诺回报", 8.0, |e| {
            yes_no(e.annex().findings.promised_returns)
        }),
        level("风险等级"),
        col("处置措施", 30.0, measures),
        col("处置进展", 24.0, progress),
        col("备注", 30.0, remark),
    ]
}

fn risk_list<'a>() -> Vec<Column<Entry<'a>>> {
    vec![
        serial(),
        township(),
        name("机构/场所名称"),
        uscc(),
        col("类别", 10.0, |e| {
            text(e.category().map_or("", category_short))
        }),
        col("法定代表人或实际控制人", 16.0, |e| {
            let p = &e.annex().profile;
            join([
                p.legal_representative.clone(),
                prefixed("实际控制人：", &p.actual_controller),
            ])
        }),
        level("风险等级"),
        col("主要问题(触发规则)", 36.0, |e| {
            text(&e.annex().review.main_problems)
        }),
        col("涉及老人数", 8.0, |e| {
            let a = e.annex();
            count(a.profile.residents.max(a.findings.prepay_persons))
        })
        .total(Total::Sum),
        col("涉及金额(万元)", 10.0, |e| {
            money(e.annex().findings.prepay_total_yuan)
        })
        .total(Total::Sum),
        col("处置措施(一院一策)", 36.0, measures),
        col("责任单位", 14.0, |e| {
            text(&e.annex().plan.responsible_unit)
        }),
        col("责任人", 10.0, |e| {
            text(&e.annex().plan.responsible_person)
        }),
        col("化解时限", 12.0, |e| day(e.annex().plan.deadline)),
        col("进展", 24.0, progress),
    ]
}

fn filed<'a>() -> Vec<Column<Entry<'a>>> {
    vec![
        serial(),
        township(),
        name("机构名称"),
        uscc(),
        col("登记机关及类型", 22.0, |e| {
            text(e.annex().profile.legal_form.map_or("", registration))
        }),
        col("营利性质", 8.0, |e| {
            text(match e.annex().profile.for_profit {
                Some(true) => "营利",
                Some(false) => "非营利",
                None => "",
            })
        }),
        col("住所", 24.0, |e| text(&e.annex().profile.address)),
        col("法定代表人或主要负责人", 12.0, |e| {
            text(&e.annex().profile.legal_representative)
        }),
        col("联系人及电话", 18.0, |e| {
            let p = &e.annex().profile;
            text(format!("{} {}", p.contact_person, p.contact_phone).trim())
        }),
        col("备案时间", 12.0, |e| day(e.annex().profile.filing_date)),
        col("备案机关", 14.0, |e| {
            text(&e.annex().profile.filing_authority)
        }),
        col("备案回执号", 16.0, |e| {
            text(&e.annex().profile.filing_receipt_no)
        }),
        col("场所权属(自有/租赁)", 10.0, |e| {
            label(e.annex().profile.premises)
        }),
        col("床位数", 8.0, |e| count(e.annex().profile.beds)).total(Total::Sum),
        col("服务设施面积(㎡)", 10.0, |e| {
            count(e.annex().profile.building_area_m2)
        })
        .total(Total::Sum),
        col("入住人数", 8.0, |e| count(e.annex().profile.residents)).total(Total::Sum),
        col("护理员数", 8.0, |e| count(e.annex().profile.care_staff)).total(Total::Sum),
        col("是否公建民营", 8.0, |e| {
            yes_no(
                e.annex()
                    .profile
                    .ownership
                    .map(|o| o == Ownership::PublicBuiltPrivatelyRun),
            )
        }),
        col("运营状态", 8.0, |e| label(e.annex().profile.status)),
        level("本次排查风险等级"),
    ]
}

fn prefixed(prefix: &str, value: &str) -> String {
    if value.is_empty() {
        String::new()
    } else {
        format!("{prefix}{value}")
    }
}

fn multi_industry(a: &AnnexRecord) -> Cell {
    match a.profile.multi_industry {
        Some(true) => text(format!(
            "是（{}）",
            a.profile
                .other_industries
                .iter()
                .map(|i| i.label_zh())
                .collect::<Vec<_>>()
                .join("、")
        )),
        other => yes_no(other),
    }
}

/// 是 / 否, or 待核实 while the figures are missing.
fn large_prepayment(a: &AnnexRecord) -> Cell {
    match a.findings.large_prepayment {
        None if a.findings.prepay_collected == Some(true) => text("待核实"),
        other => yes_no(other),
    }
}

/// The lead's measures with what is done; the plan's suggestions until
/// the lead records any.
fn measures(e: &Entry<'_>) -> Cell {
    let a = e.annex();
    if a.plan.measures.is_empty() {
        return join(
            a.review
                .suggested_measures
                .iter()
                .map(|m| format!("（建议）{m}")),
        );
    }
    join(a.plan.measures.iter().map(|m| {
        let detail = prefixed("：", &m.detail);
        let done = m
            .done_on
            .map(|d| format!("（{d}已完成）"))
            .unwrap_or_default();
        let refund = m
            .refunded_yuan
            .map(|y: Yuan| format!("（已清退{}万元）", super::sheet::wan(y)))
            .unwrap_or_default();
        format!("{}{detail}{done}{refund}", m.kind.label_zh())
    }))
}

fn progress(e: &Entry<'_>) -> Cell {
    let plan = &e.annex().plan;
    let status = match plan.resolved_on {
        Some(d) => format!("已化解（{d}）"),
        None if plan.overdue(e.today) => "已逾期".to_owned(),
        None => String::new(),
    };
    join([status, plan.latest_progress.clone()])
}

/// The rules that fired, and the lead's reason where the level was changed.
fn remark(e: &Entry<'_>) -> Cell {
    let a = e.annex();
    let overridden = match &e.row.confirmed_level {
        Some(c) if *c != e.row.computed_level => format!(
            "系统判定{}，乡镇确认{}：{}",
            e.row.computed_level.label_zh(),
            c.label_zh(),
            a.review.level_reason
        ),
        _ => String::new(),
    };
    join([prefixed("触发：", &a.review.main_problems), overridden])
}

fn category_short(c: Category) -> &'static str {
    match c {
        Category::FiledInstitution => "已备案机构",
        Category::UnfiledInstitution => "未备案机构",
        Category::UnregisteredVenue => "未登记场所",
    }
}

/// 登记机关及类型: the body that registers each legal form, and the form.
fn registration(form: LegalForm) -> &'static str {
    match form {
        LegalForm::PublicInstitution => "事业单位登记管理机关·事业单位",
        LegalForm::PrivateNonEnterprise => "民政部门·民办非企业单位(社会服务机构)",
        LegalForm::Enterprise => "市场监管部门·企业",
        LegalForm::IndividualBusiness => "市场监管部门·个体工商户",
        LegalForm::Unregistered => "未登记",
    }
}
