//! What the corpus's layout says of a report (its folder, its file name), given to the parser
//! as hints by whoever knows the layout, so the parser never reads a path's convention itself.

use std::path::Path;

/// Hints a report's place in the corpus gives. The parser uses them only where the report's
/// own text is silent, and says so in a warning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    /// The folder the file sits in (`修武县公共资源交易服务中心`): the agency, in the usual
    /// layout `…/AGENCY/YEAR.txt`.
    pub folder: Option<String>,
    /// The file name without its extension (`2023`, `2023年报告`).
    pub file_stem: Option<String>,
}

impl Hints {
    /// The usual layout, `…/AGENCY/YEAR.ext`: the parent folder's name and the file's stem.
    pub fn from_path(path: &str) -> Hints {
        let p = Path::new(path);
        let name = |o: Option<&std::ffi::OsStr>| o.and_then(|s| s.to_str()).map(str::to_string);
        Hints {
            folder: name(p.parent().and_then(Path::file_name)),
            file_stem: name(p.file_stem()),
        }
    }

    /// The year the file's name gives (`2023.txt`, `2023年报告.txt`): one run of four digits,
    /// 1990 to 2099, and no other digits.
    pub fn file_year(&self) -> Option<i32> {
        let stem = self.file_stem.as_deref()?;
        let runs: Vec<&str> = stem
            .split(|c: char| !c.is_ascii_digit())
            .filter(|r| !r.is_empty())
            .collect();
        match runs.as_slice() {
            [y] if y.len() == 4 => y.parse().ok().filter(|y| (1990..2100).contains(y)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_layout_gives_folder_and_stem() {
        let h = Hints::from_path("corpus/修武县公共资源交易服务中心/2023.txt");
        assert_eq!(h.folder.as_deref(), Some("修武县公共资源交易服务中心"));
        assert_eq!(h.file_stem.as_deref(), Some("2023"));
        assert_eq!(h.file_year(), Some(2023));
        assert_eq!(
            Hints::from_path("2023.txt").folder.as_deref(),
            Some("").filter(|_| false)
        );
    }

    #[test]
    fn a_file_year_is_one_run_of_four_digits_in_range() {
        let year = |s: &str| {
            Hints {
                file_stem: Some(s.into()),
                ..Hints::default()
            }
            .file_year()
        };
        assert_eq!(year("2023年报告"), Some(2023));
        assert_eq!(year("报告2023-2"), None);
        assert_eq!(year("1989"), None);
        assert_eq!(year("20231"), None);
        assert_eq!(Hints::default().file_year(), None);
    }
}
