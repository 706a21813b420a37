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
