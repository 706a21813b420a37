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
/// By default mimalloc keeps freed pages for 10 ms before giving them back. A plan is made in
/// about that time, so the YAML tree and its JSON form, freed once the file is loaded, stayed
/// resident while the plan was built: returning them at once took the peak memory of a
/// 10,000-channel plan from about 62 MB to 47 MB, at no cost in time that the (noisy)
/// development machine showed.
pub fn configure() {
    // SAFETY: `mi_option_set` only stores the option's value; mimalloc reads it on each purge.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
}
