//! `chanctl plan`: read the file and the account, print the plan. `apply` makes a fresh
//! plan with the same [`load_and_plan`].

use super::Exit;
use super::backend::{Backend, with_provider};
use super::context::{AccountArgs, ScopeArgs, load_file_with_source, runtime, secret_keeping};
use crate::config::Desired;
use crate::files::write_atomically;
use crate::plan::{self, Plan};
use crate::printer::Printer;
use crate::provider::Provider;
use crate::render;
use crate::sensitive::Secrets;
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub account: AccountArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Delete live channels that the file does not declare.
    #[arg(long)]
    pub prune: bool,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Also save the plan (JSON) to this file, for `chanctl apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

pub fn exec(args: &Args, printer: &Printer) -> Exit {
    match compute(args, printer) {
        Ok((plan, desired, printer)) => {
            // Shown and saved, the plan never holds a sensitive value.
            let secrets = Secrets::new(desired.sensitive_values());
            let (plan, hidden) = plan::redact::redact(plan, &secrets, &desired.sensitive);
            let printer = &printer.with_secrets(hidden);
            // JSON is written as it is made (below): for a large plan it is the largest output.
            let text = match args.format {
                Format::Text => Some(render::text::render(&plan, printer.out_style)),
                Format::Json => None,
                Format::Markdown => Some(render::markdown::render(&plan)),
            };
            if let Some(out) = &args.out {
                if let Err(e) = write_atomically(out, render::json(&plan).as_bytes()) {
                    printer.error(&format!("cannot write {}: {e}", out.display()));
                    return Exit::Error;
                }
                printer.debug(&format!("plan saved to {}", out.display()));
            }
            match &text {
                Some(text) => printer.out(text),
                None => printer.out_with(|w| render::write_json(&plan, w)),
            }
            if args.detailed_exitcode {
                printer.err(&drift_summary(&plan));
            }
            if args.detailed_exitcode && !plan.is_empty() {
                Exit::Changes
            } else {
                Exit::Ok
            }
        }
        Err(exit) => exit,
    }
}

/// The plan (with the real values), the desired state, and a printer that keeps the
/// sensitive values out.
fn compute(args: &Args, printer: &Printer) -> Result<(Plan, Desired, Printer), Exit> {
    let rt = runtime(printer)?;
    let (plan, desired, _backend, printer) =
        load_and_plan(&args.account, args.prune, &args.scope, false, &rt, printer)?;
    Ok((plan, desired, printer))
}

/// One paragraph for cron jobs: whether the account drifted from the file, and how.
pub fn drift_summary(plan: &Plan) -> String {
    let mut out = if plan.is_empty() {
        "drift: none; the account matches the file".to_string()
    } else {
        let mut channels: Vec<&str> = plan.steps.iter().map(|s| s.channel.as_str()).collect();
        channels.dedup();
        channels.sort_unstable();
        channels.dedup();
        format!(
            "drift: {} channel{} differ{} from the file ({}): {}",
            channels.len(),
            if channels.len() == 1 { "" } else { "s" },
            if channels.len() == 1 { "s" } else { "" },
            plan.summary
                .line()
                .trim_start_matches("Plan: ")
                .trim_end_matches('.'),
            channels.join(", ")
        )
    };
    if !plan.unmanaged.is_empty() {
        let names: Vec<&str> = plan.unmanaged.iter().map(|u| u.name.as_str()).collect();
        out.push_str(&format!(
            "\nunmanaged (not drift without --prune): {}",
            names.join(", ")
        ));
    }
    out
}

/// Read and validate the file, open the backend (`write`: for an apply, which takes the
/// sandbox's lock), read the live account and compute the plan. Returns the plan (with the
/// real values), the desired state, the open backend and a printer that keeps the sensitive
/// values out.
pub fn load_and_plan(
    account: &AccountArgs,
    prune: bool,
    scope: &ScopeArgs,
    write: bool,
    rt: &tokio::runtime::Runtime,
    printer: &Printer,
) -> Result<(Plan, Desired, Backend, Printer), Exit> {
    let (desired, source) = load_file_with_source(&account.file.file, account.env.name(), printer)?;
    let printer = secret_keeping(printer, &desired);
    let backend = account.open(desired.quota, write, &printer)?;
    let mut options = backend.plan_options(prune);
    options.source = source;
    let live = with_provider!(&backend, p => rt.block_on(p.read())).map_err(|e| {
        printer.error(&e.to_string());
        Exit::Error
    })?;
    let plan = plan::build(&desired, &live, &options).map_err(|e| {
        printer.error(&e.to_string());
        Exit::Error
    })?;
    let mut plan = plan::narrow(plan, &scope.scope()).map_err(|e| {
        printer.error(&e);
        Exit::Error
    })?;
    if let Backend::Cams(cams) = &backend {
        plan.api_budget = Some(plan::estimate(
            &plan,
            crate::provider::cams::operations,
            cams.qps(),
        ));
    }
    Ok((plan, desired, backend, printer))
}
