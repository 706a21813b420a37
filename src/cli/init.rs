//! `chanctl init`: write a commented starter channels.yaml with the schema modeline, and the
//! schema beside it so that editors validate and complete offline.

use super::args::FileArgs;
use super::{Exit, Result};
use crate::ops;
use crate::printer::Printer;

/// The starter file: valid as written, with every key explained.
pub const STARTER: &str = r#"# yaml-language-server: $schema=channels.schema.json
#
# The channels of one Alibaba Cloud CAMS account, as code.
#   chanctl validate        check this file
#   chanctl plan            show what would change in the account
#   chanctl apply           make the account match this file
version: 1
account:
  quota: 100            # the account's channel limit, all types together; 100 unless raised
prune: false            # true: delete live channels that this file does not declare
channels:
  # name: 1 to 50 characters, unique. type: whatsapp | viber | messenger | instagram | sms | email
  - name: support-whatsapp
    type: whatsapp
    description: Customer support          # optional, at most 150 characters
    binding:                               # optional: without it the channel exists Unbound
      waba_id: "102938475610"              # quote ids, so that YAML keeps them as text
      phone_number: "+6588001234"          # E.164
    # protect: true                        # never deleted or rebound without --force
    # previously: [old-name]               # renamed from: an update, not delete + create

  - name: login-codes
    type: sms                              # SMS channels take no binding
    description: One-time passwords
"#;

#[derive(Debug, clap::Args)]
// The `-f` of every command, its help saying what `init` does with it.
#[command(mut_args(|a| if a.get_id() == "file" { a.help("Where to write the file") } else { a }))]
pub struct Args {
    #[command(flatten)]
    pub file: FileArgs,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn exec(args: &Args, printer: &Printer) -> Result {
    let file = &args.file.file;
    if file.exists() && !args.force {
        return Err(ops::Error::Usage(format!(
            "{} already exists; pass --force to overwrite it",
            file.display()
        ))
        .into());
    }
    let write = |path: &std::path::Path, text: &str| {
        std::fs::write(path, text).map_err(|source| ops::Error::Write {
            path: path.to_path_buf(),
            source,
        })
    };
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ops::Error::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    write(file, STARTER)?;
    let schema = file
        .parent()
        .unwrap_or(std::path::Path::new(""))
        .join("channels.schema.json");
    write(&schema, crate::config::schema::COMMITTED)?;
    // The next command names the file unless it is the default one.
    let next = if *file == std::path::Path::new("channels.yaml") {
        "chanctl plan".to_string()
    } else {
        format!("chanctl plan -f {}", file.display())
    };
    printer.out(&format!(
        "Wrote {} and {}. Next: edit it, then `{next}`.\n",
        file.display(),
        schema.display()
    ));
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_starter_file_is_valid() {
        let desired = crate::config::load(super::STARTER).expect("the starter validates");
        assert_eq!(desired.channels.len(), 2);
    }
}
