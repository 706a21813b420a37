//! `export`: the live account as a channels file. When a channels file is at hand, its
//! sensitive values are written as the `${VAR}` references it takes them from, never as
//! values, and what the account cannot hold (quota, prune, safety, environments, protect,
//! previously) is kept from it.

use super::{Account, Context, Error};
use crate::files::write_atomically;
use crate::provider::Provider;
use crate::render::export::References;
use crate::render::export_kept::Kept;
use std::path::PathBuf;

/// What to export.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The account (its `file` anchors the default sandbox).
    pub account: &'a Account,
    /// The channels file whose `${VAR}` references to keep, if any.
    pub references_from: Option<PathBuf>,
    /// Write here instead of returning the text only.
    pub output: Option<PathBuf>,
    /// The quota to write (the API does not tell it); else the channels file's, else the
    /// default.
    pub quota: Option<u32>,
}

/// The exported file.
pub struct Exported {
    pub yaml: String,
    pub channels: usize,
    /// Names several live channels share (twins), with how many each: the file holds one
    /// copy of each.
    pub twins: Vec<(String, usize)>,
    /// No channels file was read: the quota, prune, safety limits, environments, protect and
    /// previously written are chanctl's defaults.
    pub defaults: bool,
}

/// Read the account and write it as a channels file (to `request.output` when given).
pub fn export(ctx: &Context, request: &Request<'_>) -> Result<Exported, Error> {
    let account = request.account;
    let env = account.environment.as_deref();
    let mut hints = crate::model::ReadHints::default();
    let mut kept = None;
    let references = match &request.references_from {
        Some(file) => {
            let loaded = ctx.load(file, env).map_err(|e| match e {
                Error::Invalid(report) => Error::ExportSource {
                    file: file.display().to_string(),
                    cause: Box::new(Error::Invalid(report)),
                },
                other => other,
            })?;
            hints = loaded.desired.read_hints();
            // What the account cannot hold is kept from the file as it is written.
            let text = std::fs::read_to_string(file)
                .map_err(|e| Error::Read(format!("cannot read {}: {e}", file.display())))?;
            kept = Some(match env {
                None => Kept::of(&text),
                Some(_) => Kept::of(&text).for_environment(&loaded.desired),
            });
            References::of(&loaded.desired)
        }
        None => References::default(),
    };
    let quota = request
        .quota
        .or(kept.as_ref().and_then(|k| k.quota))
        .unwrap_or(crate::config::file::DEFAULT_QUOTA);
    // The export holds every template, not only those of the channels the file manages.
    hints.all_templates = true;
    let backend = account.open(quota, false, ctx, hints)?;
    let live = super::runtime()?.block_on(backend.read())?;
    let yaml = crate::render::export::to_yaml_kept(
        &live,
        quota,
        MODELINE_SCHEMA,
        &references,
        kept.as_ref(),
    )
    .map_err(Error::Export)?;
    if let Some(path) = &request.output {
        let yaml = ctx.scrubber.scrub(&yaml);
        write_atomically(path, yaml.as_bytes()).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(Exported {
        yaml,
        channels: live.channels.len(),
        twins: crate::render::export::twin_names(&live),
        defaults: kept.is_none(),
    })
}

/// The schema the exported file's modeline names: `channels.schema.json` beside it, as
/// `chanctl init` writes it.
const MODELINE_SCHEMA: &str = "channels.schema.json";
