//! `mopai user add | list | disable | enable | reset-password`.
//!
//! Passwords are read from a hidden prompt (asked twice) or, for scripts,
//! as one line of standard input with `--password-stdin`; never from the
//! command line, where other users and the shell history would see them.

use std::io::BufRead;

use clap::{Args, Subcommand};
use mopai_shared::roles::Role;

use super::{CliError, DataDir};
use crate::admin::accounts::{self, NewAccount};

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
    #[command(flatten)]
    db: DataDir,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// 添加用户。
    Add {
        /// 登录名：2–32 位小写字母、数字或 . _ -
        #[arg(long)]
        username: String,
        /// 姓名（显示用）
        #[arg(long)]
        name: String,
        /// 角色：inspector 排查员 | township_lead 乡镇分管领导 | county_staff 县民政局 | admin 管理员
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// 所属乡镇名称（排查员、乡镇分管领导必填）
        #[arg(long)]
        township: Option<String>,
        /// 从标准输入读取一行作为密码（不提示）
        #[arg(long)]
        password_stdin: bool,
    },
    /// 列出所有用户。
    List,
    /// 停用用户，并立即使其所有登录失效。
    Disable { username: String },
    /// 重新启用已停用的用户。
    Enable { username: String },
    /// 重置密码，并使其所有登录失效。
    ResetPassword {
        username: String,
        /// 从标准输入读取一行作为密码（不提示）
        #[arg(long)]
        password_stdin: bool,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|_| {
        let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        format!("可选角色：{}", codes.join(", "))
    })
}

fn read_password(from_stdin: bool) -> Result<String, CliError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("密码：")?;
    let second = rpassword::prompt_password("再次输入密码：")?;
    if first != second {
        return Err(CliError::Usage("两次输入的密码不一致".into()));
    }
    Ok(first)
}

pub fn run(args: UserArgs) -> Result<(), CliError> {
    let storage = args.db.open()?;
    match args.command {
        UserCommand::Add {
            username,
            name,
            role,
            township,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let account = NewAccount {
                username: &username,
                display_name: &name,
                role,
                township: township.as_deref(),
            };
            let user = accounts::add(&storage, account, &password)?;
            println!("已添加用户 {}（{}）", user.username, user.role.label_zh());
        }
        UserCommand::List => {
            for u in accounts::list(&storage)? {
                println!(
                    "{:<20} {:<16} {:<10} {:<8} {}",
                    u.username,
                    u.display_name,
                    u.role.label_zh(),
                    u.township.map_or_else(|| "县级".to_string(), |t| t.name),
                    if u.active { "启用" } else { "已停用" }
                );
            }
        }
        UserCommand::Disable { username } => {
            accounts::set_active(&storage, &username, false)?;
            println!("已停用 {username}，其登录已全部失效");
        }
        UserCommand::Enable { username } => {
            accounts::set_active(&storage, &username, true)?;
            println!("已启用 {username}");
        }
        UserCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            accounts::reset_password(&storage, &username, &password)?;
            println!("已重置 {username} 的密码，其登录已全部失效");
        }
    }
    Ok(())
}
