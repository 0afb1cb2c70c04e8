//! `mopai import market-entities FILE`: newly registered businesses from
//! 市场监管. Those whose 经营范围 contains 养老服务 become facilities to
//! verify on site (plan §二.二), with source `new_market_entity`, in the
//! township named in the row or, failing that, in their 住所. Other rows
//! are counted and left out.
//!
//! Header (first non-empty row; see [`COLUMNS`]): 企业名称, 统一社会信用代码
//! and 经营范围 are required; 住所, 乡镇, 法定代表人, 联系电话 and 成立日期
//! are optional (成立日期 is accepted and not kept).

use std::path::Path;

use mopai_shared::model::{Facility, ListingSource, Profile};

use super::fields::{self, RowErrors, Townships};
use super::table::{self, Column, Record};
use super::{Candidate, ImportOptions, ImportReport, Parsed, store_rows};
use crate::admin::AdminResult;
use crate::admin::docs::ServerWriter;
use crate::storage::Storage;

/// The words in 经营范围 that make a business a facility to verify.
pub const ELDERLY_CARE: &str = "养老服务";

pub const COLUMNS: &[Column] = &[
    Column {
        name: "企业名称",
        aliases: &["名称", "市场主体名称", "个体工商户名称"],
        required: true,
        help: "",
    },
    Column {
        name: "统一社会信用代码",
        aliases: &["信用代码"],
        required: true,
        help: "18位，按 GB 32100-2015 校验",
    },
    Column {
        name: "经营范围",
        aliases: &[],
        required: true,
        help: "含“养老服务”的行才导入",
    },
    Column {
        name: "住所",
        aliases: &["地址", "经营场所"],
        required: false,
        help: "",
    },
    Column {
        name: "乡镇",
        aliases: &["所属乡镇"],
        required: false,
        help: "留空时按住所中出现的已登记乡镇名确定",
    },
    Column {
        name: "法定代表人",
        aliases: &["经营者", "负责人"],
        required: false,
        help: "",
    },
    Column {
        name: "联系电话",
        aliases: &["电话"],
        required: false,
        help: "",
    },
    Column {
        name: "成立日期",
        aliases: &["登记日期"],
        required: false,
        help: "可有，不导入",
    },
];

pub fn help() -> String {
    format!(
        "导入市场监管部门提供的新登记市场主体：经营范围含“{ELDERLY_CARE}”的，成为所在乡镇待实地核实的机构\
         （来源：新登记经营范围含养老服务的市场主体）；其余行跳过并计数。\n\n\
         第一个非空行为表头，列的顺序不限：\n{}\n\n\
         有任何错误时不导入任何数据，除非加 --skip-invalid；重复检查同 import facilities。",
        table::describe(COLUMNS)
    )
}

pub fn import(storage: &Storage, path: &Path, options: ImportOptions) -> AdminResult<ImportReport> {
    let records = table::read(path, COLUMNS)?;
    let writer = ServerWriter::new("import-market-entities");
    storage.write(|tx| {
        let townships = Townships::load(tx)?;
        let rows = records
            .iter()
            .map(|r| (r.row, parse(r, &townships)))
            .collect();
        store_rows(tx, &writer, rows, options)
    })
}

fn parse(r: &Record, townships: &Townships) -> Parsed {
    if !r.get("经营范围").contains(ELDERLY_CARE) {
        return Parsed::Irrelevant;
    }
    let mut e = RowErrors::default();
    let name = r.get("企业名称");
    if name.is_empty() {
        e.0.push("未填写企业名称".into());
    }
    let address = r.get("住所");
    let township = match r.get("乡镇") {
        "" => townships.in_address(address),
        named => townships.by_name(named),
    };
    let township = e.take(township.map(Some), None);
    let uscc = e.take(fields::uscc(r.get("统一社会信用代码")), String::new());
    if uscc.is_empty() && r.get("统一社会信用代码").is_empty() {
        e.0.push("未填写统一社会信用代码".into());
    }
    let legal_form = e.take(fields::legal_form(None, &uscc), None);
    match township {
        Some(township) if e.0.is_empty() => Parsed::Facility(Box::new(Candidate {
            township,
            facility: Facility {
                // Not known until somebody has been there.
                category: None,
                source: Some(ListingSource::NewMarketEntity),
                profile: Profile {
                    name: name.to_string(),
                    address: address.to_string(),
                    uscc,
                    legal_form,
                    legal_representative: r.get("法定代表人").to_string(),
                    contact_phone: r.get("联系电话").to_string(),
                    ..Profile::default()
                },
                visits: Vec::new(),
            },
        })),
        _ => Parsed::Invalid(e.0),
    }
}
