//! `[tool.picklefix]` in the nearest `pyproject.toml`.
//!
//! ```toml
//! [tool.picklefix]
//! exclude = ["generated/*", "legacy.py"]   # gitignore-style, relative to this file
//! select = ["PF001", "PF002"]
//! ignore = ["PF004"]
//! unsafe-fixes = false
//! ```
//!
//! Each root on the command line finds its own nearest file (walking up from the root), so
//! one run over several repositories honours each repository's settings. `--config` names
//! one file for every root instead (a `pyproject.toml`, or a `picklefix.toml` holding the
//! same keys at top level), or overrides single keys inline (`--config "unsafe-fixes = true"`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FileConfig {
    pub exclude: Option<Vec<String>>,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub unsafe_fixes: Option<bool>,
}

impl FileConfig {
    /// `over`'s keys win; the keys it leaves unset come from `self`.
    pub fn overlay(self, over: FileConfig) -> FileConfig {
        FileConfig {
            exclude: over.exclude.or(self.exclude),
            select: over.select.or(self.select),
            ignore: over.ignore.or(self.ignore),
            unsafe_fixes: over.unsafe_fixes.or(self.unsafe_fixes),
        }
    }
}

/// A file named with `--config`: a `pyproject.toml` must have a `[tool.picklefix]` table;
/// any other file holds the keys at top level.
pub fn read_config_file(path: &Path) -> Result<FileConfig, String> {
    let named = |e: String| format!("{}: {e}", path.display());
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    if is_pyproject {
        return read_config(path)?.ok_or_else(|| named("has no [tool.picklefix] table".into()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| named(e.to_string()))?;
    parse_keys(&text).map_err(named)
}

/// One `--config "key = value"` override (any TOML holding picklefix's keys at top level).
pub fn parse_inline(text: &str) -> Result<FileConfig, String> {
    parse_keys(text)
}

fn parse_keys(text: &str) -> Result<FileConfig, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| e.message().trim().to_string())?;
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| e.message().trim().to_string())
}

/// The nearest `pyproject.toml` with a `[tool.picklefix]` table, from `start` upwards.
pub fn find_config(start: &Path) -> Result<Option<(PathBuf, FileConfig)>, String> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join("pyproject.toml");
        if candidate.is_file() {
            if let Some(config) = read_config(&candidate)? {
                return Ok(Some((candidate, config)));
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

/// `Ok(None)` when the file has no `[tool.picklefix]` table.
pub fn read_config(path: &Path) -> Result<Option<FileConfig>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_config(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse_config(text: &str) -> Result<Option<FileConfig>, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| e.message().to_string())?;
    let Some(section) = table.get("tool").and_then(|t| t.get("picklefix")) else {
        return Ok(None);
    };
    section
        .clone()
        .try_into()
        .map(Some)
        .map_err(|e: toml::de::Error| format!("[tool.picklefix]: {}", e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_table_and_rejects_unknown_keys() {
        let c = parse_config("[tool.picklefix]\nselect = [\"PF001\"]\nunsafe-fixes = true\n")
            .unwrap()
            .unwrap();
        assert_eq!(c.select, Some(vec!["PF001".to_string()]));
        assert_eq!(c.unsafe_fixes, Some(true));
        assert_eq!(parse_config("[tool.ruff]\nx = 1\n").unwrap(), None);
        let err = parse_config("[tool.picklefix]\nselcet = []\n").unwrap_err();
        assert!(err.contains("selcet"), "{err}");
        assert!(parse_config("[tool.picklefix\n").is_err());
    }

    #[test]
    fn inline_overrides_and_overlay() {
        let c = parse_inline("unsafe-fixes = true").unwrap();
        assert_eq!(c.unsafe_fixes, Some(true));
        let s = parse_inline("select = [\"PF001\"]").unwrap();
        let merged = c.clone().overlay(s);
        assert_eq!(merged.unsafe_fixes, Some(true));
        assert_eq!(merged.select, Some(vec!["PF001".to_string()]));
        assert!(parse_inline("unsafe-fixes = maybe").is_err());
        assert!(parse_inline("selcet = []").unwrap_err().contains("selcet"));
    }

    #[test]
    fn config_files_named_on_the_command_line() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("picklefix.toml");
        std::fs::write(&own, "ignore = [\"PF002\"]\n").unwrap();
        assert_eq!(
            read_config_file(&own).unwrap().ignore,
            Some(vec!["PF002".to_string()])
        );
        let py = dir.path().join("pyproject.toml");
        std::fs::write(&py, "[project]\nname = \"x\"\n").unwrap();
        assert!(read_config_file(&py)
            .unwrap_err()
            .contains("[tool.picklefix]"));
        let missing = dir.path().join("nope.toml");
        assert!(read_config_file(&missing)
            .unwrap_err()
            .contains("nope.toml"));
    }

    #[test]
    fn finds_the_nearest_file_with_a_table() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let pkg = repo.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(
            repo.join("pyproject.toml"),
            "[tool.picklefix]\nignore = [\"PF002\"]\n",
        )
        .unwrap();
        std::fs::write(pkg.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
        let (path, config) = find_config(&pkg).unwrap().unwrap();
        assert!(path.ends_with("repo/pyproject.toml"));
        assert_eq!(config.ignore, Some(vec!["PF002".to_string()]));
    }
}
