//! Parsing one cell: each parser returns the value or a message for the row.

use std::collections::HashMap;

use mopai_shared::ids::TownshipId;
use mopai_shared::model::{Coded, Day, LegalForm};
use mopai_shared::validate::{MAX_COUNT, uscc_legal_form, validate_uscc};

use crate::storage::ReadTx;

/// Collects the messages of one row while its cells are parsed.
#[derive(Debug, Default)]
pub struct RowErrors(pub Vec<String>);

impl RowErrors {
    /// The value, or `fallback` after noting the message.
    pub fn take<T>(&mut self, parsed: Result<T, String>, fallback: T) -> T {
        parsed.unwrap_or_else(|message| {
            self.0.push(message);
            fallback
        })
    }
}

/// A USCC, upper-cased and checked (GB 32100-2015); empty stays empty.
pub fn uscc(value: &str) -> Result<String, String> {
    let code: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    if code.is_empty() {
        return Ok(code);
    }
    match validate_uscc(&code, "uscc").first() {
        None => Ok(code),
        Some(e) => Err(format!("统一社会信用代码“{value}”有误：{}", e.message_zh)),
    }
}

/// The legal form a row states, else the one its USCC encodes; a stated
/// form that contradicts the USCC is an error.
pub fn legal_form(stated: Option<LegalForm>, uscc: &str) -> Result<Option<LegalForm>, String> {
    let encoded = uscc_legal_form(uscc);
    match (stated, encoded) {
        (Some(s), Some(e)) if s != e => Err(format!(
            "登记类型“{}”与统一社会信用代码所示的“{}”不符",
            s.label_zh(),
            e.label_zh()
        )),
        (Some(s), _) => Ok(Some(s)),
        (None, e) => Ok(e),
    }
}

/// A whole number of people, beds…; empty is `None`.
pub fn count(column: &str, value: &str) -> Result<Option<u32>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= MAX_COUNT)
        .map(Some)
        .ok_or_else(|| format!("{column}应为不超过 {MAX_COUNT} 的整数：“{value}”"))
}

/// A date as lists write it: 2021-03-05, 2021/3/5, 2021.3.5 or 2021年3月5日.
pub fn day(column: &str, value: &str) -> Result<Option<Day>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = value
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let ymd = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => match (y.parse(), m.parse(), d.parse()) {
            (Ok(y), Ok(m), Ok(d)) => Day::ymd(y, m, d),
            _ => None,
        },
        _ => None,
    };
    ymd.map(Some)
        .ok_or_else(|| format!("{column}不是有效日期（如 2021-03-05）：“{value}”"))
}

/// A vocabulary value by its Chinese label, its code, or one of `aliases`.
pub fn coded<T: Coded>(
    column: &str,
    value: &str,
    aliases: &[(&str, T)],
) -> Result<Option<T>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    T::ALL
        .iter()
        .copied()
        .find(|t| t.label_zh() == value || t.code() == value)
        .or_else(|| aliases.iter().find(|(a, _)| *a == value).map(|(_, t)| *t))
        .map(Some)
        .ok_or_else(|| {
            let choices: Vec<&str> = T::ALL.iter().map(|t| t.label_zh()).collect();
            format!("{column}“{value}”不在可选值中（{}）", choices.join(" / "))
        })
}

/// Registered townships by name.
#[derive(Debug, Default)]
pub struct Townships(HashMap<String, TownshipId>);

impl Townships {
    pub fn load(tx: &ReadTx<'_>) -> crate::storage::Result<Self> {
        Ok(Self(
            tx.townships()?
                .into_iter()
                .filter(|t| t.active)
                .map(|t| (t.name, t.id))
                .collect(),
        ))
    }

    pub fn by_name(&self, name: &str) -> Result<TownshipId, String> {
        if name.is_empty() {
            return Err("未填写乡镇".into());
        }
        self.0
            .get(name)
            .copied()
            .ok_or_else(|| format!("乡镇“{name}”未登记（先用 mopai township add 添加）"))
    }

    /// The one registered township whose name appears in `address`.
    pub fn in_address(&self, address: &str) -> Result<TownshipId, String> {
        let found: Vec<(&String, &TownshipId)> = self
            .0
            .iter()
            .filter(|(name, _)| address.contains(name.as_str()))
            .collect();
        match found.as_slice() {
            [(_, id)] => Ok(**id),
            [] => Err(format!("无法从住所“{address}”确定乡镇，请填写“乡镇”列")),
            _ => Err(format!("住所“{address}”中出现了多个乡镇名，请填写“乡镇”列")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mopai_shared::model::Category;

    #[test]
    fn cells_parse_or_explain() {
        assert_eq!(count("床位数", "120"), Ok(Some(120)));
        assert!(count("床位数", "一百").unwrap_err().contains("床位数"));
        assert_eq!(day("备案时间", "2021年3月5日"), Ok(Day::ymd(2021, 3, 5)));
        assert_eq!(day("备案时间", "2021/03/05"), Ok(Day::ymd(2021, 3, 5)));
        assert!(day("备案时间", "2021-02-30").is_err());
        assert_eq!(
            coded("类别", "已备案", &[("已备案", Category::FiledInstitution)]),
            Ok(Some(Category::FiledInstitution))
        );
        assert!(coded::<Category>("类别", "养老院", &[]).is_err());
        assert!(uscc("91430423MA4L0000X1").is_err());
        assert_eq!(uscc(""), Ok(String::new()));
    }
}
