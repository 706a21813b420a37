//! Narrowing a plan to some channels (`--target GLOB`, `--exclude GLOB`). A step kept in
//! scope that depends on a step left out is an error that names both: a dependency is
//! never silently skipped. A pattern that matches no channel at all (of the file or the
//! account) is an error too, naming the nearest names: a typo never narrows a plan to nothing.

use super::{Plan, Step, Summary};
use crate::config::fuzzy;
use glob::Pattern;

/// Which channels a plan may touch, by name.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub targets: Vec<String>,
    pub excludes: Vec<String>,
}

impl Scope {
    pub fn is_everything(&self) -> bool {
        self.targets.is_empty() && self.excludes.is_empty()
    }

    /// Check the patterns; an invalid one is an error naming it.
    pub fn compile(&self) -> Result<(Vec<Pattern>, Vec<Pattern>), String> {
        let compile = |list: &[String]| {
            list.iter()
                .map(|g| Pattern::new(g).map_err(|e| format!("invalid pattern `{g}`: {e}")))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok((compile(&self.targets)?, compile(&self.excludes)?))
    }
}

/// Refuse a `--target` or `--exclude` pattern that matches none of `names` (the channels of
/// the file and of the account, old names included): the error lists each such pattern with
/// the names nearest to it.
pub fn check_matches<'a>(
    scope: &Scope,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<(), String> {
    if scope.is_everything() {
        return Ok(());
    }
    let (targets, excludes) = scope.compile()?;
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    names.dedup();
    let mut problems = Vec::new();
    let given = scope
        .targets
        .iter()
        .zip(&targets)
        .map(|p| ("--target", p))
        .chain(
            scope
                .excludes
                .iter()
                .zip(&excludes)
                .map(|p| ("--exclude", p)),
        );
    for (flag, (text, pattern)) in given {
        if names.iter().any(|n| pattern.matches(n)) {
            continue;
        }
        let near = nearest(text, &names);
        let hint = if near.is_empty() {
            if names.is_empty() {
                "there are no channels".to_string()
            } else {
                "no name is close".to_string()
            }
        } else {
            format!("nearest: {}", near.join(", "))
        };
        problems.push(format!("{flag} `{text}` matches no channel ({hint})"));
    }
    match problems.len() {
        0 => Ok(()),
        1 => Err(problems.remove(0)),
        _ => Err(format!(
            "some patterns match no channel:\n  - {}",
            problems.join("\n  - ")
        )),
    }
}

/// Up to three of `names` nearest to `pattern` (its glob characters aside), closest first;
/// only names close enough to be what was meant.
fn nearest(pattern: &str, names: &[&str]) -> Vec<String> {
    let plain: String = pattern
        .chars()
        .filter(|c| !matches!(c, '*' | '?' | '[' | ']'))
        .collect();
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .filter(|n| {
            let lower = n.to_lowercase();
            fuzzy::similar(&plain, n)
                || (plain.chars().count() >= 3 && lower.contains(&plain.to_lowercase()))
        })
        .map(|n| {
            (
                fuzzy::edit_distance(&plain.to_lowercase(), &n.to_lowercase()),
                *n,
            )
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| format!("`{n}`"))
        .collect()
}

fn in_scope(name: &str, targets: &[Pattern], excludes: &[Pattern]) -> bool {
    (targets.is_empty() || targets.iter().any(|p| p.matches(name)))
        && !excludes.iter().any(|p| p.matches(name))
}

/// Keep only the steps (and unmanaged channels) in scope.
pub fn narrow(mut plan: Plan, scope: &Scope) -> Result<Plan, String> {
    if scope.is_everything() {
        return Ok(plan);
    }
    let (targets, excludes) = scope.compile()?;
    let keep: Vec<bool> = plan
        .steps
        .iter()
        .map(|s| in_scope(&s.channel, &targets, &excludes))
        .collect();
    let mut problems = Vec::new();
    for (i, s) in plan.steps.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        for &d in &s.depends_on {
            if !keep[d] {
                let dep = &plan.steps[d];
                problems.push(format!(
                    "{} `{}` depends on {} `{}`, which is outside the scope",
                    s.action.as_str(),
                    s.channel,
                    dep.action.as_str(),
                    dep.channel
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(format!(
            "the scope leaves out steps that steps in it depend on:\n  - {}\nwiden --target (or narrow --exclude) to include them",
            problems.join("\n  - ")
        ));
    }
    let mut position = vec![usize::MAX; plan.steps.len()];
    let mut kept: Vec<Step> = Vec::new();
    for (i, s) in plan.steps.drain(..).enumerate() {
        if keep[i] {
            position[i] = kept.len();
            kept.push(s);
        }
    }
    for (i, s) in kept.iter_mut().enumerate() {
        s.index = i;
        s.depends_on = s.depends_on.iter().map(|&d| position[d]).collect();
    }
    plan.unmanaged
        .retain(|u| in_scope(&u.name, &targets, &excludes));
    plan.summary = Summary::of(&kept, plan.unmanaged.len());
    plan.steps = kept;
    plan.blocked_by = plan.blocks();
    plan.warnings.push(format!(
        "the plan is narrowed to a scope (targets: {}; excludes: {}); other channels are not compared",
        if scope.targets.is_empty() { "all".to_string() } else { scope.targets.join(", ") },
        if scope.excludes.is_empty() { "none".to_string() } else { scope.excludes.join(", ") }
    ));
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(targets: &[&str], excludes: &[&str]) -> Scope {
        Scope {
            targets: targets.iter().map(|s| s.to_string()).collect(),
            excludes: excludes.iter().map(|s| s.to_string()).collect(),
        }
    }

    const NAMES: [&str; 4] = [
        "support-whatsapp",
        "support-viber",
        "sales-email",
        "alerts-sms",
    ];

    #[test]
    fn patterns_that_match_pass() {
        assert!(check_matches(&scope(&["support-*"], &["*-viber"]), NAMES).is_ok());
        assert!(check_matches(&scope(&[], &[]), []).is_ok());
    }

    #[test]
    fn a_typo_is_refused_with_the_nearest_names() {
        let e = check_matches(&scope(&["suport-whatsapp"], &[]), NAMES).unwrap_err();
        assert_eq!(
            e,
            "--target `suport-whatsapp` matches no channel (nearest: `support-whatsapp`)"
        );
        let e = check_matches(&scope(&["support*x"], &["sms"]), NAMES).unwrap_err();
        assert!(e.starts_with("some patterns match no channel:"), "{e}");
        assert!(
            e.contains("--exclude `sms` matches no channel (nearest: `alerts-sms`)"),
            "{e}"
        );
        let e = check_matches(&scope(&["zzz"], &[]), NAMES).unwrap_err();
        assert!(e.ends_with("(no name is close)"), "{e}");
        let e = check_matches(&scope(&["a"], &[]), []).unwrap_err();
        assert!(e.ends_with("(there are no channels)"), "{e}");
    }
}
