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
//! one run over several repositories honours each repository's settings.

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
