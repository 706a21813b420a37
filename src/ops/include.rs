//! The files a channels file includes (`templates: {include: "templates/*.yaml"}`): the I/O
//! half of `chanctl_core::template::include`. Each pattern is matched relative to the channels
//! file's folder, in a fixed order (sorted paths), never outside that folder (an include is
//! code review's blind spot: a pull request must not make chanctl read `/etc/passwd` or a
//! neighbour's secrets); each file is loaded by the core with the including channel's type,
//! and the core merges a channel's files.

use super::Error;
use crate::config::Desired;
use crate::diagnostic::{Diagnostic, Report};
use crate::template::include::{self, Included, TemplateInclude};
use std::path::{Component, Path, PathBuf};

/// An included file as read: its name as shown in diagnostics, its path relative to the
/// channels file's folder and its text (both for the plan's source digest, which then does
/// not depend on the folder chanctl runs in).
#[derive(Debug, Clone)]
pub struct IncludedFile {
    pub name: String,
    pub relative: String,
    pub text: String,
}

/// Read the files `desired` includes (patterns relative to `main`'s folder) and add their
/// templates to it. A pattern that matches nothing or reaches outside the folder is a
/// diagnostic at the pattern in `main` (whose text is `main_text`); a problem in an included
/// file is reported in that file, `FILE:LINE:COL`.
pub fn read(
    main: &Path,
    main_text: &str,
    desired: &mut Desired,
) -> Result<Vec<IncludedFile>, Error> {
    if desired.template_includes.is_empty() {
        return Ok(Vec::new());
    }
    let folder = match main.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let root = folder
        .canonicalize()
        .map_err(|e| Error::Read(format!("cannot read the folder of {}: {e}", main.display())))?;
    let mut problems = Vec::new();
    let mut matched: Vec<(&TemplateInclude, Vec<(PathBuf, String)>)> = Vec::new();
    for inc in &desired.template_includes {
        match files_of(inc, &folder, &root) {
            Ok(paths) => matched.push((inc, paths)),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(invalid(main.display().to_string(), main_text, problems));
    }
    let mut read = Vec::new();
    let mut templates = Vec::new();
    // Every included file is checked, so that one run shows the problems of all of them.
    let mut reports = Vec::new();
    for (inc, paths) in matched {
        let mut texts = Vec::with_capacity(paths.len());
        for (path, _) in &paths {
            let text = super::load::read_source(path)?;
            texts.push((path.display().to_string(), text));
        }
        let mut files = Vec::with_capacity(texts.len());
        let bad_before = reports.len();
        for (name, text) in &texts {
            match include::load_file(text, &inc.channel, inc.template_type) {
                Ok(located) => files.push(Included {
                    name,
                    source: text,
                    templates: located,
                }),
                Err(diagnostics) => reports.push(report(name.clone(), text, diagnostics)),
            }
        }
        // Templates repeated across this channel's files, when each file is valid on its own.
        if reports.len() == bad_before {
            match include::merge(files) {
                Ok(merged) => templates.extend(merged),
                Err(duplicates) => {
                    let mut by_file: Vec<(usize, Vec<Diagnostic>)> = Vec::new();
                    for (file, d) in duplicates {
                        match by_file.iter_mut().find(|(f, _)| *f == file) {
                            Some((_, ds)) => ds.push(d),
                            None => by_file.push((file, vec![d])),
                        }
                    }
                    by_file.sort_by_key(|(f, _)| *f);
                    for (file, diagnostics) in by_file {
                        let (name, text) = &texts[file];
                        reports.push(report(name.clone(), text, diagnostics));
                    }
                }
            }
        }
        read.extend(
            paths
                .iter()
                .zip(texts)
                .map(|((_, relative), (name, text))| IncludedFile {
                    name,
                    relative: relative.clone(),
                    text,
                }),
        );
    }
    if !reports.is_empty() {
        return Err(Error::Invalid(reports));
    }
    desired.templates.extend(templates);
    Ok(read)
}

/// `path` (a match of a pattern joined to `folder`) relative to `folder`, `/`-separated.
fn relative_to(path: &Path, folder: &Path) -> String {
    path.strip_prefix(folder)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn report(file_name: String, text: &str, mut diagnostics: Vec<Diagnostic>) -> Report {
    diagnostics.sort_by_key(Diagnostic::offset);
    Report {
        file_name,
        source: text.into(),
        diagnostics,
    }
}

fn invalid(file_name: String, text: &str, diagnostics: Vec<Diagnostic>) -> Error {
    Error::Invalid(vec![report(file_name, text, diagnostics)])
}

/// The files `inc` matches, sorted, each as shown and relative to `folder`; or why its
/// pattern is refused.
fn files_of(
    inc: &TemplateInclude,
    folder: &Path,
    root: &Path,
) -> Result<Vec<(PathBuf, String)>, Diagnostic> {
    let pattern = inc.pattern.as_str();
    let relative = Path::new(pattern);
    if relative.is_absolute()
        || relative.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::Prefix(_) | Component::RootDir
            )
        })
    {
        return Err(outside(inc, "an absolute path or `..` leaves it"));
    }
    if let Err(e) = glob::Pattern::new(pattern) {
        return Err(Diagnostic::new(
            "chanctl::template::include_pattern",
            format!("`{pattern}` is not a glob pattern: {}", e.msg),
            inc.span,
            "not a pattern",
        )
        .with_help(
            "write a path relative to the channels file's folder, with `*`, `?`, `[abc]` or \
             `**` where names vary: e.g. `templates/*.yaml`",
        ));
    }
    let full = format!(
        "{}/{pattern}",
        glob::Pattern::escape(&folder.display().to_string())
    );
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let mut files = Vec::new();
    // The pattern was checked above; the folder's part is escaped.
    let paths = glob::glob_with(&full, options).map_err(|e| outside(inc, e.msg))?;
    for path in paths.flatten() {
        if !path.is_file() {
            continue;
        }
        let within = path.canonicalize().is_ok_and(|real| real.starts_with(root));
        if !within {
            return Err(outside(
                inc,
                &format!("{} leads out of it (a link)", path.display()),
            ));
        }
        let relative = relative_to(&path, folder);
        let shown = path
            .strip_prefix("./")
            .map(Path::to_path_buf)
            .unwrap_or(path);
        files.push((shown, relative));
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        return Err(Diagnostic::new(
            "chanctl::template::include_no_match",
            format!("`{pattern}` matches no file"),
            inc.span,
            "no file matches",
        )
        .with_help(format!(
            "the pattern is relative to the channels file's folder ({}); it must match at \
             least one file, each a mapping with a `templates:` list",
            folder.display()
        )));
    }
    Ok(files)
}

fn outside(inc: &TemplateInclude, why: &str) -> Diagnostic {
    Diagnostic::new(
        "chanctl::template::include_outside",
        format!(
            "`{}` would include a file outside the channels file's folder: {why}",
            inc.pattern
        ),
        inc.span,
        "outside the folder",
    )
    .with_help(
        "included files must be under the folder of the channels file (no `..`, no absolute \
         path, no link out of it): a pull request that changes a pattern must not make chanctl \
         read any other file",
    )
}
