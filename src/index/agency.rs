//! Finding agencies the way people type them: the full name, Chinese parts, full pinyin or initials.
//!
//! Each name is kept with every reading of each character (`to_pinyin_multi`, so polyphones
//! such as 重 zhong/chong or 行 xing/hang work). Input is split on whitespace and every part must
//! match: a Chinese part as a substring of the name, a Latin part as pinyin of consecutive
//! characters where each character is written as its full reading or a prefix of it — so
//! `zhongwei`, `zw`, `zwsggzy` and `zhongw` all find 中卫市…

use super::tokenizer::{fold_width, is_cjk};
use pinyin::ToPinyinMulti;

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    /// The name with whitespace removed and widths folded, for substring matching.
    norm: String,
    /// Per character: its readings, lowercase ASCII without tones; a non-Chinese
    /// character stands for itself (lowercased).
    readings: Vec<Vec<String>>,
}

/// Matches user input against the agency names of an index.
#[derive(Debug, Clone, Default)]
pub struct AgencyMatcher {
    entries: Vec<Entry>,
}

fn norm(s: &str) -> String {
    s.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

fn readings(c: char) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    if let Some(m) = c.to_pinyin_multi() {
        for p in m {
            let s = p.plain().replace('ü', "v");
            if !v.contains(&s) {
                v.push(s);
            }
        }
    }
    if v.is_empty() {
        v.push(c.to_lowercase().collect());
    }
    v
}

/// Whether `q` (ASCII, lowercase) can be read from the characters starting at `start`, each
/// character taking a nonempty prefix of one of its readings, all of `q` consumed.
fn pinyin_from(readings: &[Vec<String>], start: usize, q: &[u8]) -> bool {
    // reach[k]: q[..k] can be consumed by the characters start..i for the current i.
    let mut reach = vec![false; q.len() + 1];
    reach[0] = true;
    for rs in &readings[start..] {
        let mut next = vec![false; q.len() + 1];
        for (k, ok) in reach.iter().enumerate() {
            if !ok {
                continue;
            }
            for r in rs {
                let r = r.as_bytes();
                let mut n = 0;
                while n < r.len() && k + n < q.len() && r[n] == q[k + n] {
                    n += 1;
                    next[k + n] = true;
                }
            }
        }
        if next[q.len()] {
            return true;
        }
        if !next.iter().any(|&b| b) {
            return false;
        }
        reach = next;
    }
    false
}

impl Entry {
    fn matches_part(&self, part: &str) -> bool {
        if self.norm.contains(part) {
            return true;
        }
        if part.is_ascii() && part.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let q = part.as_bytes();
            return (0..self.readings.len()).any(|i| pinyin_from(&self.readings, i, q));
        }
        false
    }
}

impl AgencyMatcher {
    pub fn new(names: Vec<String>) -> AgencyMatcher {
        let entries = names
            .into_iter()
            .map(|name| {
                let norm = norm(&name);
                let readings = norm
                    .chars()
                    .map(|c| {
                        if is_cjk(c) {
                            readings(c)
                        } else {
                            vec![c.to_string()]
                        }
                    })
                    .collect();
                Entry {
                    name,
                    norm,
                    readings,
                }
            })
            .collect();
        AgencyMatcher { entries }
    }

    /// The names `input` can mean, best first: an exact name gives only itself; otherwise
    /// every name all of whose parts match, shortest first (the most specific).
    pub fn resolve(&self, input: &str) -> Vec<String> {
        let whole = norm(input);
        if whole.is_empty() {
            return Vec::new();
        }
        if let Some(e) = self.entries.iter().find(|e| e.norm == whole) {
            return vec![e.name.clone()];
        }
        let parts: Vec<String> = input
            .split(|c: char| fold_width(c).is_whitespace())
            .map(norm)
            .filter(|p| !p.is_empty())
            .collect();
        let mut found: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| parts.iter().all(|p| e.matches_part(p)))
            .collect();
        found.sort_by(|a, b| {
            a.name
                .chars()
                .count()
                .cmp(&b.name.chars().count())
                .then(a.name.cmp(&b.name))
        });
        found.into_iter().map(|e| e.name.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> AgencyMatcher {
        AgencyMatcher::new(vec![
            "中卫市公共资源交易中心".into(),
            "中卫市工业和信息化局".into(),
            "石嘴山市公共资源交易中心".into(),
            "重庆市行政审批局".into(),
        ])
    }

    #[test]
    fn chinese_parts_and_exact() {
        assert_eq!(m().resolve("中卫 交易"), vec!["中卫市公共资源交易中心"]);
        assert_eq!(
            m().resolve("中卫市公共资源交易中心"),
            vec!["中卫市公共资源交易中心"]
        );
        assert_eq!(m().resolve("中卫").len(), 2);
        assert_eq!(m().resolve("公共资源").len(), 2);
        assert!(m().resolve("不存在").is_empty());
        assert!(m().resolve("  ").is_empty());
    }

    #[test]
    fn pinyin_full_initials_mixed_polyphones() {
        assert_eq!(m().resolve("zhongwei").len(), 2);
        assert_eq!(m().resolve("zwsggzy"), vec!["中卫市公共资源交易中心"]);
        assert_eq!(m().resolve("zwsggzyjyzx"), vec!["中卫市公共资源交易中心"]);
        assert_eq!(
            m().resolve("ZhongWei jiaoyi"),
            vec!["中卫市公共资源交易中心"]
        );
        assert_eq!(m().resolve("shizuishan"), vec!["石嘴山市公共资源交易中心"]);
        // 重 is zhong and chong; 行 is xing and hang.
        assert_eq!(m().resolve("chongqing"), vec!["重庆市行政审批局"]);
        assert_eq!(m().resolve("xingzheng"), vec!["重庆市行政审批局"]);
        assert!(m().resolve("zzzz").is_empty());
    }
}
