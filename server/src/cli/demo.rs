//! `mopai demo`: seeds the demo county and prints its logins.

use clap::Args;

use super::{CliError, DataDir};
use crate::admin::demo;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    db: DataDir,
}

pub fn run(args: DemoArgs) -> Result<(), CliError> {
    let storage = args.db.open()?;
    let report = demo::run(&storage)?;
    println!(
        "演示县：{}；新增乡镇 {} 个；新增示例机构 {} 个（已有 {} 个）。",
        demo::COUNTY,
        report.townships_added,
        report.facilities.imported.len(),
        report.facilities.already_present.len()
    );
    println!("\n演示账号（仅供演示，切勿用于正式数据）：");
    for (u, created) in &report.users {
        let note = if *created {
            ""
        } else {
            "（已存在，未修改密码）"
        };
        println!(
            "  {:<18} 密码 {:<16} {}{}{note}",
            u.username,
            u.password,
            u.role.label_zh(),
            u.township.map(|t| format!("·{t}")).unwrap_or_default()
        );
    }
    Ok(())
}
