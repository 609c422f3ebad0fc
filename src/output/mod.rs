//! Turning reports and tables into text for people and programs; nothing here reads or searches.

pub mod across;
pub mod dataset;
pub mod export;
pub mod grid;
pub mod marks;
pub mod sanitize;
pub mod summary;
pub mod turn;
