//! Two pieces of work at once: one on the calling thread, the other on a helper thread that
//! lives as long as the process.
//!
//! Loading a large file checks it against the schema while it is typed, and a plan of a large
//! account hashes the live channels while the steps are made (see `config::direct` and
//! `plan::diff`). Starting a thread for each cost 20 to 70 µs of the calling thread's time,
//! twice per plan: a fifth of what the second core saves for a file of 1,000 channels. The
//! helper is started once, the first time it is needed, and then only woken.

use std::sync::OnceLock;

/// The helper: one thread, or none if the system would not start one (then the work is
/// done in turn on the calling thread).
fn helper() -> Option<&'static rayon::ThreadPool> {
    static HELPER: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    HELPER
        .get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "chanctl-helper".to_string())
                .build()
                .ok()
        })
        .as_ref()
}

/// `there()` on the helper thread while `here()` runs on this one; both results once both
/// are done. A panic in either is resumed here, after both have ended.
pub fn beside<A: Send, B>(there: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> (A, B) {
    let Some(helper) = helper() else {
        let b = here();
        return (there(), b);
    };
    let mut a = None;
    let b = helper.in_place_scope(|scope| {
        scope.spawn(|_| a = Some(there()));
        here()
    });
    (a.expect("the scope ends once its work has run"), b)
}

#[cfg(test)]
mod tests {
    use super::beside;

    #[test]
    fn both_run_and_the_helper_is_another_thread() {
        let me = std::thread::current().id();
        let (there, here) = beside(
            || std::thread::current().id(),
            || std::thread::current().id(),
        );
        assert_eq!(here, me);
        assert_ne!(there, me);
        // The same helper again, borrowing from this frame.
        let items: Vec<u32> = (1..=100).collect();
        let (sum, len) = beside(|| items.iter().sum::<u32>(), || items.len());
        assert_eq!((sum, len), (5050, 100));
    }

    #[test]
    fn a_panic_on_the_helper_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| beside(|| panic!("on the helper"), || 1));
        assert!(caught.is_err());
        // The helper still works afterwards.
        assert_eq!(beside(|| 2, || 3), (2, 3));
    }
}
