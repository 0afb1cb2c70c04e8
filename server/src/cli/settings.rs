//! `mopai settings`: shows the county settings; with any option, changes
//! them first. The settings document syncs to every phone, so the schedule
//! and thresholds classification uses are the same everywhere.

use clap::Args;
use mopai_shared::model::{CountySettings, Day, Timestamp, Yuan};
use mopai_shared::validate::validate_settings;
use time::macros::{format_description, offset};

use super::{CliError, DataDir};
use crate::admin::AdminError;
use crate::admin::docs::{ServerWriter, read_settings, update_settings};

#[derive(Debug, Args)]
pub struct SettingsArgs {
    #[command(flatten)]
    db: DataDir,
    /// 县名
    #[arg(long)]
    county_name: Option<String>,
    /// 附件报表截止时间，如 "2022-01-14 12:00"（北京时间）或 RFC 3339
    #[arg(long, value_parser = parse_timestamp)]
    tables_due: Option<Timestamp>,
    /// 自查自改阶段结束日期，如 2022-01-15
    #[arg(long)]
    self_inspection_ends: Option<Day>,
    /// 全面摸排阶段结束日期
    #[arg(long)]
    full_survey_ends: Option<Day>,
    /// 暗访督查开始日期
    #[arg(long)]
    covert_check_starts: Option<Day>,
    /// 暗访督查结束日期
    #[arg(long)]
    covert_check_ends: Option<Day>,
    /// 收取会员费、会籍费即算大额预付费（true/false）
    #[arg(long)]
    membership_fee_is_large: Option<bool>,
    /// 大额预付费：单人预付超过的月数
    #[arg(long)]
    large_prepay_months: Option<u32>,
    /// 大额预付费：单人预付达到的金额（元）
    #[arg(long)]
    large_prepay_per_person_yuan: Option<Yuan>,
    /// 大额预付费：预付总额达到的金额（元）
    #[arg(long)]
    large_prepay_total_yuan: Option<Yuan>,
    /// 重点排查：床位数达到
    #[arg(long)]
    priority_beds: Option<u32>,
    /// Y3：法定代表人或住所变更达到的次数
    #[arg(long)]
    frequent_changes: Option<u32>,
    /// Y3：统计变更的年数
    #[arg(long)]
    frequent_changes_years: Option<u32>,
    /// Y5：预付资金用途或偿付能力不明时列为黄色待核实（true/false）
    #[arg(long)]
    unknown_use_is_yellow: Option<bool>,
}

/// RFC 3339, or "YYYY-MM-DD HH:MM" in Beijing time (the county's clock).
fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    s.parse::<Timestamp>().or_else(|_| {
        time::PrimitiveDateTime::parse(
            s,
            format_description!("[year]-[month]-[day] [hour]:[minute]"),
        )
        .map(|t| Timestamp(t.assume_offset(offset!(+8))))
        .map_err(|_| format!("时间格式应为 \"2022-01-14 12:00\"：{s}"))
    })
}

impl SettingsArgs {
    fn changes_anything(&self) -> bool {
        let mut probe = CountySettings::default();
        self.apply(&mut probe);
        probe != CountySettings::default() || self.county_name.is_some()
    }

    fn apply(&self, s: &mut CountySettings) {
        fn set<T: Clone>(field: &mut T, value: &Option<T>) {
            if let Some(v) = value {
                *field = v.clone();
            }
        }
        set(&mut s.county_name, &self.county_name);
        let (d, t) = (&mut s.schedule, &mut s.thresholds);
        set(&mut d.tables_due, &self.tables_due);
        set(&mut d.self_inspection_ends, &self.self_inspection_ends);
        set(&mut d.full_survey_ends, &self.full_survey_ends);
        set(&mut d.covert_check_starts, &self.covert_check_starts);
        set(&mut d.covert_check_ends, &self.covert_check_ends);
        set(
            &mut t.membership_fee_is_large,
            &self.membership_fee_is_large,
        );
        set(&mut t.large_prepay_months, &self.large_prepay_months);
        set(
            &mut t.large_prepay_per_person_yuan,
            &self.large_prepay_per_person_yuan,
        );
        set(
            &mut t.large_prepay_total_yuan,
            &self.large_prepay_total_yuan,
        );
        set(&mut t.priority_beds, &self.priority_beds);
        set(&mut t.frequent_changes, &self.frequent_changes);
        set(&mut t.frequent_changes_years, &self.frequent_changes_years);
        set(&mut t.unknown_use_is_yellow, &self.unknown_use_is_yellow);
    }
}

pub fn run(args: SettingsArgs) -> Result<(), CliError> {
    let storage = args.db.open()?;
    let settings = if args.changes_anything() {
        let writer = ServerWriter::new("settings");
        storage.write(|tx| {
            let settings = update_settings(tx, &writer, |s| args.apply(s))?;
            let problems: Vec<String> = validate_settings(&settings)
                .into_iter()
                .map(|e| format!("{}：{}", e.field, e.message_zh))
                .collect();
            if problems.is_empty() {
                Ok(settings)
            } else {
                Err(AdminError::invalid(format!(
                    "设置未保存：{}",
                    problems.join("；")
                )))
            }
        })?
    } else {
        storage.read(read_settings)?.unwrap_or_default()
    };
    print(&settings);
    Ok(())
}

fn print(s: &CountySettings) {
    let (d, t) = (&s.schedule, &s.thresholds);
    let townships: Vec<&str> = s.townships.iter().map(|t| t.name.as_str()).collect();
    println!("县名：{}", s.county_name);
    println!("乡镇（{}）：{}", townships.len(), townships.join("、"));
    println!("附件报表截止：{}", d.tables_due);
    println!("自查自改结束：{}", d.self_inspection_ends);
    println!("全面摸排结束：{}", d.full_survey_ends);
    println!(
        "暗访督查：{} 至 {}",
        d.covert_check_starts, d.covert_check_ends
    );
    println!("会员费即大额预付：{}", t.membership_fee_is_large);
    println!("大额预付：单人超过 {} 个月", t.large_prepay_months);
    println!("大额预付：单人达到 {} 元", t.large_prepay_per_person_yuan);
    println!("大额预付：总额达到 {} 元", t.large_prepay_total_yuan);
    println!("重点排查：床位达到 {} 张", t.priority_beds);
    println!(
        "频繁变更：{} 年内达到 {} 次",
        t.frequent_changes_years, t.frequent_changes
    );
    println!("用途不明列为黄色：{}", t.unknown_use_is_yellow);
}
