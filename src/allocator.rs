//! The memory allocator chanctl runs with, named once so that the binary and the benchmarks
//! that measure it use the same one.
//!
//! Planning a large account makes hundreds of thousands of small allocations (the YAML tree,
//! its JSON form, every step's before and after). With the system allocator of glibc, the
//! time per allocation grows with the size of the heap, so a plan of 10,000 channels cost
//! more than ten times one of 1,000. mimalloc keeps that cost flat. Its version 2 line is
//! used: version 3's defaults keep freed memory longer (and ask for transparent huge pages),
//! which raised the peak memory of a 10,000-channel plan to 64–80 MB against about 53 MB.

pub use mimalloc::MiMalloc as Allocator;

/// mimalloc's `mi_option_purge_delay` (its option enum in the version 2 line's mimalloc.h).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Set the allocator's options for a short-lived process; call first thing in `main`.
///
/// mimalloc gives freed pages back to the system after a delay. At 0 (returned at once), the
/// YAML tree, freed once the file is loaded, was handed back and the plan built after it had
/// every page of its own faulted in again and zeroed: about 4,500 more page faults in a
/// 10,000-channel plan, a fifth of the process's time (53 against 42 ms). With any delay
/// the plan reuses the tree's pages; the peak memory is then about 46 MB against 42 (46 MB
/// too when nothing is ever given back, which bounds it whatever the machine's speed). The
/// delay is mimalloc's default, set here so that it stays what was measured.
pub fn configure() {
    // SAFETY: `mi_option_set` only stores the option's value; mimalloc reads it on each purge.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) };
}

/// Milliseconds before freed pages go back to the system.
const PURGE_DELAY_MS: std::ffi::c_long = 10;
