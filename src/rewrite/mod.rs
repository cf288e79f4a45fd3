//! Turning verdicts into fixes: the only code that decides what text to write.

pub mod capture;
pub mod closure;
pub mod hoist;
pub mod lift;
pub mod names;
pub mod text;
