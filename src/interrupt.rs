//! Ctrl-C. While an apply runs its steps, the first Ctrl-C stops it in order: no further step
//! is sent, the steps in flight are awaited (for a bounded time) and recorded in the
//! journal, apply says what was done and what was not, and the lock is released. A second
//! Ctrl-C, or one anywhere else (a plan, a read, the confirmation prompt), ends the process
//! at once with status 130, as a shell expects of an interrupted command.
//!
//! The signal is taken on a thread of its own, so that it is seen however busy the command's
//! runtime is; the apply learns of it through [`requested`] and [`wait`].

use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Notify;

/// The exit status of an interrupted command (128 + SIGINT).
pub const EXIT_STATUS: u8 = 130;

/// Ctrl-C presses so far.
static PRESSES: AtomicUsize = AtomicUsize::new(0);
/// Sections that stop in order on the first Ctrl-C (an apply running its steps).
static GRACEFUL: AtomicUsize = AtomicUsize::new(0);
static PRESSED: Notify = Notify::const_new();

/// Take Ctrl-C from now on. `on_exit` runs just before the process ends at once (to say
/// so). Returns when the handler is in place.
pub fn install(on_exit: fn()) {
    let (ready, installed) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("ctrl-c".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                let _ = ready.send(());
                return;
            };
            rt.block_on(async move {
                let Ok(mut presses) = listen() else {
                    let _ = ready.send(());
                    return;
                };
                let _ = ready.send(());
                while presses.recv().await.is_some() {
                    let n = PRESSES.fetch_add(1, Ordering::SeqCst) + 1;
                    if n >= 2 || GRACEFUL.load(Ordering::SeqCst) == 0 {
                        on_exit();
                        std::process::exit(i32::from(EXIT_STATUS));
                    }
                    PRESSED.notify_waiters();
                }
            });
        });
    if spawned.is_ok() {
        let _ = installed.recv();
    }
}

#[cfg(unix)]
fn listen() -> std::io::Result<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
}

#[cfg(windows)]
fn listen() -> std::io::Result<tokio::signal::windows::CtrlC> {
    tokio::signal::windows::ctrl_c()
}

/// Whether Ctrl-C was pressed.
pub fn requested() -> bool {
    PRESSES.load(Ordering::SeqCst) > 0
}

/// Resolves once Ctrl-C is pressed (at once if it was already).
pub async fn wait() {
    loop {
        let pressed = PRESSED.notified();
        tokio::pin!(pressed);
        pressed.as_mut().enable();
        if requested() {
            return;
        }
        pressed.await;
    }
}

/// While this lives, the first Ctrl-C is left to the code that checks [`requested`] instead
/// of ending the process.
pub struct Graceful(());

/// Stop in order on the first Ctrl-C until the value returned is dropped.
pub fn graceful() -> Graceful {
    GRACEFUL.fetch_add(1, Ordering::SeqCst);
    Graceful(())
}

impl Drop for Graceful {
    fn drop(&mut self) {
        GRACEFUL.fetch_sub(1, Ordering::SeqCst);
    }
}
