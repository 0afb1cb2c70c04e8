//! What a form control hands back ([`Value`]) and the parsing of what an
//! inspector typed into it.
//!
//! Parsing is strict where a wrong number would mislead the classification
//! (money, counts) and lenient about the way phones type: full-width digits,
//! thousands separators and spaces are accepted.

use mopai_shared::model::Day;

/// One answer as a control produces it, before it is written into the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// A list typed into one line, split at 、 , ; or a newline.
    Lines(Vec<String>),
    /// A count or an amount in whole 元; `None` is not answered.
    Number(Option<i64>),
    /// 是 / 否 / 未答.
    Flag(Option<bool>),
    /// A tick that is only ever a positive statement (四不两直).
    Tick(bool),
    Date(Option<Day>),
    /// One option of a vocabulary, by its code; `None` clears the answer.
    Code(Option<String>),
    /// One option of a multi-select and its answer.
    Pick(String, Option<bool>),
}

/// Why typed text is not a number.
pub const NOT_A_NUMBER: &str = "请输入整数（不带单位）";
pub const NEGATIVE: &str = "不能为负数";

/// A whole number, or `None` for an empty field.
pub fn parse_number(input: &str) -> Result<Option<i64>, &'static str> {
    let cleaned: String = input
        .chars()
        .filter_map(|c| match c {
            // Full-width digits from Chinese keyboards.
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            ',' | '，' | ' ' | '\u{3000}' => None,
            _ => Some(c),
        })
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let n: i64 = cleaned.parse().map_err(|_| NOT_A_NUMBER)?;
    if n < 0 {
        return Err(NEGATIVE);
    }
    Ok(Some(n))
}

/// Splits a typed list; empty pieces are dropped.
pub fn parse_lines(input: &str) -> Vec<String> {
    input
        .split(['、', ',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How a list is shown in its one-line input.
pub fn join_lines(items: &[String]) -> String {
    items.join("、")
}

/// An `<input type=date>` value; anything unreadable clears the date.
pub fn parse_date(input: &str) -> Option<Day> {
    input.trim().parse().ok()
}

/// 50000 → "5 万元", for the hint under an amount.
pub fn wan_yuan(yuan: i64) -> String {
    if yuan % 10_000 == 0 {
        format!("{} 万元", yuan / 10_000)
    } else {
        format!("{:.2} 万元", yuan as f64 / 10_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_accept_phone_typing_and_refuse_the_rest() {
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("  "), Ok(None));
        assert_eq!(parse_number("50,000"), Ok(Some(50_000)));
        assert_eq!(parse_number("１２"), Ok(Some(12)));
        assert_eq!(parse_number("-3"), Err(NEGATIVE));
        assert_eq!(parse_number("5万"), Err(NOT_A_NUMBER));
        assert_eq!(parse_number("1.5"), Err(NOT_A_NUMBER));
    }

    #[test]
    fn lists_split_on_chinese_and_ascii_separators() {
        assert_eq!(
            parse_lines("甲公司、乙公司，丙公司; 丁公司\n"),
            vec!["甲公司", "乙公司", "丙公司", "丁公司"]
        );
        assert!(parse_lines("、 ,").is_empty());
        assert_eq!(join_lines(&parse_lines("甲、乙")), "甲、乙");
    }

    #[test]
    fn dates_and_wan() {
        assert_eq!(parse_date("2022-01-14"), Day::ymd(2022, 1, 14));
        assert_eq!(parse_date(""), None);
        assert_eq!(wan_yuan(50_000), "5 万元");
        assert_eq!(wan_yuan(12_345), "1.23 万元");
    }
}
