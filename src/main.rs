//! The `chanctl` binary: a thin shell over the library.
fn main() -> std::process::ExitCode {
    chanctl::cli::main()
}
