//! `mopai import facilities FILE --source …` and
//! `mopai import market-entities FILE`. The header each file must have is in
//! the command's `--help`, generated from the column specs in
//! [`crate::admin::import`].

use std::path::PathBuf;

use clap::{Args, Subcommand};
use mopai_shared::model::ListingSource;

use super::{CliError, DataDir};
use crate::admin::import::{ImportOptions, ImportReport, facilities, market};

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    command: ImportCommand,
    #[command(flatten)]
    db: DataDir,
}

#[derive(Debug, Args)]
struct Common {
    /// .xlsx / .xls / .ods（第一个工作表）或 UTF-8 .csv
    file: PathBuf,
    /// 有错误时仍导入无误的行（出错的行按行号列出）
    #[arg(long)]
    skip_invalid: bool,
    /// 只检查，不导入
    #[arg(long)]
    dry_run: bool,
}

impl Common {
    fn options(&self) -> ImportOptions {
        ImportOptions {
            skip_invalid: self.skip_invalid,
            dry_run: self.dry_run,
        }
    }
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// 导入机构名单（公安、市场监管或日常掌握）。
    #[command(long_about = facilities::help())]
    Facilities {
        #[command(flatten)]
        common: Common,
        /// 名单来源：police 公安 | market_supervision 市场监管 | daily 日常掌握 | public_report 群众举报
        #[arg(long, value_parser = parse_source)]
        source: ListingSource,
    },
    /// 导入新登记市场主体（经营范围含“养老服务”的成为待核实机构）。
    #[command(long_about = market::help())]
    MarketEntities {
        #[command(flatten)]
        common: Common,
    },
}

fn parse_source(s: &str) -> Result<ListingSource, String> {
    match s.parse() {
        Ok(ListingSource::NewMarketEntity) => {
            Err("新登记市场主体请用 mopai import market-entities".into())
        }
        Ok(source) => Ok(source),
        Err(_) => Err("可选：police, market_supervision, daily, public_report".into()),
    }
}

pub fn run(args: ImportArgs) -> Result<(), CliError> {
    let storage = args.db.open()?;
    let report = match &args.command {
        ImportCommand::Facilities { common, source } => {
            facilities::import(&storage, &common.file, *source, common.options())?
        }
        ImportCommand::MarketEntities { common } => {
            market::import(&storage, &common.file, common.options())?
        }
    };
    print(&report);
    Ok(())
}

fn print(r: &ImportReport) {
    let verb = if r.dry_run {
        "可导入（未导入，--dry-run）"
    } else {
        "已导入"
    };
    println!("{verb} {} 个机构", r.imported.len());
    for i in &r.imported {
        println!("  第{}行 {} → {}", i.row, i.name, i.id);
    }
    if !r.already_present.is_empty() {
        println!("与已有档案重复、跳过 {} 行：", r.already_present.len());
        for e in &r.already_present {
            println!("  {e}");
        }
    }
    if !r.skipped.is_empty() {
        println!("有错误、跳过 {} 行：", r.skipped.len());
        for e in &r.skipped {
            println!("  {e}");
        }
    }
    if !r.irrelevant.is_empty() {
        println!("经营范围不含养老服务、跳过 {} 行", r.irrelevant.len());
    }
}
