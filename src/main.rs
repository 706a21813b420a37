//! The `chanctl` binary: a thin shell over the library.

#[global_allocator]
static GLOBAL: chanctl::allocator::Allocator = chanctl::allocator::Allocator;

fn main() -> std::process::ExitCode {
    chanctl::allocator::configure();
    chanctl::cli::main()
}
