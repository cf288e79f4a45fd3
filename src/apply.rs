//! Writing a rewritten file: verified, atomic, and only if nobody changed it meanwhile.

use std::io::Write;
use std::path::Path;

use crate::discover::io_message;

/// Replace `path`'s content with `new` if it still holds `original`.
///
/// The new bytes go to a temporary file in the same folder (same filesystem, so the rename
/// is atomic), are synced, get the old permissions, and are renamed over the target. A
/// symlink is written through: its target is rewritten and the link stays a link.
pub fn write_atomic(path: &Path, original: &[u8], new: &[u8]) -> Result<(), String> {
    let target = std::fs::canonicalize(path).map_err(|e| io_message(&e))?;
    let dir = target.parent().ok_or("has no parent folder")?;
    let meta = std::fs::metadata(&target).map_err(|e| io_message(&e))?;
    // The rename would replace a file we may not write (a directory we may write is
    // enough for it); like any editor, refuse instead. Root bypasses permission checks, so
    // the mode bits are looked at too.
    let writable = std::fs::OpenOptions::new().write(true).open(&target);
    if meta.permissions().readonly() || writable.is_err() {
        return Err("is read-only (Permission denied); not rewritten".to_string());
    }
    drop(writable);
    let mut tmp = tempfile::Builder::new()
        .prefix(".picklefix-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            format!(
                "cannot create a temporary file beside it: {}",
                io_message(&e)
            )
        })?;
    tmp.write_all(new).map_err(|e| io_message(&e))?;
    tmp.as_file().sync_all().map_err(|e| io_message(&e))?;
    std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(|e| io_message(&e))?;
    keep_owner(tmp.path(), &meta);
    let now = std::fs::read(&target).map_err(|e| io_message(&e))?;
    if now != original {
        return Err("changed on disk since it was read; skipped".to_string());
    }
    tmp.persist(&target)
        .map_err(|e| format!("cannot replace the file: {}", io_message(&e.error)))?;
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
        assert!(err.contains("changed"));
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
        assert!(err.contains("read-only"), "{err}");
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
