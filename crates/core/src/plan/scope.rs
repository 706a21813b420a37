//! Narrowing a plan to some channels (`--target GLOB`, `--exclude GLOB`). A step kept in
//! scope that depends on a step left out is an error that names both: a dependency is
//! never silently skipped.

use super::{Plan, Step, Summary};
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
