//! `mopai import facilities FILE`: a facility listing (from 公安, 市场监管,
//! or the township's own records) becomes facility documents to survey.
//!
//! Header (first non-empty row; columns in any order; see [`COLUMNS`]):
//!
//! | 列 | 必填 | 内容 |
//! |---|---|---|
//! | 乡镇 | 是 | a registered township's name |
//! | 机构名称 | 是 | |
//! | 统一社会信用代码 | | 18 characters, GB 32100-2015 check; empty for unregistered venues |
//! | 类别 | | 已备案养老机构 / 未备案养老机构 / 未经登记场所 (or 已备案 / 未备案 / 未登记) |
//! | 村(社区), 地址 | | |
//! | 登记类型 | | 事业单位 / 民办非企业单位 / 企业 / 个体工商户 / 未登记; else from the USCC |
//! | 机构性质 | | 公办 / 公建民营 / 民办 |
//! | 法定代表人, 联系人, 联系电话 | | |
//! | 床位数, 入住老人数 | | whole numbers |
//! | 备案时间, 备案机关, 备案回执号 | | a date such as 2021-03-05 |

use std::path::Path;

use mopai_shared::model::{Category, Facility, LegalForm, ListingSource, Ownership, Profile};

use super::fields::{self, RowErrors, Townships};
use super::table::{self, Column, Record};
use super::{Candidate, ImportOptions, ImportReport, Parsed, store_rows};
use crate::admin::AdminResult;
use crate::admin::docs::ServerWriter;
use crate::storage::Storage;

const fn col(name: &'static str, required: bool, help: &'static str) -> Column {
    Column {
        name,
        aliases: &[],
        required,
        help,
    }
}

pub const COLUMNS: &[Column] = &[
    Column {
        aliases: &["所属乡镇"],
        ..col("乡镇", true, "已登记的乡镇名称（见 mopai township list）")
    },
    Column {
        aliases: &["名称", "场所名称", "机构(场所)名称"],
        ..col("机构名称", true, "")
    },
    col(
        "统一社会信用代码",
        false,
        "18位，按 GB 32100-2015 校验；未经登记的场所留空",
    ),
    col(
        "类别",
        false,
        "已备案养老机构 / 未备案养老机构 / 未经登记场所（或：已备案 / 未备案 / 未登记）；不清楚可留空",
    ),
    Column {
        aliases: &["村", "社区", "村(居)"],
        ..col("村(社区)", false, "")
    },
    Column {
        aliases: &["住所", "详细地址"],
        ..col("地址", false, "")
    },
    col(
        "登记类型",
        false,
        "事业单位 / 民办非企业单位 / 企业 / 个体工商户 / 未登记；留空时按信用代码判断",
    ),
    col("机构性质", false, "公办 / 公建民营 / 民办"),
    Column {
        aliases: &["负责人", "法定代表人或主要负责人"],
        ..col("法定代表人", false, "")
    },
    col("联系人", false, ""),
    Column {
        aliases: &["电话"],
        ..col("联系电话", false, "")
    },
    Column {
        aliases: &["床位"],
        ..col("床位数", false, "整数")
    },
    Column {
        aliases: &["入住人数", "收住老人数"],
        ..col("入住老人数", false, "整数")
    },
    Column {
        aliases: &["备案日期"],
        ..col("备案时间", false, "日期，如 2021-03-05")
    },
    col("备案机关", false, ""),
    Column {
        aliases: &["备案回执编号"],
        ..col("备案回执号", false, "")
    },
];

const CATEGORY_ALIASES: &[(&str, Category)] = &[
    ("已备案", Category::FiledInstitution),
    ("未备案", Category::UnfiledInstitution),
    ("未登记", Category::UnregisteredVenue),
    ("未经登记", Category::UnregisteredVenue),
    ("未登记场所", Category::UnregisteredVenue),
    ("未经登记场所", Category::UnregisteredVenue),
];

const LEGAL_FORM_ALIASES: &[(&str, LegalForm)] = &[
    ("民办非企业单位", LegalForm::PrivateNonEnterprise),
    ("社会服务机构", LegalForm::PrivateNonEnterprise),
    ("民非", LegalForm::PrivateNonEnterprise),
];

/// `--help` text: the header spec.
pub fn help() -> String {
    format!(
        "导入养老机构名单（公安、市场监管或日常掌握），每行成为一个待排查的机构档案，同步到对应乡镇的手机。\n\n\
         第一个非空行为表头，列的顺序不限：\n{}\n\n\
         有任何错误时不导入任何数据（错误按行号列出），除非加 --skip-invalid。\n\
         重复检查：统一社会信用代码相同，或同一乡镇内名称相同（且信用代码不冲突）。\n\
         文件内重复算错误；与已有档案重复的行跳过并列出。",
        table::describe(COLUMNS)
    )
}

pub fn import(
    storage: &Storage,
    path: &Path,
    source: ListingSource,
    options: ImportOptions,
) -> AdminResult<ImportReport> {
    let records = table::read(path, COLUMNS)?;
    let writer = ServerWriter::new("import-facilities");
    storage.write(|tx| {
        let townships = Townships::load(tx)?;
        let rows = records
            .iter()
            .map(|r| (r.row, parse(r, &townships, source)))
            .collect();
        store_rows(tx, &writer, rows, options)
    })
}

fn parse(r: &Record, townships: &Townships, source: ListingSource) -> Parsed {
    let mut e = RowErrors::default();
    let township = e.take(townships.by_name(r.get("乡镇")).map(Some), None);
    let name = r.get("机构名称");
    if name.is_empty() {
        e.0.push("未填写机构名称".into());
    }
    let uscc = e.take(fields::uscc(r.get("统一社会信用代码")), String::new());
    let category = e.take(fields::coded("类别", r.get("类别"), CATEGORY_ALIASES), None);
    let stated = e.take(
        fields::coded("登记类型", r.get("登记类型"), LEGAL_FORM_ALIASES),
        None,
    );
    let legal_form = e.take(fields::legal_form(stated, &uscc), None).or((category
        == Some(Category::UnregisteredVenue)
        && uscc.is_empty())
    .then_some(LegalForm::Unregistered));
    let profile = Profile {
        name: name.to_string(),
        village: r.get("村(社区)").to_string(),
        address: r.get("地址").to_string(),
        uscc,
        legal_form,
        ownership: e.take(
            fields::coded::<Ownership>("机构性质", r.get("机构性质"), &[]),
            None,
        ),
        filing_date: e.take(fields::day("备案时间", r.get("备案时间")), None),
        filing_authority: r.get("备案机关").to_string(),
        filing_receipt_no: r.get("备案回执号").to_string(),
        legal_representative: r.get("法定代表人").to_string(),
        contact_person: r.get("联系人").to_string(),
        contact_phone: r.get("联系电话").to_string(),
        beds: e.take(fields::count("床位数", r.get("床位数")), None),
        residents: e.take(fields::count("入住老人数", r.get("入住老人数")), None),
        ..Profile::default()
    };
    match township {
        Some(township) if e.0.is_empty() => Parsed::Facility(Box::new(Candidate {
            township,
            facility: Facility {
                category,
                source: Some(source),
                profile,
                visits: Vec::new(),
            },
        })),
        _ => Parsed::Invalid(e.0),
    }
}
