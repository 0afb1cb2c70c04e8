//! `mopai township add | list`.

use clap::{Args, Subcommand};

use super::{CliError, DataDir};
use crate::admin::townships;

#[derive(Debug, Args)]
pub struct TownshipArgs {
    #[command(subcommand)]
    command: TownshipCommand,
    #[command(flatten)]
    db: DataDir,
}

#[derive(Debug, Subcommand)]
enum TownshipCommand {
    /// 添加乡镇（可一次添加多个），同时写入县级设置，同步到手机。
    Add {
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// 列出乡镇。
    List,
}

pub fn run(args: TownshipArgs) -> Result<(), CliError> {
    let storage = args.db.open()?;
    match args.command {
        TownshipCommand::Add { names } => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            townships::add(&storage, &names)?;
            println!("已添加 {} 个乡镇", names.len());
        }
        TownshipCommand::List => {
            for t in townships::list(&storage)? {
                let state = if t.active { "" } else { "（已撤销）" };
                println!("{}{state}\t{}", t.name, t.id);
            }
        }
    }
    Ok(())
}
