//! Writing files so that a reader sees the old content or the new, never a mix: the sandbox
//! account, saved plans and exports all go through here.

use std::io::Write;
use std::path::Path;

/// Write `bytes` to `path` atomically (a temporary file beside it, synced, then renamed over
/// it, and the directory synced).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = atomic_write_file::AtomicWriteFile::open(path)?;
    file.write_all(bytes)?;
    file.commit()
}
