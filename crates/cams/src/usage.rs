//! Counting what one piece of work cost: the requests sent and the retries made while a
//! future runs ([`counted`]), so that an apply can report each step's API calls and retries.
//! The count is task-local: concurrent steps each count their own.

use std::cell::Cell;
use std::future::Future;

/// Requests sent and retries made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// HTTP requests sent (every attempt counts).
    pub calls: usize,
    /// Attempts after a failure (each wait-and-send-again counts once).
    pub retries: usize,
}

tokio::task_local! {
    static COUNTS: Cell<Usage>;
}

/// Run `f`, counting the requests and retries made inside it.
pub async fn counted<F: Future>(f: F) -> (F::Output, Usage) {
    COUNTS
        .scope(Cell::new(Usage::default()), async move {
            let out = f.await;
            (out, COUNTS.with(Cell::get))
        })
        .await
}

fn bump(f: impl FnOnce(&mut Usage)) {
    let _ = COUNTS.try_with(|c| {
        let mut u = c.get();
        f(&mut u);
        c.set(u);
    });
}

/// One request sent (outside [`counted`], nothing is counted).
pub fn call() {
    bump(|u| u.calls += 1);
}

/// One retry.
pub fn retry() {
    bump(|u| u.retries += 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_future_counts_its_own() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (_, u) = rt.block_on(counted(async {
            call();
            call();
            retry();
        }));
        assert_eq!(
            u,
            Usage {
                calls: 2,
                retries: 1
            }
        );
        call(); // outside: ignored
        let (_, u) = rt.block_on(counted(async {}));
        assert_eq!(u, Usage::default());
    }
}
