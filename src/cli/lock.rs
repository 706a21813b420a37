//! `chanctl lock status` and `chanctl lock release --force`: see and clear the lock that keeps
//! applies to one account one at a time.

use super::args::AccountArgs;
use super::{Exit, Result};
use crate::lock::Status;
use crate::ops::{self, lock::Holder};
use crate::printer::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Say whether the account is locked, by whom and since when.
    Status(AccountArgs),
    /// Remove the account's lock whoever holds it (after a chanctl that was killed).
    Release {
        #[command(flatten)]
        which: AccountArgs,
        /// Required: the lock may belong to an apply that is still running.
        #[arg(long)]
        force: bool,
    },
}

pub fn exec(args: &Args, printer: &Printer) -> Result {
    match &args.action {
        Action::Status(which) => {
            let account = which.account()?;
            let status = ops::lock::status(&account)?;
            if let Some(left) = status.leftover {
                printer.out(&format!("{left}\n"));
            }
            let env = account.environment.as_deref().unwrap_or("default");
            printer.out(&status_line(&status.holder, env));
        }
        Action::Release { which, force } => {
            let released = ops::lock::release(&which.account()?, *force)?;
            printer.out(&released_line(&released));
        }
    }
    Ok(Exit::Ok)
}

fn status_line(holder: &Holder, env: &str) -> String {
    match holder {
        Holder::Sandbox {
            sandbox,
            lock_file,
            holder: Some(h),
        } => format!(
            "sandbox {}: locked by a running chanctl ({h})\nlock file: {}\n",
            sandbox.display(),
            lock_file.display()
        ),
        Holder::Sandbox { sandbox, .. } => format!("sandbox {}: not locked\n", sandbox.display()),
        Holder::Cams {
            account,
            lock_file,
            status,
        } => match status {
            Status::Free => format!("{account} (environment {env}): not locked\n"),
            Status::Held(h) => format!(
                "{account} (environment {env}): locked by {}, time to live {} min\nlock file: {}\n",
                h.describe(),
                h.ttl_secs / 60,
                lock_file.display()
            ),
            Status::Stale(h, why) => format!(
                "{account} (environment {env}): stale lock of {} ({why}); the next apply takes it over\nlock file: {}\n",
                h.describe(),
                lock_file.display()
            ),
            Status::Unreadable(why) => format!("{account} (environment {env}): {why}\n"),
        },
    }
}

fn released_line(released: &Holder) -> String {
    match released {
        Holder::Sandbox { sandbox, .. } => format!(
            "sandbox {}: not locked; nothing to release\n",
            sandbox.display()
        ),
        Holder::Cams {
            account,
            lock_file,
            status,
        } => match status {
            Status::Free => format!("{account}: not locked\n"),
            Status::Held(h) | Status::Stale(h, _) => {
                format!("{account}: released the lock of {}\n", h.describe())
            }
            Status::Unreadable(_) => format!(
                "{account}: removed the unreadable lock file {}\n",
                lock_file.display()
            ),
        },
    }
}
