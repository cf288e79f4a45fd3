//! Writing a rewritten file: verified, atomic, and only if nobody changed it meanwhile.

use std::io::Write;
use std::path::Path;

use crate::outcome::{Failure, SkipReason};

/// Replace `path`'s content with `new` if it still holds `original`.
///
/// The new bytes go to a temporary file in the same folder (same filesystem, so the rename
/// is atomic), are synced, get the old permissions, and are renamed over the target. A
/// symlink is written through: its target is rewritten and the link stays a link.
pub fn write_atomic(path: &Path, original: &[u8], new: &[u8]) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure::io(&e);
    let target = std::fs::canonicalize(path).map_err(io)?;
    let dir = target
        .parent()
        .ok_or_else(|| Failure::error("has no parent folder"))?;
    let meta = std::fs::metadata(&target).map_err(io)?;
    // The rename would replace a file we may not write (a directory we may write is
    // enough for it); like any editor, refuse instead. Root bypasses permission checks, so
    // the mode bits are looked at too.
    let writable = std::fs::OpenOptions::new().write(true).open(&target);
    if meta.permissions().readonly() || writable.is_err() {
        return Err(Failure::skipped(
            SkipReason::Permission,
            "is read-only (Permission denied); not rewritten",
        ));
    }
    drop(writable);
    let mut tmp = tempfile::Builder::new()
        .prefix(".picklefix-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            let failure = Failure::io(&e);
            Failure {
                message: format!("cannot create a temporary file beside it: {failure}"),
                ..failure
            }
        })?;
    tmp.write_all(new).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(io)?;
    keep_owner(tmp.path(), &meta);
    let now = std::fs::read(&target).map_err(io)?;
    if now != original {
        return Err(Failure::skipped(
            SkipReason::ChangedDuringRun,
            "changed on disk since it was read; skipped",
        ));
    }
    tmp.persist(&target).map_err(|e| {
        let failure = Failure::io(&e.error);
        Failure {
            message: format!("cannot replace the file: {failure}"),
            ..failure
        }
    })?;
    Ok(())
}

#[cfg(unix)]
fn keep_owner(path: &Path, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    // Only possible as root or when unchanged; failing to keep the owner is not fatal.
    let _ = std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &Path, _: &std::fs::Metadata) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        std::fs::write(&p, "old\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o751)).unwrap();
        }
        write_atomic(&p, b"old\n", b"new\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o751);
        }
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn refuses_when_changed_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        std::fs::write(&p, "someone else\n").unwrap();
        let err = write_atomic(&p, b"old\n", b"new\n").unwrap_err();
        assert_eq!(err.reason, Some(SkipReason::ChangedDuringRun));
        assert!(err.message.contains("changed"));
        assert_eq!(std::fs::read(&p).unwrap(), b"someone else\n");
    }

    #[test]
    fn refuses_read_only_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        std::fs::write(&p, "old\n").unwrap();
        let mut perms = std::fs::metadata(&p).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&p, perms).unwrap();
        let err = write_atomic(&p, b"old\n", b"new\n").unwrap_err();
        assert_eq!(err.reason, Some(SkipReason::Permission));
        assert!(err.message.contains("read-only"), "{err}");
        assert_eq!(std::fs::read(&p).unwrap(), b"old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.py");
        let link = dir.path().join("link.py");
        std::fs::write(&real, "old\n").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"old\n", b"new\n").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new\n");
    }
}
