//! The `mopai` command line: `mopai serve` and the admin commands, one file
//! per command group. The commands only parse, prompt and print; what they
//! do lives in [`crate::admin`].
//!
//! Admin commands open the database in `--data-dir` (the folder `serve`
//! uses). The server may be running meanwhile: SQLite serialises the
//! writes, and what a command writes reaches phones at their next sync.
//!
//! - [`serve`]: `mopai serve`.
//! - [`user`]: `mopai user add | list | disable | enable | reset-password`.
//! - [`township`]: `mopai township add | list`.
//! - [`settings`]: `mopai settings`: schedule dates and thresholds.
//! - [`import`]: `mopai import facilities | market-entities FILE`.
//! - [`demo`]: `mopai demo`.

pub mod demo;
pub mod import;
pub mod serve;
pub mod settings;
pub mod township;
pub mod user;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::Config;
use crate::admin::AdminError;
use crate::config::Durability;
use crate::storage::{Database, Storage};

#[derive(Debug, Parser)]
#[command(
    name = "mopai",
    version,
    about = "养老服务领域诈骗风险隐患摸底排查 — 服务器与管理命令"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app and the API.
    Serve(Config),
    /// 用户账号：添加、列出、停用、启用、重置密码。
    User(user::UserArgs),
    /// 乡镇：添加、列出。
    Township(township::TownshipArgs),
    /// 查看或修改县级设置：工作日程与各项阈值（同步到所有手机）。
    Settings(settings::SettingsArgs),
    /// 导入机构名单或新登记市场主体。
    Import(import::ImportArgs),
    /// 生成演示数据：衡山县的乡镇、各角色用户和示例机构（可重复运行）。
    Demo(demo::DemoArgs),
}

/// `--data-dir` and `--database` of the admin commands, as `mopai serve`
/// takes them; may come after the subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct DataDir {
    /// 数据目录（与 mopai serve 相同，含 mopai.db）。
    #[arg(long, env = "MOPAI_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// 数据库：sqlite:目录，或 postgres://用户@主机:端口/库名（与 mopai serve 相同）。
    #[arg(long, env = "MOPAI_DATABASE", global = true)]
    pub database: Option<Database>,
}

impl DataDir {
    pub fn open(&self) -> Result<Storage, CliError> {
        let mut config = Config::for_data_dir(&self.data_dir);
        config.database = self.database.clone();
        let database = config.database();
        if let Database::Sqlite { dir } = &database {
            std::fs::create_dir_all(dir)?;
        }
        Ok(Storage::open(&database, Durability::Full)?)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Admin(#[from] AdminError),
    #[error("数据库错误：{0}")]
    Storage(#[from] crate::storage::Error),
    #[error("{0}")]
    Usage(String),
}

pub async fn main(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve(config) => Ok(serve::run(config).await?),
        Command::User(args) => user::run(args),
        Command::Township(args) => township::run(args),
        Command::Settings(args) => settings::run(args),
        Command::Import(args) => import::run(args),
        Command::Demo(args) => demo::run(args),
    }
}
