//! Reading the account, shown on a terminal: a spinner while the account is listed, then a
//! bar, `reading 300 channels: 120/300`, cleared once every channel is read; then, where
//! templates are read (5 a second on CAMS), `reading 500 templates: 40/500`. Off a terminal,
//! and with -v (which prints every call), nothing.

use crate::printer::Printer;
use std::sync::Mutex;

/// The bar of the read in progress, with what it counts.
static BAR: Mutex<Option<(indicatif::ProgressBar, &'static str)>> = Mutex::new(None);

/// Show that `done` of `total` channels are read (`None`: the account is being listed).
pub fn show(printer: &Printer, done: usize, total: Option<usize>) {
    show_of(printer, "channels", done, total)
}

/// Show that `done` of `total` template details are read.
pub fn show_templates(printer: &Printer, done: usize, total: usize) {
    show_of(printer, "templates", done, Some(total))
}

fn show_of(printer: &Printer, what: &'static str, done: usize, total: Option<usize>) {
    if printer.verbose || !printer.err_is_terminal() {
        return;
    }
    let mut bar = BAR.lock().unwrap_or_else(|e| e.into_inner());
    if total.is_some_and(|total| done >= total) {
        if let Some((bar, _)) = bar.take() {
            bar.finish_and_clear();
        }
        return;
    }
    let (bar, counted) = bar.get_or_insert_with(|| {
        let spinner = indicatif::ProgressBar::new_spinner();
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        spinner.set_message("reading the account");
        (spinner, "")
    });
    if let Some(total) = total {
        if bar.length() != Some(total as u64) || *counted != what {
            *counted = what;
            bar.set_length(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "reading {{len}} {what}: {{pos}}/{{len}} {{bar:30}} {{elapsed}}"
                ))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
        bar.set_position(done as u64);
    }
}
