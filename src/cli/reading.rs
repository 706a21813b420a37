//! Reading the account, shown on a terminal: a spinner while the account is listed, then a
//! bar, `reading 300 channels: 120/300`, cleared once every channel is read. Off a terminal,
//! and with -v (which prints every call), nothing.

use crate::printer::Printer;
use std::sync::Mutex;

/// The bar of the read in progress.
static BAR: Mutex<Option<indicatif::ProgressBar>> = Mutex::new(None);

/// Show that `done` of `total` channels are read (`None`: the account is being listed).
pub fn show(printer: &Printer, done: usize, total: Option<usize>) {
    if printer.verbose || !printer.err_is_terminal() {
        return;
    }
    let mut bar = BAR.lock().unwrap_or_else(|e| e.into_inner());
    if total.is_some_and(|total| done >= total) {
        if let Some(bar) = bar.take() {
            bar.finish_and_clear();
        }
        return;
    }
    let bar = bar.get_or_insert_with(|| {
        let spinner = indicatif::ProgressBar::new_spinner();
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        spinner.set_message("reading the account");
        spinner
    });
    if let Some(total) = total {
        if bar.length() != Some(total as u64) {
            bar.set_length(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "reading {len} channels: {pos}/{len} {bar:30} {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
        bar.set_position(done as u64);
    }
}
