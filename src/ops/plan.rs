//! `plan`: read and validate the file, open the backend, read the account, build the plan
//! and narrow it to the scope. `apply` makes its fresh plans here too.

use super::{Account, Backend, Context, Error};
use crate::config::Desired;
use crate::plan::{self, Plan, Scope, Source};
use crate::provider::Provider;
use crate::sensitive::Secrets;

/// What to plan.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub account: &'a Account,
    /// Delete live channels the file does not declare.
    pub prune: bool,
    pub scope: Scope,
    /// For an apply: take the sandbox's lock.
    pub write: bool,
    /// Approved templates to delete and re-create when they changed (`--replace NAME`).
    pub replace_templates: Vec<String>,
}

/// A plan with what it was made from.
pub struct Planned {
    /// The plan with the real values (what apply runs).
    pub plan: Plan,
    pub desired: Desired,
    pub source: Source,
    pub backend: Backend,
}

impl Planned {
    /// The plan as it may be shown and saved: sensitive values redacted. The values it hides
    /// are added to the process's scrubber.
    pub fn into_shown(self, ctx: &Context) -> Plan {
        shown(self.plan, &self.desired, ctx)
    }
}

/// `plan` redacted for showing, with what it hid added to the scrubber.
pub fn shown(plan: Plan, desired: &Desired, ctx: &Context) -> Plan {
    let secrets = Secrets::new(desired.sensitive_values());
    let (plan, hidden) = plan::redact::redact(plan, &secrets, &desired.sensitive);
    ctx.scrubber.add(&hidden);
    plan
}

/// Plan the file of `request.account` against its account.
pub fn plan(ctx: &Context, request: &Request<'_>) -> Result<Planned, Error> {
    let rt = super::runtime()?;
    let account = request.account;
    let loaded = ctx.load(&account.file, account.environment.as_deref())?;
    let backend = account.open(
        loaded.desired.quota,
        request.write,
        ctx,
        loaded.desired.read_hints(),
    )?;
    if !loaded.desired.template_channels.is_empty() && !backend.supports_templates() {
        return Err(Error::Provider(
            crate::provider::ProviderError::Unsupported(
                crate::provider::TEMPLATES_UNSUPPORTED.to_string(),
            ),
        ));
    }
    let mut options = backend.plan_options(request.prune);
    options.replace_templates = request.replace_templates.clone();
    options.source = loaded.source.clone();
    options.recorded = crate::journal::recorded_creates(&account.journal_path());
    options.ask_codes = account.codes.asks();
    options.verify_codes = account.codes.numbers();
    // The requests and retries of the read: the plan's estimate counts retries at that rate.
    let (live, read) = rt.block_on(chanctl_cams::usage::counted(backend.read()));
    // Shared with the plan, which computes its record of the account (the digests a saved
    // plan keeps) from it only if it is saved or printed as JSON.
    let live = std::sync::Arc::new(live?);
    let names = loaded
        .desired
        .channels
        .iter()
        .flat_map(|c| std::iter::once(&c.name).chain(&c.previously))
        .chain(live.channels.iter().map(|c| &c.name));
    plan::check_matches(&request.scope, names.map(String::as_str)).map_err(Error::Usage)?;
    let plan = plan::build_shared(&loaded.desired, live, &options)?;
    let mut plan = plan::narrow(plan, &request.scope).map_err(Error::Usage)?;
    plan.api_budget = backend.budget(&plan).map(|b| {
        b.with_read(plan::ReadCost {
            calls: read.calls,
            retries: read.retries,
        })
    });
    Ok(Planned {
        plan,
        desired: loaded.desired,
        source: loaded.source,
        backend,
    })
}
