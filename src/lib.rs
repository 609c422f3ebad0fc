//! nianbao: search and browse Chinese government information-disclosure annual reports.

pub mod report;
